"""Signing in and out: password, system-use notice, second factor, lockout, timeouts (ACC-3, ACC-4, ACC-9).

These are the services behind the sign-in pages. Each step is audited, failures included.
"""
from axes.handlers.proxy import AxesProxyHandler
from axes.utils import reset as axes_reset
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.signals import user_login_failed
from django.utils import timezone
from django_otp import devices_for_user
from django_otp import login as otp_login

from accounts import audit_actions as actions
from accounts.mfa import device_verify, pending_totp_device
from accounts.models import AccountStatus, User, UserSession
from audit.context import Actor
from audit.models import Outcome
from audit.services import audit_record
from core.compliance import enforces
from core.errors import ApplicationError, PolicyDenied
from core.net import client_ip
from policy.selectors import current_policy

SESSION_STARTED = "alpr_auth_started"
SESSION_LAST_SEEN = "alpr_last_seen"
# The unconfirmed authenticator this session shows and may confirm (ACC-3).
SESSION_ENROLMENT_DEVICE = "alpr_enrolment_device"
# Sent by scripts that poll on their own (static/js/alerts.js).
BACKGROUND_HEADER = "X-ALPR-Background"

_STATUS_MESSAGES = {
    AccountStatus.PENDING: "Your account is waiting for the Chief's approval. "
                           "You can sign in once it is approved.",
    AccountStatus.DENIED: "Your account request was denied. Ask the system administrator why.",
    AccountStatus.SUSPENDED: "Your access is suspended pending review of a policy violation.",
    AccountStatus.SEPARATED: "This account belongs to a person who has left the department.",
    AccountStatus.INACTIVE: "This account was disabled after a long time without use. "
                            "Ask the Chief to reinstate it.",
}


def status_message(user: User) -> str:
    return _STATUS_MESSAGES.get(user.status, "This account cannot be used.")


@enforces("ACC-3", "ACC-4", "AUD-1")
def signin_password(request, *, username: str, password: str, notice_acknowledged: bool) -> User | None:
    """Check the password; on success start a session that still needs the second factor.

    Return None when the password is wrong or the account is locked (django-axes then answers
    with its lockout page); raise when the account exists but may not be used.
    """
    if not notice_acknowledged:
        raise ApplicationError("Read and acknowledge the system-use notice to continue.",
                               field="notice_acknowledged")
    user = authenticate(request, username=username, password=password)
    if user is None:
        if not getattr(request, "axes_locked_out", False):
            audit_record(actor=Actor.anonymous(username, client_ip=client_ip(request)),
                         action=actions.LOGIN_FAILED, outcome=Outcome.FAILED,
                         reason="Wrong login name or password.")
        return None
    actor = Actor.for_user(user, client_ip=client_ip(request))
    if user.status != AccountStatus.ACTIVE:
        audit_record(actor=actor, action=actions.LOGIN_REFUSED, outcome=Outcome.REFUSED,
                     reason=f"Account is {user.status}.")
        raise PolicyDenied(status_message(user))
    policy = current_policy()
    if not policy.network_is_trusted(actor.client_ip):
        audit_record(actor=actor, action=actions.NETWORK_REFUSED, outcome=Outcome.REFUSED,
                     reason="Sign-in from outside the trusted networks.")
        raise PolicyDenied("This system can be used only from department devices and networks.")
    login(request, user)  # Django issues a new session id here.
    request.session[SESSION_STARTED] = timezone.now().timestamp()
    request.session[SESSION_LAST_SEEN] = timezone.now().timestamp()
    actor = Actor.for_request(request)
    audit_record(actor=actor, action=actions.NOTICE_ACKNOWLEDGED)
    audit_record(actor=actor, action=actions.LOGIN_PASSWORD_OK)
    return user


@enforces("ACC-3", "ACC-4")
def signin_second_factor(request, *, token: str) -> bool:
    """Verify a TOTP or backup code for the signed-in user; failures count towards the lockout."""
    user = request.user
    if second_factor_locked_out(request):
        return False
    token = token.strip().replace(" ", "")
    for device in devices_for_user(user, confirmed=True):
        if token and device_verify(device, token):
            signin_second_factor_passed(request, device)
            return True
    signin_second_factor_failed(request, reason="Wrong or reused code.")
    return False


@enforces("ACC-4")
def second_factor_locked_out(request) -> bool:
    """Whether the half-signed-in person's account is locked; if it is, end the session.

    Asked before any code or passkey is checked. A session that passed the password before the
    lockout (opened beforehand, or many of them side by side) must not go on guessing codes after it,
    nor complete the sign-in and so release, by the reset below, a lockout only an administrator
    releases. django-axes' middleware then answers with its lockout page.
    """
    username = request.user.username
    if not AxesProxyHandler.is_locked(request, {"username": username}):
        return False
    request.axes_locked_out = True
    request.axes_credentials = {"username": username}
    logout(request)
    return True


@enforces("ACC-3", "ACC-4")
def signin_second_factor_passed(request, device) -> None:
    """Complete the sign-in with `device` (an authenticator code, a backup code or a passkey)."""
    signin_completed(request, device, method=device.__class__.__name__)


@enforces("ACC-3", "ACC-4", "ACC-6")
def signin_completed(request, device, *, method: str) -> None:
    """Mark the session verified; only now does the sign-in count (last_login, the lockout reset)."""
    otp_login(request, device)
    user = request.user
    user.last_login = timezone.now()  # the inactivity clock restarts here, not at the password
    user.save(update_fields=["last_login"])
    axes_reset(username=user.username)  # a complete sign-in forgets earlier failures
    audit_record(actor=Actor.for_request(request), action=actions.MFA_OK, query={"method": method})


@enforces("ACC-3", "ACC-4")
def signin_second_factor_failed(request, *, reason: str) -> None:
    """Audit a failed second factor and count it towards the lockout; sign out at the limit.

    A wrong code and a passkey assertion that does not verify count alike.
    """
    user = request.user
    audit_record(actor=Actor.for_request(request), action=actions.MFA_FAILED, outcome=Outcome.FAILED,
                 reason=reason)
    user_login_failed.send(sender=__name__, credentials={"username": user.username}, request=request)
    if AxesProxyHandler.is_locked(request, {"username": user.username}):
        # The lockout itself is recorded by the lockout page (accounts.lockout), which
        # django-axes' middleware renders in place of this response.
        logout(request)


@enforces("ACC-3")
def enrolment_device(request):
    """Return the new authenticator this session enrols: its own, made with a new key on first use."""
    device = pending_totp_device(request.user, device_id=request.session.get(SESSION_ENROLMENT_DEVICE))
    request.session[SESSION_ENROLMENT_DEVICE] = device.pk
    return device


def signin_enrolled_device(request, device) -> None:
    """Complete sign-in with the authenticator whose first code was just confirmed."""
    request.session.pop(SESSION_ENROLMENT_DEVICE, None)
    signin_completed(request, device, method="enrolment")



@enforces("ACC-6")
def session_is_listed(request) -> bool:
    """Whether this session is on its user's list of sessions, the one `end_sessions` ends.

    A session missing from it could outlive a suspension, separation or role change, so it counts as
    ended: the list, not the session table, says which sessions exist.
    """
    return UserSession.objects.filter(user=request.user, session_key=request.session.session_key).exists()


@enforces("ACC-6")
def session_keep_after_password_change(request) -> None:
    """Keep this session signed in after its own password change, still on the list of sessions.

    `update_session_auth_hash` gives the session a new key; the list moves with it (other sessions of
    the old password end, their hash no longer matching).
    """
    old_key = request.session.session_key
    update_session_auth_hash(request, request.user)
    UserSession.objects.filter(session_key=old_key).update(session_key=request.session.session_key)


def signout(request, *, reason: str = "") -> None:
    """End the session for good (the session row is deleted, not just forgotten by the browser)."""
    if request.user.is_authenticated:
        action = actions.SESSION_EXPIRED if reason else actions.LOGOUT
        audit_record(actor=Actor.for_request(request), action=action, reason=reason)
    logout(request)


@enforces("ACC-4", "AUD-1")
def record_lockout(request, credentials) -> None:
    username = (credentials or {}).get("username", "")
    audit_record(actor=Actor.anonymous(username, client_ip=client_ip(request)), action=actions.LOCKED_OUT,
                 outcome=Outcome.REFUSED, reason="Too many failed attempts.", flagged=True)


def is_background_request(request) -> bool:
    """A request the page makes by itself (e.g. the alert feed's poll): not a sign of a person."""
    return request.headers.get(BACKGROUND_HEADER) == "1"


@enforces("ACC-9")
def session_expiry_reason(request) -> str:
    """Return why this session has timed out ('' if it has not), and mark it as seen now.

    Background requests do not count as activity, or an open page would never go idle.
    """
    policy = current_policy()
    now = timezone.now().timestamp()
    # A session that did not come through signin_password (none should) starts its clocks now.
    started = request.session.setdefault(SESSION_STARTED, now)
    last_seen = request.session.get(SESSION_LAST_SEEN, now)
    if now - last_seen > policy.session_idle_minutes * 60:
        return f"No activity for {policy.session_idle_minutes} minutes."
    if now - started > policy.session_absolute_hours * 3600:
        return f"Sessions last at most {policy.session_absolute_hours} hours."
    if not is_background_request(request):
        request.session[SESSION_LAST_SEEN] = now
        request.session.set_expiry(policy.session_idle_minutes * 60)
    return ""
