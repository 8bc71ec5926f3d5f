from django.contrib.auth.backends import ModelBackend

from core.compliance import enforces


@enforces("ACC-2")
class ApprovedAccountBackend(ModelBackend):
    """Check the password of any account, whatever its status.

    The sign-in service, not this backend, decides what a pending, suspended or separated person
    may do with a correct password (nothing), so that it can tell them why and audit the refusal.
    """

    def user_can_authenticate(self, user) -> bool:
        return True
