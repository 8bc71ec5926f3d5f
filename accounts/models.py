"""People who use the system: one account per named person, with a lifecycle the Chief controls."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from policy.roles import Role, TrainingKind, role_has


class AccountStatus(models.TextChoices):
    PENDING = "pending", "Pending the Chief's approval"
    ACTIVE = "active", "Active"
    DENIED = "denied", "Denied"
    SUSPENDED = "suspended", "Suspended for a policy violation"
    SEPARATED = "separated", "Separated from the department"
    INACTIVE = "inactive", "Disabled after inactivity"


class User(AbstractUser):
    full_name = models.CharField(max_length=150)
    badge_number = models.CharField("employee or badge ID", max_length=32, unique=True)
    role = models.CharField(max_length=32, choices=Role.choices)
    status = models.CharField(max_length=16, choices=AccountStatus.choices, default=AccountStatus.PENDING)
    status_reason = models.TextField(blank=True)
    # ACC-4: a password someone else set (the administrator, at creation) is known to them; it is
    # replaced by one only this person knows before anything else can be done.
    must_change_password = models.BooleanField(default=False)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = UserManager()

    REQUIRED_FIELDS = ["full_name", "badge_number", "role"]

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(full_name=""), name="user_has_full_name"),
            models.CheckConstraint(condition=~models.Q(badge_number=""), name="user_has_badge_number"),
        ]

    def __str__(self) -> str:
        return self.audit_label

    def save(self, *args, **kwargs):
        # Django's own checks read is_active; keep it a function of the lifecycle status.
        self.is_active = self.status == AccountStatus.ACTIVE
        if kwargs.get("update_fields") is not None and "status" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "is_active"}
        super().save(*args, **kwargs)

    @property
    def audit_label(self) -> str:
        return f"{self.full_name} ({self.badge_number})"

    @property
    def is_usable(self) -> bool:
        return self.status == AccountStatus.ACTIVE

    def can(self, capability: str) -> bool:
        """Return whether this person's role grants `capability` and the account is active."""
        return self.is_usable and role_has(self.role, capability)


class AccountDecision(models.Model):
    """A lifecycle decision about an account: who decided what, when, and why (ACC-2, ACC-6, ACC-8)."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        APPROVED = "approved", "Approved"
        DENIED = "denied", "Denied"
        SUSPENDED = "suspended", "Suspended"
        REINSTATED = "reinstated", "Reinstated"
        SEPARATED = "separated", "Separated"
        DISABLED_INACTIVE = "disabled_inactive", "Disabled after inactivity"
        ROLE_CHANGED = "role_changed", "Role changed"

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.decided_at:%Y-%m-%d}"


class TrainingRecord(models.Model):
    """A completed training, sign-off or certification; its validity comes from the policy (ACC-5)."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="training_records")
    kind = models.CharField(max_length=24, choices=TrainingKind.choices)
    completed_on = models.DateField()
    reference = models.CharField(max_length=120, help_text="Course, certificate or document reference.")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_on", "-id"]
        indexes = [models.Index(fields=["user", "kind", "-completed_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.completed_on}"


class PasswordHistory(models.Model):
    """Earlier password hashes, so a password is never reused from the last N (ACC-4)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    set_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-set_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.set_at:%Y-%m-%d}"


class UserSession(models.Model):
    """Which sessions belong to whom, so separation and suspension can end them all (ACC-6)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    started_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user_id} {self.started_at:%Y-%m-%d %H:%M}"


class TrainingReminder(models.Model):
    """A reminder sent before a training expires; one per expiry, so the daily job never repeats it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="training_reminders")
    kind = models.CharField(max_length=24, choices=TrainingKind.choices)
    expires_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "expires_on"], name="one_reminder_per_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.expires_on}"
