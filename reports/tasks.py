"""Celery tasks of the reports app: thin, idempotent, each calls one service.

Scheduled in config/schedule.py.
"""

from celery import shared_task

from audit.context import Actor
from core.compliance import enforces
from reports.models import Report
from reports.reporting import registry


def _generate_once(kind: str, scheduler: str) -> int | None:
    """Generate the kind's report for the last whole period, unless it exists already (idempotent)."""
    from reports.services.reports import report_generate

    period = registry.get(kind).previous_period()
    if Report.objects.filter(kind=kind, period_start=period.first).exists():
        return None
    return report_generate(actor=Actor.system(scheduler), kind=kind, period=period).pk


@shared_task(ignore_result=True)
def generate_monthly_audit_report() -> int | None:
    """Generate last month's audit report, once (run on the 1st; a rerun the same month does nothing)."""
    return _generate_once("monthly_audit", "monthly report scheduler")


@shared_task(ignore_result=True)
@enforces("RPT-1")
def generate_monthly_oversight_report() -> int | None:
    """Generate last month's oversight report for the board, once (run on the 1st)."""
    return _generate_once("monthly_oversight", "monthly report scheduler")


@shared_task(ignore_result=True)
@enforces("RPT-2")
def generate_quarterly_metrics_report() -> int | None:
    """Generate the last quarter's metrics, once (run on the 1st of January, April, July and October)."""
    return _generate_once("quarterly_metrics", "quarterly report scheduler")


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
