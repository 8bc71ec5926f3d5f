"""Every periodic task, declared in one place. django-celery-beat stores these in its tables at start."""
from celery.schedules import crontab

DAILY_AT_2 = crontab(hour=2, minute=0)
DAILY_AT_7 = crontab(hour=7, minute=0)

BEAT_SCHEDULE = {
    "seal-audit-chain": {"task": "audit.tasks.seal_audit_chain", "schedule": 10.0},
    "disable-inactive-accounts": {"task": "accounts.tasks.disable_inactive_accounts", "schedule": DAILY_AT_2},
    "training-reminders": {"task": "accounts.tasks.send_training_reminders", "schedule": DAILY_AT_7},
    "requeue-stuck-reads": {"task": "ingest.tasks.requeue_stuck_reads", "schedule": 60.0},
}
