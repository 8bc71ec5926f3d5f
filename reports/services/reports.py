"""Generating, reading and signing off reports (AUD-5 and the framework later reports use)."""

import hashlib
import logging
from datetime import timedelta

from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import AccountStatus, User
from audit.context import Actor
from audit.models import ActorType
from audit.services import audit_record, refusals_recorded
from core.compliance import enforces
from core.errors import ApplicationError, NotFound, PolicyDenied
from policy.roles import only_who_may, roles_with, who_may
from reports import audit_actions as actions
from reports import permissions
from reports.models import DiscrepancyNotice, Report, ReportFile, ReportSignOff
from reports.periods import Period
from reports.reporting import registry
from reports.reporting.render import CONTENT_TYPES, render_csv, render_html, render_pdf
from reports.services._common import require

logger = logging.getLogger(__name__)
# Advisory lock class of report_generate's version numbering (with a hash of the kind and period).
REPORT_VERSIONS_LOCK = 0x52_50_54_56  # "RPTV"


@enforces("AUD-5", "RPT-1", "RPT-2")
def report_generate(*, actor: Actor, kind: str, period: Period) -> Report:
    """Build a report for the period and store it, with each file's SHA-256, as a new version.

    Never edits a stored report: generating again for the same period adds version n+1. The period is
    a whole month or quarter, as the kind's cadence says, and it has ended (no provisional reports).
    """
    with refusals_recorded(
        actor=actor, action=actions.REPORT_GENERATED, query={"kind": kind, "period": period.slug}
    ):
        if actor.kind != ActorType.SYSTEM:
            require(actor, permissions.GENERATE_REPORTS, "generate reports")
        try:
            report_kind = registry.get(kind)
        except KeyError:
            raise ApplicationError("No such kind of report.", field="kind") from None
        if not (period.is_quarter if report_kind.cadence == "quarterly" else period.is_month):
            raise ApplicationError(
                f"This report covers a whole {'quarter' if report_kind.cadence == 'quarterly' else 'month'}.",
                field="period",
            )
        if period.end > timezone.now():
            # A report is a record the board relies on and the administrator signs off: figures of a
            # period still running would change after it is stored, so there is none until it ends.
            raise ApplicationError(
                f"{period.label} has not ended yet: its report can be generated from "
                f"{period.last + timedelta(days=1):%Y-%m-%d}.", field="period")
        content = report_kind.build(period)
        now = timezone.now()
        with transaction.atomic():
            _lock_versions(kind, period)
            versions = Report.objects.filter(kind=kind, period_start=period.first)
            last = versions.aggregate(v=Max("version"))["v"] or 0
            html = render_html(content, version=last + 1, generated_by=actor.label, generated_at=now)
            files = {"html": html, "pdf": render_pdf(html), "csv": render_csv(content)}
            report = Report.objects.create(
                kind=kind,
                period_start=period.first,
                period_end=period.last,
                version=last + 1,
                title=f"{content.title}, {content.period_label}",
                generated_at=now,
                generated_by=actor.user,
                generated_by_label=actor.label,
                summary={k: v for k, v in content.summary.items()},
            )
            for name, data in files.items():
                ReportFile.objects.create(
                    report=report,
                    format=name,
                    content_type=CONTENT_TYPES[name],
                    content=data,
                    sha256=hashlib.sha256(data).hexdigest(),
                    size=len(data),
                )
            audit_record(
                actor=actor,
                action=actions.REPORT_GENERATED,
                targets=[f"report:{report.pk}"],
                description=f"{report.title} v{report.version}",
            )
        return report


def report_file_verified(report_file: ReportFile) -> bool:
    """Whether the stored bytes still hash to the SHA-256 recorded at generation."""
    return hashlib.sha256(bytes(report_file.content)).hexdigest() == report_file.sha256


def report_read(
    *, actor: Actor, report_id: int, file_format: str | None = None
) -> tuple[Report, ReportFile | None]:
    """Return a report (and one of its files) to a person allowed to read reports; audited."""
    action = actions.REPORT_DOWNLOADED if file_format in ("pdf", "csv") else actions.REPORT_VIEWED
    with refusals_recorded(actor=actor, action=action, targets=[f"report:{report_id}"]):
        require(actor, permissions.READ_REPORTS, "read oversight reports")
        report = Report.objects.filter(pk=report_id).first()
        if report is None:
            raise NotFound("No such report.")
        report_file = None
        if file_format:
            report_file = report.files.filter(format=file_format).first()
            if report_file is None:
                raise NotFound("This report has no such file.")
            if not report_file_verified(report_file):
                raise ApplicationError("The stored file no longer matches its recorded SHA-256.")
        audit_record(
            actor=actor,
            action=action,
            targets=[f"report:{report.pk}"],
            description=f"{report.title} v{report.version}" + (f" ({file_format})" if file_format else ""),
        )
        return report, report_file


def _lock_versions(kind: str, period: Period) -> None:
    """Take the transaction's lock on the versions of one report, so two generating it at once number
    theirs one after the other. An advisory lock: a row lock needs UPDATE, which the application's role
    does not have on stored reports (reports 0007), and no row exists before the first version."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
                       [REPORT_VERSIONS_LOCK, f"{kind}:{period.first.isoformat()}"])


@enforces("AUD-5")
def report_sign_off(
    *, actor: Actor, report_id: int, review_note: str, discrepancies: str = ""
) -> ReportSignOff:
    """The system administrator signs off a reviewed report; any discrepancies go to the Chief."""
    with refusals_recorded(actor=actor, action=actions.REPORT_SIGNED_OFF, targets=[f"report:{report_id}"]):
        with transaction.atomic():
            # No row lock: locking a row takes UPDATE, which the application's role does not have on a
            # stored report (reports 0007). A second sign-off at the same moment breaks the one-to-one
            # sign-off's unique index and rolls back (below).
            report = Report.objects.filter(pk=report_id).first()
            if report is None:
                raise NotFound("No such report.")
            capability = registry.get(report.kind).sign_off_capability
            if capability is None:
                raise ApplicationError("This kind of report is not signed off.")
            if not actor.user or not actor.user.can(capability):
                raise PolicyDenied(only_who_may(capability, doing="sign off this report"))
            if ReportSignOff.objects.filter(report=report).exists():
                raise ApplicationError("This report has been signed off already.")
            if not review_note.strip():
                raise ApplicationError("Say what you reviewed.", field="review_note")
            try:
                with transaction.atomic():
                    sign_off = ReportSignOff.objects.create(
                        report=report,
                        signed_by=actor.user,
                        signed_at=timezone.now(),
                        review_note=review_note.strip(),
                        discrepancies=discrepancies.strip(),
                    )
            except IntegrityError:
                raise ApplicationError("This report has been signed off already.") from None
            notices = _send_discrepancies(sign_off) if sign_off.discrepancies else []
            audit_record(
                actor=actor,
                action=actions.REPORT_SIGNED_OFF,
                targets=[f"report:{report.pk}"],
                description=(
                    f"{len(notices)} person(s) notified of discrepancies" if notices else "no discrepancies"
                ),
                flagged=bool(sign_off.discrepancies),
            )
        return sign_off


def _send_discrepancies(sign_off: ReportSignOff) -> list[DiscrepancyNotice]:
    """Notify every active person whose role receives the audit's discrepancies (AUD-5)."""
    chiefs = list(User.objects.filter(role__in=roles_with(permissions.RECEIVE_DISCREPANCIES),
                                      status=AccountStatus.ACTIVE))
    if not chiefs:
        receivers = who_may(permissions.RECEIVE_DISCREPANCIES)
        raise ApplicationError(f"There is no active account of {receivers} to receive the discrepancies.")
    now = timezone.now()
    notices = [
        DiscrepancyNotice.objects.create(sign_off=sign_off, chief=chief, sent_at=now, emailed_to=chief.email)
        for chief in chiefs
    ]
    transaction.on_commit(lambda: _email_discrepancies(sign_off.pk))
    return notices


def _email_discrepancies(sign_off_id: int) -> None:
    sign_off = ReportSignOff.objects.select_related("report", "signed_by").get(pk=sign_off_id)
    recipients = [notice.emailed_to for notice in sign_off.notices.all() if notice.emailed_to]
    if not recipients:
        return
    body = (
        f'{sign_off.signed_by.audit_label} signed off "{sign_off.report.title}" '
        f"(version {sign_off.report.version}) and noted these discrepancies:\n\n{sign_off.discrepancies}\n\n"
        "The report is in the ALPR system under Reports.\n"
    )
    try:
        send_mail(f"[ALPR audit] Discrepancies in {sign_off.report.title}", body, None, recipients)
    except Exception:  # the notices are stored and shown to the Chief in the system either way
        logger.exception("Could not email the Chief about sign-off %s", sign_off_id)


def discrepancy_acknowledge(*, actor: Actor, notice_id: int) -> DiscrepancyNotice:
    with transaction.atomic():
        notice = DiscrepancyNotice.objects.select_for_update().filter(pk=notice_id, chief=actor.user).first()
        if notice is None:
            raise NotFound("No such notice.")
        if notice.acknowledged_at is None:
            notice.acknowledged_at = timezone.now()
            notice.save(update_fields=["acknowledged_at"])
        return notice
