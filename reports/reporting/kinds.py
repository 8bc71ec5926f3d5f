"""The report kinds this app provides. RPT-1 and RPT-2 register here when they land."""

from reports.permissions import SIGN_OFF_AUDIT
from reports.reporting.audit_report import build_monthly_audit
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
