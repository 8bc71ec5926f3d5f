"""Complaints (AUD-4), security incidents (RPT-5), published contacts, the published chain head."""

import logging
import secrets
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.chain import chain_head, seal_pending
from audit.context import Actor
from audit.services import audit_record, refusals_recorded
from core.compliance import enforces
from core.errors import ApplicationError, NotFound
from reports import audit_actions as actions
from reports import conf, permissions
from reports.models import (
    Complaint,
    ComplaintKind,
    ComplaintStatus,
    ComplaintUpdate,
    Contact,
    ContactRole,
    PublishedChainHead,
    SecurityIncident,
)
from reports.services._common import require

logger = logging.getLogger(__name__)
_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread on the phone


def oversight_contact_email() -> str:
    contact = Contact.objects.filter(role=ContactRole.OVERSIGHT).order_by("-id").first()
    return contact.email if contact else conf.oversight_fallback_email()


def contact_set(
    *,
    actor: Actor,
    role: str,
    name: str,
    email: str,
    organisation: str = "",
    phone: str = "",
    address: str = "",
) -> Contact:
    """Publish a new point of contact (public) or oversight contact; the newest of each role is used."""
    with refusals_recorded(actor=actor, action=actions.CONTACT_CHANGED, query={"role": role}):
        require(
            actor, permissions.RECORD_INCIDENTS, "change published contacts"
        )
        if role not in ContactRole.values:
            raise ApplicationError("Choose which contact this is.", field="role")
        if not name.strip() or not email.strip():
            raise ApplicationError("A contact needs a name and an email address.", field="email")
        with transaction.atomic():
            contact = Contact.objects.create(
                role=role,
                name=name.strip(),
                email=email.strip(),
                organisation=organisation.strip(),
                phone=phone.strip(),
                address=address.strip(),
            )
            audit_record(
                actor=actor,
                action=actions.CONTACT_CHANGED,
                targets=[f"contact:{contact.pk}"],
                description=f"{role}: {contact.name} <{contact.email}>",
            )
        return contact


def _new_reference() -> str:
    return "C-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


@enforces("AUD-4")
def complaint_submit(
    *, actor: Actor, kind: str, description: str, name: str = "", email: str = ""
) -> Complaint:
    """Take a report of an error, a complaint or a suspected violation, and route it to oversight.

    Anyone may file one (the public portal, or a signed-in user). It is sent, after commit, to the
    designated external oversight contact; the complaint records where and when it went.
    """
    if kind not in ComplaintKind.values:
        raise ApplicationError("Choose what you are reporting.", field="kind")
    description = description.strip()
    if len(description) < 10:
        raise ApplicationError("Tell us what happened (at least a sentence).", field="description")
    routed_to = oversight_contact_email()
    now = timezone.now()
    with transaction.atomic():
        for _ in range(5):
            try:
                with transaction.atomic():
                    complaint = Complaint.objects.create(
                        reference=_new_reference(),
                        kind=kind,
                        description=description[:20000],
                        name=name.strip()[:150],
                        email=email.strip(),
                        submitted_at=now,
                        submitted_by=actor.user,
                        routed_to=routed_to,
                        routed_at=now if routed_to else None,
                    )
                break
            except IntegrityError:  # a reference collision; draw again
                continue
        else:
            raise ApplicationError("Please try again.")
        ComplaintUpdate.objects.create(
            complaint=complaint,
            status=ComplaintStatus.RECEIVED,
            note=f"Received; sent to {routed_to}" if routed_to else "Received",
            at=now,
        )
        # The public's identity is not in the audit log: only the reference (no address either).
        audit_record(
            actor=actor.without_public_identity(),
            action=actions.COMPLAINT_RECEIVED,
            targets=[f"complaint:{complaint.pk}"],
            description=f"{complaint.reference} ({kind}) routed to {routed_to or 'nobody: no contact set'}",
        )
        if routed_to:
            transaction.on_commit(lambda: _send_to_oversight(complaint.pk))
    return complaint


def _send_to_oversight(complaint_id: int) -> None:
    complaint = Complaint.objects.get(pk=complaint_id)
    body = (
        f"A {complaint.get_kind_display().lower()} was filed through the ALPR transparency portal of "
        f"{settings.AGENCY_NAME}.\n\nReference: {complaint.reference}\nReceived: "
        f"{timezone.localtime(complaint.submitted_at):%Y-%m-%d %H:%M}\n\n{complaint.description}\n\n"
        f"Reply to: {complaint.email or 'no contact given'}\n"
    )
    try:
        send_mail(
            f"[ALPR oversight] {complaint.reference}: {complaint.get_kind_display()}",
            body,
            None,
            [complaint.routed_to],
        )
    except Exception:  # the complaint is stored and shown in the queue; the mail can be resent by hand
        logger.exception("Could not send complaint %s to the oversight contact", complaint.reference)


@enforces("AUD-4")
def complaint_update(*, actor: Actor, complaint_id: int, status: str, note: str) -> Complaint:
    """Move a complaint on (investigating, resolved, dismissed) with a note; closing needs a resolution."""
    with refusals_recorded(
        actor=actor, action=actions.COMPLAINT_UPDATED, targets=[f"complaint:{complaint_id}"]
    ):
        require(
            actor, permissions.HANDLE_COMPLAINTS, "handle complaints"
        )
        if status not in ComplaintStatus.values or status == ComplaintStatus.RECEIVED:
            raise ApplicationError("Choose the new status.", field="status")
        if not note.strip():
            raise ApplicationError("Say what was done.", field="note")
        with transaction.atomic():
            try:
                complaint = Complaint.objects.select_for_update().get(pk=complaint_id)
            except Complaint.DoesNotExist:
                raise NotFound("No such complaint.") from None
            if not complaint.is_open:
                raise ApplicationError("This complaint is closed.")
            now = timezone.now()
            complaint.status = status
            fields = ["status"]
            if status in (ComplaintStatus.RESOLVED, ComplaintStatus.DISMISSED):
                complaint.resolution = note.strip()
                complaint.resolved_at = now
                fields += ["resolution", "resolved_at"]
            complaint.save(update_fields=fields)
            ComplaintUpdate.objects.create(
                complaint=complaint, status=status, note=note.strip(), by=actor.user, at=now
            )
            audit_record(
                actor=actor,
                action=actions.COMPLAINT_UPDATED,
                targets=[f"complaint:{complaint.pk}"],
                description=f"{complaint.reference} → {status}",
            )
        return complaint


@enforces("RPT-5")
def incident_record(
    *,
    actor: Actor,
    title: str,
    occurred_on: date,
    discovered_on: date,
    description: str,
    public_notice_required: bool,
    public_notice: str = "",
) -> SecurityIncident:
    """Record a security incident; when a public notice is required, its text is published on the portal."""
    with refusals_recorded(actor=actor, action=actions.INCIDENT_RECORDED):
        require(
            actor, permissions.RECORD_INCIDENTS, "record security incidents"
        )
        if not title.strip() or not description.strip():
            raise ApplicationError("An incident needs a title and a description.", field="description")
        if public_notice_required and not public_notice.strip():
            raise ApplicationError("Write the public notice.", field="public_notice")
        if occurred_on > discovered_on:
            raise ApplicationError(
                "An incident is discovered on or after the day it occurred.", field="occurred_on"
            )
        with transaction.atomic():
            incident = SecurityIncident.objects.create(
                title=title.strip(),
                occurred_on=occurred_on,
                discovered_on=discovered_on,
                description=description.strip(),
                public_notice_required=public_notice_required,
                public_notice=public_notice.strip() if public_notice_required else "",
                recorded_by=actor.user,
                recorded_at=timezone.now(),
            )
            audit_record(
                actor=actor,
                action=actions.INCIDENT_RECORDED,
                targets=[f"incident:{incident.pk}"],
                description=incident.title + (" (public notice)" if public_notice_required else ""),
            )
        return incident


def chain_head_publish(*, day: date | None = None) -> PublishedChainHead | None:
    """Publish today's audit chain head (idempotent: one per day; daily task)."""
    day = day or timezone.localdate()
    existing = PublishedChainHead.objects.filter(published_on=day).first()
    if existing:
        return existing
    seal_pending()
    head = chain_head()
    if head is None:
        return None
    with transaction.atomic():
        published, created = PublishedChainHead.objects.get_or_create(
            published_on=day,
            defaults={
                "position": head.position,
                "chain_hash": head.chain_hash,
                "sealed_at": head.sealed_at,
                "published_at": timezone.now(),
            },
        )
        if created:
            audit_record(
                actor=Actor.system("chain head publisher"),
                action=actions.CHAIN_HEAD_PUBLISHED,
                description=f"#{head.position} {head.chain_hash}",
            )
    return published
