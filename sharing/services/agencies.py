"""The agency registry, declarations, partner people and their keys, and revocation (SHR-2, SHR-4)."""

import hashlib
import re
import secrets
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from audit.context import Actor
from audit.services import audit_record, refusals_recorded
from core.compliance import enforces
from core.errors import ApplicationError, NotFound, PolicyDenied
from policy.defaults import DECLARATION_ATTESTATIONS
from policy.selectors import current_policy
from sharing import audit_actions as actions
from sharing.models import (
    Agency,
    AgencyKind,
    AgencyStatus,
    Declaration,
    PartnerCredential,
    PartnerPerson,
    RequestStatus,
)
from sharing.permissions import require_sharing_reviewer
from sharing.selectors import agency_block_reason
from sharing.services import online

ORI_PATTERN = re.compile(r"^[A-Z]{2}[A-Z0-9]{7}$")
STATE_PATTERN = re.compile(r"^[A-Z]{2}$")
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
KEY_ID_BYTES, SECRET_BYTES = 8, 24


def _agency(agency_id: int, *, lock: bool = False) -> Agency:
    queryset = Agency.objects.select_for_update() if lock else Agency.objects
    agency = queryset.filter(pk=agency_id).first()
    if agency is None:
        raise NotFound("No such agency.")
    return agency


def _required(value: str, field: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ApplicationError(f"Give {what}.", field=field)
    return value


def agency_register(
    *,
    actor: Actor,
    name: str,
    ori: str,
    state: str,
    kind: str,
    contact_name: str,
    contact_email: str,
    contact_phone: str = "",
) -> Agency:
    """Add an agency to the registry. It receives nothing until it has a declaration in force."""
    ori, state = (ori or "").strip().upper(), (state or "").strip().upper()
    with refusals_recorded(actor=actor, action=actions.AGENCY_REGISTERED, targets=[f"agency:{ori}"]):
        require_sharing_reviewer(actor)
        name = _required(name, "name", "the agency's name")
        if not ORI_PATTERN.fullmatch(ori):
            raise ApplicationError(
                "An ORI is 9 characters: the state's two letters, then 7 letters or digits (e.g. IL0160000).",
                field="ori",
            )
        if not STATE_PATTERN.fullmatch(state):
            raise ApplicationError("Give the state as its two-letter code, e.g. IL.", field="state")
        if kind not in AgencyKind.values:
            raise ApplicationError("Choose what kind of agency it is.", field="kind")
        contact_name = _required(contact_name, "contact_name", "the contact person")
        contact_email = _required(contact_email, "contact_email", "the contact's e-mail address")
        with transaction.atomic():
            if Agency.objects.filter(ori=ori).exists() or Agency.objects.filter(name__iexact=name).exists():
                raise ApplicationError("An agency with this name or ORI is registered already.", field="ori")
            agency = Agency.objects.create(
                name=name,
                ori=ori,
                state=state,
                kind=kind,
                contact_name=contact_name,
                contact_email=contact_email,
                contact_phone=(contact_phone or "").strip(),
            )
            audit_record(
                actor=actor,
                action=actions.AGENCY_REGISTERED,
                targets=[f"agency:{agency.ori}"],
                query={"name": agency.name, "kind": kind, "state": state},
            )
    return agency


def _checked_document(document) -> str:
    """Return the SHA-256 of an uploaded signed declaration (a PDF), or refuse it."""
    if document is None:
        raise ApplicationError("Attach the signed declaration (PDF).", field="document")
    if document.size > DOCUMENT_MAX_BYTES:
        raise ApplicationError("The document is larger than 10 MB.", field="document")
    digest = hashlib.sha256()
    document.seek(0)
    head = document.read(5)
    if head != b"%PDF-":
        raise ApplicationError("The signed declaration must be a PDF file.", field="document")
    digest.update(head)
    for chunk in iter(lambda: document.read(1 << 16), b""):
        digest.update(chunk)
    document.seek(0)
    return digest.hexdigest()


def _check_declaration_terms(
    *, signed_on: date, expires_on: date, deletion_days: int, attestations: dict[str, bool]
) -> None:
    policy = current_policy()
    missing = [text for field, text in DECLARATION_ATTESTATIONS.items() if not attestations.get(field)]
    if missing:  # SHR-4: refused, not merely invalid
        raise PolicyDenied(
            "A declaration must certify every limit; this one does not say it will "
            + "; ".join(missing)
            + ". No data goes to an agency that has not attested to "
            "all of them.",
            field="attestations",
        )
    if signed_on is None or expires_on is None:
        raise ApplicationError("Give the dates the declaration was signed and expires.", field="signed_on")
    if signed_on > timezone.localdate():
        raise ApplicationError("The signing date is in the future.", field="signed_on")
    if expires_on <= signed_on:
        raise ApplicationError("The declaration must expire after it was signed.", field="expires_on")
    if expires_on > signed_on + timedelta(days=policy.declaration_max_days):
        raise ApplicationError(
            f"A declaration is valid at most {policy.declaration_max_days} days after "
            "signing; record the expiry within that.",
            field="expires_on",
        )
    if not deletion_days or not 1 <= deletion_days <= policy.share_deletion_days:
        raise ApplicationError(
            f"The agency must delete what it receives within {policy.share_deletion_days} days at most.",
            field="deletion_days",
        )


@enforces("SHR-2", "SHR-4")
def declaration_record(
    *,
    actor: Actor,
    agency_id: int,
    signatory_name: str,
    signatory_title: str,
    signed_on: date,
    expires_on: date,
    deletion_days: int,
    attestations: dict[str, bool],
    document,
) -> Declaration:
    """File an agency's signed declaration; refused unless it certifies every limit (SHR-2, SHR-4)."""
    with refusals_recorded(
        actor=actor, action=actions.DECLARATION_RECORDED, targets=[f"agency-id:{agency_id}"]
    ):
        require_sharing_reviewer(actor)
        signatory_name = _required(signatory_name, "signatory_name", "who signed it")
        signatory_title = _required(signatory_title, "signatory_title", "the signatory's title")
        _check_declaration_terms(
            signed_on=signed_on, expires_on=expires_on, deletion_days=deletion_days, attestations=attestations
        )
        document_sha256 = _checked_document(document)
        declaration = None
        try:
            with transaction.atomic():
                agency = _agency(agency_id, lock=True)
                if agency.status == AgencyStatus.REVOKED:
                    raise ApplicationError(
                        "This agency's access is revoked; a new declaration does not restore it."
                    )
                declaration = Declaration(
                    agency=agency,
                    signatory_name=signatory_name,
                    signatory_title=signatory_title,
                    signed_on=signed_on,
                    expires_on=expires_on,
                    deletion_days=deletion_days,
                    document_sha256=document_sha256,
                    recorded_by=actor.user,
                    **{field: True for field in DECLARATION_ATTESTATIONS},
                )
                declaration.document.save(f"{agency.ori}-{signed_on:%Y%m%d}.pdf", document, save=False)
                declaration.save()
                audit_record(
                    actor=actor,
                    action=actions.DECLARATION_RECORDED,
                    targets=[f"agency:{agency.ori}", f"declaration:{declaration.pk}"],
                    query={
                        "signed_on": signed_on.isoformat(),
                        "expires_on": expires_on.isoformat(),
                        "deletion_days": deletion_days,
                        "document_sha256": document_sha256,
                    },
                )
        except BaseException:
            if declaration is not None and declaration.document.name:
                declaration.document.storage.delete(declaration.document.name)  # no orphan file
            raise
    return declaration


def _revoke(*, actor: Actor, agency: Agency, reason: str, flagged: bool = False) -> None:
    """Revoke `agency` inside the caller's transaction: keys, pending requests (written ones and the one
    waiting for the Chief to switch partner searches on) and sharing."""
    now = timezone.now()
    agency.status, agency.sharing_enabled = AgencyStatus.REVOKED, False
    agency.revoked_at, agency.revoked_by_label, agency.revocation_reason = now, actor.label, reason
    agency.save(
        update_fields=["status", "sharing_enabled", "revoked_at", "revoked_by_label", "revocation_reason"]
    )
    keys = PartnerCredential.objects.filter(person__agency=agency, revoked_at__isnull=True).update(
        revoked_at=now
    )
    online_cancelled = online.cancel_waiting_requests(actor=actor, agency=agency, reason=reason)
    cancelled = agency.requests.filter(status__in=[RequestStatus.PENDING, RequestStatus.APPROVED]).update(
        status=RequestStatus.CANCELLED,
        decision_reason=f"Cancelled: the agency's access was revoked ({reason})",
        decided_at=now,
    )
    audit_record(
        actor=actor,
        action=actions.AGENCY_REVOKED,
        targets=[f"agency:{agency.ori}"],
        reason=reason,
        description=reason,
        flagged=flagged,
        query={"credentials_revoked": keys, "requests_cancelled": cancelled,
               "online_sharing_requests_cancelled": online_cancelled},
    )


@enforces("SHR-4")
def agency_revoke(*, actor: Actor, agency_id: int, reason: str) -> Agency:
    """Revoke an agency in one action: every key, every pending request, sharing; with a reason."""
    with refusals_recorded(
        actor=actor,
        action=actions.AGENCY_REVOKED,
        targets=[f"agency-id:{agency_id}"],
        description=reason or "",
    ):
        require_sharing_reviewer(actor)
        reason = (reason or "").strip()
        if len(reason) < 10:
            raise ApplicationError(
                "Say why the agency's access is revoked (it is published on the portal).", field="reason"
            )
        with transaction.atomic():
            agency = _agency(agency_id, lock=True)
            if agency.status == AgencyStatus.REVOKED:
                raise ApplicationError("This agency's access is revoked already.")
            _revoke(actor=actor, agency=agency, reason=reason)
    return agency


@enforces("SHR-4")
def agency_revoke_for_misuse(*, agency_id: int, purpose_label: str, what: str) -> None:
    """Revoke an agency that asked for data for immigration enforcement or reproductive health care.

    Runs in its own transaction after the refused request was recorded and flagged.
    """
    with transaction.atomic():
        agency = _agency(agency_id, lock=True)
        if agency.status == AgencyStatus.REVOKED:
            return
        _revoke(
            actor=Actor.system("sharing"),
            agency=agency,
            flagged=True,
            reason=f"Misuse: {what} for {purpose_label.lower()}, which its declaration excludes.",
        )


def person_add(
    *, actor: Actor, agency_id: int, full_name: str, badge_number: str, email: str
) -> PartnerPerson:
    """Register a named person of a partner agency (each person has their own keys, never shared ones)."""
    with refusals_recorded(actor=actor, action=actions.PERSON_ADDED, targets=[f"agency-id:{agency_id}"]):
        require_sharing_reviewer(actor)
        full_name = _required(full_name, "full_name", "the person's full name")
        if len(full_name.split()) < 2:
            raise ApplicationError(
                "Give the person's full name: a key belongs to one named person.", field="full_name"
            )
        badge_number = _required(badge_number, "badge_number", "their badge or employee number")
        email = _required(email, "email", "their e-mail address")
        with transaction.atomic():
            agency = _agency(agency_id)
            if agency.status == AgencyStatus.REVOKED:
                raise ApplicationError("This agency's access is revoked.")
            if agency.people.filter(badge_number=badge_number).exists():
                raise ApplicationError(
                    "This agency already has a person with that badge number.", field="badge_number"
                )
            person = PartnerPerson.objects.create(
                agency=agency, full_name=full_name, badge_number=badge_number, email=email
            )
            audit_record(
                actor=actor,
                action=actions.PERSON_ADDED,
                targets=[f"agency:{agency.ori}", f"partner-person:{person.pk}"],
                query={"full_name": full_name, "badge_number": badge_number},
            )
    return person


def credential_issue(*, actor: Actor, person_id: int) -> tuple[PartnerCredential, str]:
    """Issue an API key to one partner person; return it with ``<key_id>:<secret>``, shown once."""
    with refusals_recorded(
        actor=actor, action=actions.CREDENTIAL_ISSUED, targets=[f"partner-person:{person_id}"]
    ):
        require_sharing_reviewer(actor)
        with transaction.atomic():
            person = PartnerPerson.objects.select_related("agency").filter(pk=person_id).first()
            if person is None:
                raise NotFound("No such person.")
            blocked = agency_block_reason(person.agency, searching=True)
            if blocked or not person.active:
                raise ApplicationError(blocked or "This person is no longer active.")
            key_id, secret = secrets.token_hex(KEY_ID_BYTES), secrets.token_hex(SECRET_BYTES)
            credential = PartnerCredential.objects.create(
                person=person, key_id=key_id, secret_hash=PartnerCredential.hash_secret(secret)
            )
            audit_record(
                actor=actor,
                action=actions.CREDENTIAL_ISSUED,
                targets=[
                    f"agency:{person.agency.ori}",
                    f"partner-person:{person.pk}",
                    f"partner-key:{key_id}",
                ],
            )
    return credential, f"{key_id}:{secret}"


def credential_revoke(*, actor: Actor, credential_id: int) -> PartnerCredential:
    with refusals_recorded(
        actor=actor, action=actions.CREDENTIAL_REVOKED, targets=[f"partner-credential:{credential_id}"]
    ):
        require_sharing_reviewer(actor)
        with transaction.atomic():
            credential = (
                PartnerCredential.objects.select_for_update()
                .select_related("person__agency")
                .filter(pk=credential_id)
                .first()
            )
            if credential is None:
                raise NotFound("No such key.")
            if credential.revoked_at is None:
                credential.revoked_at = timezone.now()
                credential.save(update_fields=["revoked_at"])
                audit_record(
                    actor=actor,
                    action=actions.CREDENTIAL_REVOKED,
                    targets=[f"agency:{credential.person.agency.ori}", f"partner-key:{credential.key_id}"],
                )
    return credential
