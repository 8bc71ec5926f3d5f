"""Track which sessions belong to whom, so one action can end them all; tell other apps of a separation."""
from django.contrib.auth.models import update_last_login
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import Signal, receiver

from accounts.models import UserSession

# Sent inside the transaction that separates an employee (ACC-6), with ``user`` and ``actor``: other
# apps end what the person holds there (the partner API keys stored for them), so one action ends
# every credential, and a receiver that fails undoes the separation too.
account_separated = Signal()


# django.contrib.auth stamps last_login when login() runs, which here is the password step: a password
# alone, without the second factor, would keep a dormant account from being disabled (ACC-6). The
# stamp is set when the sign-in completes instead (accounts.events.signin_completed).
user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")


@receiver(user_logged_in)
def remember_session(sender, request, user, **kwargs):
    if request is not None and request.session.session_key:
        UserSession.objects.update_or_create(session_key=request.session.session_key,
                                             defaults={"user": user})


@receiver(user_logged_out)
def forget_session(sender, request, user, **kwargs):
    if request is not None and request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()
