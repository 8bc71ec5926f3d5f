"""The published policy text: draft → public comment → Chief's approval → in force (RPT-4)."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from audit.context import Actor
from audit.services import audit_record, refusals_recorded
from core.compliance import enforces
from core.errors import ApplicationError, NotFound
from policy.models import annual_review_due
from reports import audit_actions as actions
from reports import conf, permissions
from reports.models import PolicyComment, PolicyDocument, PolicyStatus
from reports.services._common import require


def _locked(document_id: int) -> PolicyDocument:
    try:
        return PolicyDocument.objects.select_for_update().get(pk=document_id)
    except PolicyDocument.DoesNotExist:
        raise NotFound("No such policy version.") from None


def policy_doc_draft(*, actor: Actor, title: str, text: str, summary_of_changes: str = "") -> PolicyDocument:
    """Write a new draft version of the policy text."""
    with refusals_recorded(actor=actor, action=actions.POLICY_DOC_DRAFTED):
        require(actor, permissions.DRAFT_POLICY_TEXT, "draft the policy text")
        if not title.strip():
            raise ApplicationError("Give the version a title.", field="title")
        if not text.strip():
            raise ApplicationError("The policy text is empty.", field="text")
        with transaction.atomic():
            last = PolicyDocument.objects.select_for_update().aggregate(v=Max("version"))["v"] or 0
            document = PolicyDocument.objects.create(
                version=last + 1,
                title=title.strip(),
                text=text,
                summary_of_changes=summary_of_changes,
                drafted_by=actor.user,
                drafted_at=timezone.now(),
            )
            audit_record(
                actor=actor,
                action=actions.POLICY_DOC_DRAFTED,
                targets=[f"policy_doc:{document.pk}"],
                description=f"v{document.version} {document.title}",
            )
        return document


def policy_doc_open_comment(*, actor: Actor, document_id: int, days: int | None = None) -> PolicyDocument:
    """Publish a draft on the portal for public comment for the set number of days (or more)."""
    with refusals_recorded(
        actor=actor, action=actions.POLICY_DOC_COMMENT_OPENED, targets=[f"policy_doc:{document_id}"]
    ):
        require(actor, permissions.DRAFT_POLICY_TEXT, "publish a draft")
        minimum = conf.comment_period_days()
        days = minimum if days is None else days
        if days < minimum:
            raise ApplicationError(f"The comment period is at least {minimum} days.", field="days")
        with transaction.atomic():
            document = _locked(document_id)
            if document.status != PolicyStatus.DRAFT:
                raise ApplicationError("Only a draft can be opened for comment.")
            now = timezone.now()
            document.status = PolicyStatus.COMMENT
            document.comment_opens_at = now
            document.comment_closes_at = now + timedelta(days=days)
            document.save(update_fields=["status", "comment_opens_at", "comment_closes_at"])
            audit_record(
                actor=actor,
                action=actions.POLICY_DOC_COMMENT_OPENED,
                targets=[f"policy_doc:{document.pk}"],
                description=f"{days} days",
            )
        return document


def policy_comment_submit(*, document_id: int, text: str, name: str = "", email: str = "") -> PolicyComment:
    """Store a public comment on a version whose comment period is open."""
    if not text.strip():
        raise ApplicationError("Write your comment.", field="text")
    with transaction.atomic():
        document = _locked(document_id)
        now = timezone.now()
        if document.status != PolicyStatus.COMMENT or now >= document.comment_closes_at:
            raise ApplicationError("The comment period for this version is closed.")
        return PolicyComment.objects.create(
            document=document, text=text.strip()[:10000], name=name[:120], email=email, submitted_at=now
        )


@enforces("RPT-4")
def policy_doc_approve(*, actor: Actor, document_id: int, effective_at=None) -> PolicyDocument:
    """The Chief approves a version after its comment period; it takes effect then or later.

    Refused while the comment period is still open: a version cannot take effect before the public
    has had its say.
    """
    with refusals_recorded(
        actor=actor, action=actions.POLICY_DOC_APPROVED, targets=[f"policy_doc:{document_id}"]
    ):
        require(actor, permissions.APPROVE_POLICY_TEXT, "approve a policy version")
        with transaction.atomic():
            document = _locked(document_id)
            now = timezone.now()
            if document.status == PolicyStatus.DRAFT:
                raise ApplicationError("This version has not been published for public comment.")
            if document.status != PolicyStatus.COMMENT:
                raise ApplicationError("This version is not waiting for approval.")
            if now < document.comment_closes_at:
                raise ApplicationError(
                    "The public comment period runs until "
                    f"{timezone.localtime(document.comment_closes_at):%Y-%m-%d %H:%M}; "
                    "the version cannot be approved before it ends."
                )
            effective_at = max(effective_at or now, document.comment_closes_at)
            document.status = PolicyStatus.APPROVED
            document.approved_by = actor.user
            document.approved_at = now
            document.effective_at = effective_at
            document.save(update_fields=["status", "approved_by", "approved_at", "effective_at"])
            audit_record(
                actor=actor,
                action=actions.POLICY_DOC_APPROVED,
                targets=[f"policy_doc:{document.pk}"],
                description=f"effective {effective_at:%Y-%m-%d %H:%M}",
            )
        if effective_at <= now:
            policy_docs_take_effect(actor=actor)
            document.refresh_from_db()
        return document


@enforces("RPT-4")
def policy_docs_take_effect(*, actor: Actor | None = None) -> list[PolicyDocument]:
    """Put approved versions whose effective time has come in force (idempotent; daily task)."""
    actor = actor or Actor.system("policy text scheduler")
    done = []
    now = timezone.now()
    due = PolicyDocument.objects.filter(status=PolicyStatus.APPROVED, effective_at__lte=now).order_by(
        "version"
    )
    for document_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            document = _locked(document_id)
            if document.status != PolicyStatus.APPROVED:
                continue
            # Belt and braces: the service and a database constraint both check the comment period.
            if document.comment_closes_at is None or document.effective_at < document.comment_closes_at:
                raise ApplicationError("A version cannot take effect before its comment period ends.")
            for old in PolicyDocument.objects.select_for_update().filter(status=PolicyStatus.IN_FORCE):
                old.status = PolicyStatus.SUPERSEDED
                old.superseded_at = now
                old.save(update_fields=["status", "superseded_at"])
            document.status = PolicyStatus.IN_FORCE
            document.review_due_on = annual_review_due(timezone.localdate(document.effective_at))
            document.save(update_fields=["status", "review_due_on"])
            audit_record(
                actor=actor,
                action=actions.POLICY_DOC_IN_FORCE,
                targets=[f"policy_doc:{document.pk}"],
                description=f"v{document.version}",
            )
            done.append(document)
    return done


def policy_doc_record_review(*, actor: Actor, document_id: int, note: str) -> PolicyDocument:
    """Record the annual review of the version in force without changes; the next review is due a year on."""
    with refusals_recorded(
        actor=actor, action=actions.POLICY_DOC_REVIEWED, targets=[f"policy_doc:{document_id}"]
    ):
        require(actor, permissions.APPROVE_POLICY_TEXT, "record the annual review")
        if not note.strip():
            raise ApplicationError("Say what the review found.", field="note")
        with transaction.atomic():
            document = _locked(document_id)
            if document.status != PolicyStatus.IN_FORCE:
                raise ApplicationError("Only the version in force is reviewed.")
            today = timezone.localdate()
            document.reviewed_on = today
            document.review_due_on = annual_review_due(today)
            document.save(update_fields=["reviewed_on", "review_due_on"])
            audit_record(
                actor=actor,
                action=actions.POLICY_DOC_REVIEWED,
                targets=[f"policy_doc:{document.pk}"],
                description=note.strip(),
            )
        return document
