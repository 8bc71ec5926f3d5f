"""Scheduled account jobs (see config/schedule.py). Thin: each calls one service."""
from celery import shared_task

from accounts import services
from audit.context import Actor


@shared_task
def disable_inactive_accounts() -> int:
    """Disable accounts with no sign-in within the policy's inactivity period (ACC-6)."""
    return services.accounts_disable_inactive(actor=Actor.system("scheduler"))


@shared_task
def send_training_reminders() -> int:
    """E-mail people whose training, sign-off or certification expires soon (ACC-5)."""
    return services.training_reminders_send(actor=Actor.system("scheduler"))
