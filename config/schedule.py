"""Every periodic task, declared in one place. django-celery-beat stores these in its tables at start."""
from celery.schedules import crontab

DAILY_AT_2 = crontab(hour=2, minute=0)
DAILY_AT_3 = crontab(hour=3, minute=0)
DAILY_AT_7 = crontab(hour=7, minute=0)
# Celery runs in UTC; 06:15 UTC is just after midnight in the agency's (US Central) time zone.
DAILY_AFTER_LOCAL_MIDNIGHT = crontab(hour=6, minute=15)
MONTHLY_ON_THE_1ST = crontab(day_of_month=1, hour=8, minute=0)
MONTHLY_ON_THE_1ST_LATER = crontab(day_of_month=1, hour=8, minute=20)
# After each calendar quarter: the 1st of January, April, July and October.
QUARTERLY_ON_THE_1ST = crontab(day_of_month=1, month_of_year="1,4,7,10", hour=8, minute=40)

BEAT_SCHEDULE = {
    "seal-audit-chain": {"task": "audit.tasks.seal_audit_chain", "schedule": 10.0},
    "disable-inactive-accounts": {"task": "accounts.tasks.disable_inactive_accounts", "schedule": DAILY_AT_2},
    "training-reminders": {"task": "accounts.tasks.send_training_reminders", "schedule": DAILY_AT_7},
    "requeue-stuck-reads": {"task": "ingest.tasks.requeue_stuck_reads", "schedule": 60.0},
    "match-missed-reads": {"task": "hotlists.tasks.match_missed_reads", "schedule": 60.0},
    "purge-expired-reads": {"task": "retention.tasks.purge_expired_reads", "schedule": DAILY_AT_3},
    "remind-hold-reviews": {"task": "retention.tasks.remind_hold_reviews", "schedule": DAILY_AT_7},
    "remove-orphaned-evidence": {"task": "retention.tasks.remove_orphaned_evidence", "schedule": 3600.0},
    "pack-read-images": {"task": "retention.tasks.pack_read_images", "schedule": 3600.0},
    "import-hotlist-folder": {"task": "hotlists.tasks.import_hotlist_folder", "schedule": 15 * 60.0},
    "ensure-read-partitions": {"task": "ingest.tasks.ensure_read_partitions", "schedule": DAILY_AT_2},
    "monthly-audit-report": {
        "task": "reports.tasks.generate_monthly_audit_report", "schedule": MONTHLY_ON_THE_1ST},
    "monthly-oversight-report": {
        "task": "reports.tasks.generate_monthly_oversight_report", "schedule": MONTHLY_ON_THE_1ST_LATER},
    "quarterly-metrics-report": {
        "task": "reports.tasks.generate_quarterly_metrics_report", "schedule": QUARTERLY_ON_THE_1ST},
    "publish-audit-chain-head": {"task": "reports.tasks.publish_audit_chain_head", "schedule": DAILY_AT_7},
    "apply-camera-placements": {
        "task": "reports.tasks.apply_due_camera_placements", "schedule": DAILY_AFTER_LOCAL_MIDNIGHT},
    "chase-deletion-certificates": {
        "task": "sharing.tasks.chase_deletion_certificates", "schedule": DAILY_AT_7},
    "deliver-erroneous-notices": {"task": "sharing.tasks.deliver_erroneous_notices", "schedule": 15 * 60.0},
    "policy-versions-in-force": {"task": "reports.tasks.put_policy_versions_in_force", "schedule": 3600.0},
}
