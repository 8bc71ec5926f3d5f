"""Password rules that read the agency policy (ACC-4)."""
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

from core.compliance import enforces
from policy.selectors import current_policy


@enforces("ACC-4")
class PolicyMinimumLengthValidator:
    """At least the policy's minimum length (never fewer than 12 characters)."""

    def validate(self, password, user=None):
        minimum = current_policy().password_min_length
        if len(password) < minimum:
            raise ValidationError(f"Use at least {minimum} characters.", code="password_too_short")

    def get_help_text(self):
        return f"Use at least {current_policy().password_min_length} characters."


@enforces("ACC-4")
class PasswordHistoryValidator:
    """Not one of the user's last N passwords."""

    def validate(self, password, user=None):
        if user is None or not user.pk:
            return
        count = current_policy().password_history_count
        for earlier in user.password_history.all()[:count]:
            if check_password(password, earlier.password):
                raise ValidationError(
                    f"You used this password before; choose one you have not used in your last {count}.",
                    code="password_reused",
                )

    def get_help_text(self):
        return "Do not reuse a recent password."
