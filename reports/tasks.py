"""Celery tasks of the reports app: thin, idempotent, each calls one service.

Scheduled in config/schedule.py.
"""

from celery import shared_task

from audit.context import Actor
from reports.models import Report
from reports.periods import previous_month


@shared_task(ignore_result=True)
def generate_monthly_audit_report() -> int | None:
    """Generate last month's audit report, once (run on the 1st; a rerun the same month does nothing)."""
    from reports.services.reports import report_generate

    period = previous_month()
    if Report.objects.filter(kind="monthly_audit", period_start=period.first).exists():
        return None
    return report_generate(
        actor=Actor.system("monthly report scheduler"), kind="monthly_audit", period=period
    ).pk


@shared_task(ignore_result=True)
def publish_audit_chain_head() -> int | None:
    """Publish today's audit chain head on the portal."""
    from reports.services.portal import chain_head_publish

    published = chain_head_publish()
    return published.pk if published else None


@shared_task(ignore_result=True)
def apply_due_camera_placements() -> int:
    """Carry out approved camera placements whose public notice has run."""
    from reports.services.cameras import placements_apply_due

    return len(placements_apply_due())


@shared_task(ignore_result=True)
def put_policy_versions_in_force() -> int:
    """Put approved policy text versions in force once their effective time comes."""
    from reports.services.policy_docs import policy_docs_take_effect

    return len(policy_docs_take_effect())
