"""The report kinds this app provides: the monthly audit (AUD-5), the monthly oversight report (RPT-1)
and the quarterly metrics (RPT-2)."""

from reports.permissions import SIGN_OFF_AUDIT
from reports.reporting.audit_report import build_monthly_audit
from reports.reporting.oversight_report import build_monthly_oversight
from reports.reporting.quarterly_report import build_quarterly_metrics
from reports.reporting.registry import ReportKind, register

MONTHLY_AUDIT = register(
    ReportKind(
        code="monthly_audit",
        title="Monthly audit of system use",
        build=build_monthly_audit,
        cadence="monthly",
        sign_off_capability=SIGN_OFF_AUDIT,
        description="Every user's activity in the month, with policy-adherence flags (AUD-5). "
        "Reviewed and signed off by the system administrator; discrepancies go to the Chief.",
    )
)

MONTHLY_OVERSIGHT = register(
    ReportKind(
        code="monthly_oversight",
        title="Monthly oversight report",
        build=build_monthly_oversight,
        cadence="monthly",
        description="For the oversight board (RPT-1): searches by purpose, hits, verified stops and their "
        "outcomes, approved felony-exception searches, searches by outside agencies, policy adherence, "
        "disparate impact and misread rates. Generated on the 1st of each month for the month before.",
    )
)

QUARTERLY_METRICS = register(
    ReportKind(
        code="quarterly_metrics",
        title="Quarterly ALPR metrics",
        build=build_quarterly_metrics,
        cadence="quarterly",
        description="Use, cost, hit rate, false-positive rate, and the arrests and incidents related to ALPR "
        "use, with the cost per hit and per arrest (RPT-2). Generated after each calendar quarter.",
    )
)
