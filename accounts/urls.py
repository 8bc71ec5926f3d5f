from django.urls import path

from accounts.views import me, passkeys, people, signin

app_name = "accounts"

urlpatterns = [
    path("login/", signin.login_view, name="login"),
    path("verify/", signin.verify_view, name="verify"),
    path("mfa/setup/", signin.mfa_setup_view, name="mfa_setup"),
    path("logout/", signin.logout_view, name="logout"),
    # Passkeys: the JSON endpoints of django-otp-webauthn's scripts (a second factor only)
    path("passkeys/verify/begin/", passkeys.PasskeyVerificationBegin.as_view(), name="passkey_verify_begin"),
    path("passkeys/verify/complete/", passkeys.PasskeyVerificationComplete.as_view(),
         name="passkey_verify_complete"),
    path("passkeys/register/begin/", passkeys.PasskeyRegistrationBegin.as_view(),
         name="passkey_register_begin"),
    path("passkeys/register/complete/", passkeys.PasskeyRegistrationComplete.as_view(),
         name="passkey_register_complete"),
    # Each person's own account
    path("me/", me.me, name="me"),
    path("me/password/", me.password_change, name="password_change"),
    path("me/backup-codes/", me.backup_codes_regenerate, name="backup_codes"),
    path("me/passkeys/<int:passkey_id>/rename/", passkeys.passkey_rename, name="passkey_rename"),
    path("me/passkeys/<int:passkey_id>/remove/", passkeys.passkey_remove, name="passkey_remove"),
    # People administration
    path("people/", people.people_list, name="people"),
    path("people/new/", people.account_create, name="account_create"),
    path("people/<int:user_id>/", people.person_detail, name="person_detail"),
    path("people/<int:user_id>/training/", people.training_record, name="training_record"),
    path("people/<int:user_id>/role/", people.role_change, name="role_change"),
    path("people/<int:user_id>/suspend/", people.person_lifecycle, {"action": "suspend"},
         name="person_suspend"),
    path("people/<int:user_id>/separate/", people.person_lifecycle, {"action": "separate"},
         name="person_separate"),
    path("people/<int:user_id>/reinstate/", people.person_lifecycle, {"action": "reinstate"},
         name="person_reinstate"),
    path("people/<int:user_id>/decide/", people.account_decide, name="account_decide"),
    path("approvals/", people.approvals, name="approvals"),
    path("lockouts/", people.lockouts, name="lockouts"),
    path("lockouts/release/", people.lockout_release, name="lockout_release"),
]
