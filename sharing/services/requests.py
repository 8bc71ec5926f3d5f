"""Written requests from other agencies: receive, decide, release, certify deletion (SHR-1 to SHR-4).

A law-enforcement agency's request is reviewed by the administrator (or a designee); an approved one
is released as an evidence package (retention's store) with a deletion-by date, and stays on file. A
request from outside law enforcement (public records, media, the public) never enters this workflow:
it goes to the records supervisor's queue (SHR-3).
"""

import re
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from alpr import access
from alpr import plates as alpr_plates
from audit.context import Actor
from audit.services import audit_record, refusals_recorded
from core.compliance import enforces
from core.errors import ApplicationError, NotFound, PolicyDenied, ProhibitedPurpose
from policy.defaults import SHARING_MISUSE_CODES
from policy.roles import only_who_may
from policy.selectors import current_policy
from retention.services import evidence_package_create, read_share_register
from retention.services.evidence import package_archive
from searches.services import (
    OUTSIDE_DESCRIPTION_MAX_LENGTH,
    outside_justification_check,
    outside_prohibited_purpose_check,
    submitted_purpose,
)
from sharing import audit_actions as actions
from sharing.models import (
    Agency,
    AgencyStatus,
    RecordsRequest,
    RecordsRequestStatus,
    RequestStatus,
    SharingRequest,
)
from sharing.permissions import (
    HANDLE_RECORDS_REQUESTS,
    REVIEW_SHARING,
    may_handle_records_requests,
    may_review_sharing,
    require_records_supervisor,
    require_sharing_reviewer,
)
from sharing.selectors import agency_block_reason, valid_declaration
from sharing.services.agencies import agency_revoke_for_misuse


def parse_plates(text) -> list[str]:
    """Return the distinct normalised plates in `text` (comma or line separated; "xyz 987" is XYZ987);
    raise when one holds a character a plate cannot have (it would release another plate's reads)."""
    pieces = text if isinstance(text, list | tuple) else re.split(r"[,;\n]+", text or "")
    for piece in pieces:
        if problem := alpr_plates.typed_plate_problem(str(piece)):
            raise ApplicationError(problem, field="plates")
    plates = [alpr_plates.normalize_plate(str(piece)) for piece in pieces]
    return list(dict.fromkeys(plate for plate in plates if plate))


def _check_asked_for(plates: list[str], window_start: datetime, window_end: datetime) -> None:
    if not plates:
        raise ApplicationError("Name the plate or plates asked for.", field="plates")
    most = current_policy().sharing_plates_per_request
    if len(plates) > most:
        raise ApplicationError(f"A request names at most {most} plates.", field="plates")
    if any(not 2 <= len(plate) <= 8 for plate in plates):
        raise ApplicationError("A plate has 2 to 8 letters and digits.", field="plates")
    if window_start is None or window_end is None:
        raise ApplicationError("Give the time window asked for.", field="window_start")
    if window_end <= window_start:
        raise ApplicationError("The window must end after it starts.", field="window_end")
    # A request is for reads already taken: a window that runs on past today would, once released
    # later, hand over the plate's later movements without another review (a standing order).
    if window_start > timezone.now():
        raise ApplicationError("The window starts in the future.", field="window_start")
    if window_end > timezone.now() + access.CLOCK_SKEW:
        raise ApplicationError("The window ends in the future: a request covers reads already taken, so it "
                               "ends now at the latest; later reads need a new request.", field="window_end")
    if window_end - window_start > timedelta(days=current_policy().retention_days):
        raise ApplicationError(
            "The window is longer than the retention period; nothing older is kept.", field="window_start"
        )


@enforces("SHR-1", "SHR-4")
def request_receive(
    *,
    actor: Actor,
    agency_id: int,
    requester_name: str,
    requester_title: str,
    requester_email: str,
    purpose: str,
    case_number: str,
    description: str,
    plates,
    window_start: datetime,
    window_end: datetime,
) -> SharingRequest:
    """File a law-enforcement agency's written request for review (SHR-1).

    The purpose passes the officers' gate; immigration enforcement or reproductive health care is
    refused, flagged, and revokes the agency (SHR-4).
    """
    purpose, description = (purpose or "").strip(), (description or "").strip()
    case_number = (case_number or "").strip().upper()
    fields = _audited_fields(purpose, case_number, description)
    plates = parse_plates(plates)
    with _misuse_revokes(agency_id), refusals_recorded(
        actor=actor,
        action=actions.REQUEST_RECEIVED,
        targets=[f"agency-id:{agency_id}"],
        query={"plates": plates, **submitted_purpose(purpose)},
        **fields,
    ):
        require_sharing_reviewer(actor)
        agency = Agency.objects.filter(pk=agency_id).first()
        if agency is None:
            raise NotFound("Choose the requesting agency from the registry (register it first).")
        if agency.status == AgencyStatus.REVOKED:
            raise PolicyDenied(f"{agency.name}'s access is revoked: its requests are not accepted.")
        outside_prohibited_purpose_check(purpose=purpose, case_number=case_number, description=description)
        if not (requester_name or "").strip() or not (requester_email or "").strip():
            raise ApplicationError(
                "Name the requesting person and their e-mail address.", field="requester_name"
            )
        outside_justification_check(purpose=purpose, case_number=case_number, description=description)
        _check_asked_for(plates, window_start, window_end)
        with transaction.atomic():
            request = SharingRequest.objects.create(
                agency=agency,
                requester_name=requester_name.strip(),
                requester_email=requester_email.strip(),
                requester_title=(requester_title or "").strip(),
                purpose=purpose,
                case_number=case_number,
                description=description,
                plates=plates,
                window_start=window_start,
                window_end=window_end,
                recorded_by=actor.user,
            )
            audit_record(
                actor=actor,
                action=actions.REQUEST_RECEIVED,
                targets=[f"agency:{agency.ori}", f"sharing-request:{request.pk}"],
                query={"plates": plates, "requester": request.requester_name},
                **fields,
            )
    return request


def request_misuse_screen(*, actor: Actor, agency_id: int | None, purpose: str, case_number: str,
                          description: str) -> None:
    """Screen a written request the form turned away (a field missing or malformed) for a prohibited use.

    One that asks for immigration enforcement or reproductive health care is refused, recorded, flagged
    and revokes the agency, whatever else is wrong with it (SHR-4), as ``request_receive`` would; any
    other request passes quietly, the form's own errors being the answer.
    """
    purpose, description = (purpose or "").strip(), (description or "").strip()
    case_number = (case_number or "").strip().upper()
    with _misuse_revokes(agency_id), refusals_recorded(
            actor=actor, action=actions.REQUEST_RECEIVED, targets=[f"agency-id:{agency_id}"],
            query=submitted_purpose(purpose), **_audited_fields(purpose, case_number, description)):
        require_sharing_reviewer(actor)
        outside_prohibited_purpose_check(purpose=purpose, case_number=case_number, description=description)


def _audited_fields(purpose: str, case_number: str, description: str) -> dict:
    return {"purpose": purpose[:64], "case_number": case_number[:64],
            "description": description[:OUTSIDE_DESCRIPTION_MAX_LENGTH * 2]}


@contextmanager
def _misuse_revokes(agency_id: int | None):
    """Revoke the agency (SHR-4) when what runs inside refuses its request for a prohibited use."""
    try:
        yield
    except ProhibitedPurpose as refused:
        if (refused.purpose_code in SHARING_MISUSE_CODES and agency_id is not None
                and Agency.objects.filter(pk=agency_id).exists()):
            agency_revoke_for_misuse(agency_id=agency_id, what="a written request",
                                     purpose_label=refused.purpose_code.replace("_", " "))
        raise


@enforces("SHR-3")
def records_request_receive(
    *,
    actor: Actor,
    requester_name: str,
    requester_organisation: str,
    requester_contact: str,
    request_text: str,
) -> RecordsRequest:
    """File a request from outside law enforcement for the records supervisor (SHR-3)."""
    with refusals_recorded(actor=actor, action=actions.RECORDS_REQUEST_ROUTED):
        user = actor.user
        if not (may_review_sharing(user) or may_handle_records_requests(user)):
            raise PolicyDenied(only_who_may(REVIEW_SHARING, HANDLE_RECORDS_REQUESTS,
                                            doing="record requests from outside law enforcement"))
        if not (requester_name or "").strip() or not (requester_contact or "").strip():
            raise ApplicationError("Name the requester and how to reach them.", field="requester_name")
        if len((request_text or "").strip()) < 10:
            raise ApplicationError("Say what is asked for.", field="request_text")
        with transaction.atomic():
            records = RecordsRequest.objects.create(
                requester_name=requester_name.strip(),
                requester_organisation=(requester_organisation or "").strip(),
                requester_contact=requester_contact.strip(),
                request_text=request_text.strip(),
                recorded_by=user,
            )
            audit_record(
                actor=actor,
                action=actions.RECORDS_REQUEST_ROUTED,
                targets=[f"records-request:{records.pk}"],
                query={"requester": records.requester_name, "organisation": records.requester_organisation},
            )
    return records


@enforces("SHR-3")
def records_request_close(*, actor: Actor, records_request_id: int, response: str) -> RecordsRequest:
    """Close an outside request with the records supervisor's response (handled under the public-records
    law, outside the ALPR workflow: this system releases nothing for it)."""
    with refusals_recorded(
        actor=actor, action=actions.RECORDS_REQUEST_CLOSED, targets=[f"records-request:{records_request_id}"]
    ):
        require_records_supervisor(actor)
        if len((response or "").strip()) < 10:
            raise ApplicationError("Record the response given to the requester.", field="response")
        with transaction.atomic():
            records = RecordsRequest.objects.select_for_update().filter(pk=records_request_id).first()
            if records is None:
                raise NotFound("No such request.")
            if records.status != RecordsRequestStatus.OPEN:
                raise ApplicationError("This request is closed already.")
            records.status, records.closed_by = RecordsRequestStatus.CLOSED, actor.user
            records.closed_at, records.response = timezone.now(), response.strip()
            records.save(update_fields=["status", "closed_by", "closed_at", "response"])
            audit_record(
                actor=actor,
                action=actions.RECORDS_REQUEST_CLOSED,
                description=records.response,
                targets=[f"records-request:{records.pk}"],
            )
    return records


def _locked_request(request_id: int) -> SharingRequest:
    request = (
        SharingRequest.objects.select_for_update().select_related("agency").filter(pk=request_id).first()
    )
    if request is None:
        raise NotFound("No such request.")
    return request


@enforces("SHR-1", "SHR-2", "SHR-4")
def request_decide(*, actor: Actor, request_id: int, approve: bool, reason: str) -> SharingRequest:
    """Approve or deny a pending request, with a reason; approval needs a declaration in force."""
    with refusals_recorded(
        actor=actor,
        action=actions.REQUEST_DECIDED,
        targets=[f"sharing-request:{request_id}"],
        description=reason or "",
    ):
        require_sharing_reviewer(actor)
        reason = (reason or "").strip()
        if len(reason) < 5:
            raise ApplicationError("Give the reason for the decision; it stays on file.", field="reason")
        with transaction.atomic():
            request = _locked_request(request_id)
            if request.status != RequestStatus.PENDING:
                raise ApplicationError("This request has been decided already.")
            if approve:
                blocked = agency_block_reason(request.agency)
                if blocked:
                    raise PolicyDenied(blocked, code="agency_blocked")
                _still_within_policy(request)
            request.status = RequestStatus.APPROVED if approve else RequestStatus.DENIED
            request.decided_by, request.decided_at, request.decision_reason = (
                actor.user,
                timezone.now(),
                reason,
            )
            request.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
            audit_record(
                actor=actor,
                action=actions.REQUEST_DECIDED,
                description=reason,
                targets=[f"agency:{request.agency.ori}", f"sharing-request:{request.pk}"],
                query={"decision": request.status},
                purpose=request.purpose,
                case_number=request.case_number,
            )
    return request


def _still_within_policy(request: SharingRequest) -> None:
    """Check the request's purpose, case number, description and plates again under the policy in force now.

    A tightening takes effect at once: a request filed under a purpose the policy has since removed,
    whose description now reads as a prohibited purpose, or naming more plates than the policy now allows
    (``sharing_plates_per_request``), is neither approved nor released."""
    named, most = len(request.plates), current_policy().sharing_plates_per_request
    if named > most:
        raise PolicyDenied(f"This request does not pass the policy in force now: it names {named} plates, "
                           f"and a request names at most {most}. Deny it, or ask the agency for a new "
                           "request.", code="request_outside_policy")
    try:
        outside_justification_check(purpose=request.purpose, case_number=request.case_number,
                                    description=request.description)
    except PolicyDenied as refused:
        raise PolicyDenied(f"This request does not pass the policy in force now: {refused.message} Deny it, "
                           f"or ask the agency for a new request.", code="request_outside_policy",
                           flag_for_audit=refused.flag_for_audit) from refused


@enforces("SHR-1", "SHR-2", "SHR-6", "USE-7")
def request_release(*, actor: Actor, request_id: int) -> SharingRequest:
    """Release an approved request: our own matching reads as an evidence package, a deletion-by date,
    each read registered as shared (RET-5). Nothing goes to an agency without a declaration in force.

    The reads count against the releasing person's download caps, per request and per day with their
    own downloads (``access.plate_reads_for_release``, USE-7): the person's row is locked in this
    transaction, so two releases at once cannot both pass the day's cap."""
    with refusals_recorded(
        actor=actor, action=actions.REQUEST_RELEASED, targets=[f"sharing-request:{request_id}"]
    ):
        require_sharing_reviewer(actor)
        with transaction.atomic():
            request = _locked_request(request_id)
            if request.status != RequestStatus.APPROVED:
                raise ApplicationError("Only an approved request is released.")
            agency = request.agency
            blocked = agency_block_reason(agency)
            if blocked:
                raise PolicyDenied(blocked, code="agency_blocked")
            _still_within_policy(request)
            declaration = valid_declaration(agency)
            rows = access.plate_reads_for_release(
                actor=actor,
                plates_asked=request.plates,
                since=request.window_start,
                until=request.window_end,
                purpose=request.purpose,
                case_number=request.case_number,
                description=request.description,
                reference=f"sharing-request:{request.pk}",
            )
            if not rows:
                raise ApplicationError(
                    "None of our reads match this request; deny it and tell the agency nothing was found."
                )
            deletion_days = min(declaration.deletion_days, current_policy().share_deletion_days)
            package = evidence_package_create(
                actor=actor,
                read_ids=[row.id for row in rows],
                purpose=request.purpose,
                case_number=request.case_number,
                description=request.description,
                recipient=f"{agency.name} ({agency.ori}): {request.requester_name}",
            )
            for row in rows:
                read_share_register(
                    actor=actor,
                    read_id=row.id,
                    agency_name=agency.name,
                    agency_ori=agency.ori,
                    reference=f"sharing-request:{request.pk}",
                )
            request.status, request.package, request.released_at = (
                RequestStatus.RELEASED,
                package,
                timezone.now(),
            )
            request.delete_by = timezone.localdate() + timedelta(days=deletion_days)
            request.save(update_fields=["status", "package", "released_at", "delete_by"])
            audit_record(
                actor=actor,
                action=actions.REQUEST_RELEASED,
                purpose=request.purpose,
                case_number=request.case_number,
                description=request.description,
                targets=[
                    f"agency:{agency.ori}",
                    f"sharing-request:{request.pk}",
                    f"evidence-package:{package.uuid}",
                    *(f"read:{row.id}" for row in rows),
                ],
                query={"delete_by": request.delete_by.isoformat(), "declaration": declaration.pk},
                result_count=len(rows),
            )
            transaction.on_commit(lambda: _send_release_notice(request))
    return request


def _send_release_notice(request: SharingRequest) -> None:
    send_mail(
        subject=f"{settings.AGENCY_NAME}: ALPR data released for your case {request.case_number}",
        message=(
            f"{request.requester_name},\n\n{settings.AGENCY_NAME} has released the ALPR data you asked for "
            f"(request {request.uuid}). Under your agency's declaration you must delete it by "
            f"{request.delete_by:%B %-d, %Y}, not re-share or reuse it without our written approval, and "
            "certify the deletion to us by that date. Until you do, your agency receives nothing more.\n"
        ),
        from_email=None,
        recipient_list=[request.requester_email, request.agency.contact_email],
    )


@enforces("SHR-2")
def deletion_certify(*, actor: Actor, request_id: int, certified_by: str) -> SharingRequest:
    """Record the recipient's certificate that it deleted the released data (SHR-2)."""
    with refusals_recorded(
        actor=actor, action=actions.DELETION_CERTIFIED, targets=[f"sharing-request:{request_id}"]
    ):
        require_sharing_reviewer(actor)
        certified_by = (certified_by or "").strip()
        if len(certified_by) < 3:
            raise ApplicationError("Say who at the agency certified the deletion.", field="certified_by")
        with transaction.atomic():
            request = _locked_request(request_id)
            if not request.awaiting_certification:
                raise ApplicationError("This request is not waiting for a deletion certificate.")
            request.deletion_certified_at, request.deletion_certified_by = timezone.now(), certified_by[:200]
            request.save(update_fields=["deletion_certified_at", "deletion_certified_by"])
            audit_record(
                actor=actor,
                action=actions.DELETION_CERTIFIED,
                description=certified_by,
                targets=[f"agency:{request.agency.ori}", f"sharing-request:{request.pk}"],
                query={"overdue": request.deletion_overdue_at is not None},
            )
    return request


@enforces("SHR-2")
def deletion_certify_by_partner(*, actor: Actor, person_id: int, request_uuid) -> SharingRequest:
    """A partner person certifies, through the API, that their agency deleted released data (SHR-2)."""
    with (
        refusals_recorded(
            actor=actor, action=actions.DELETION_CERTIFIED, targets=[f"sharing-request:{request_uuid}"]
        ),
        transaction.atomic(),
    ):
        request = (
            SharingRequest.objects.select_for_update()
            .select_related("agency")
            .filter(uuid=request_uuid, agency__people__pk=person_id)
            .first()
        )
        if request is None:
            raise NotFound("Your agency has no such request.")
        if not request.awaiting_certification:
            raise ApplicationError("This request is not waiting for a deletion certificate.")
        request.deletion_certified_at, request.deletion_certified_by = timezone.now(), actor.label
        request.save(update_fields=["deletion_certified_at", "deletion_certified_by"])
        audit_record(
            actor=actor,
            action=actions.DELETION_CERTIFIED,
            description=actor.label,
            targets=[f"agency:{request.agency.ori}", f"sharing-request:{request.pk}"],
            query={"overdue": request.deletion_overdue_at is not None, "via": "partner_api"},
        )
    return request


@enforces("SHR-1", "SHR-2")
def release_download_by_partner(*, actor: Actor, person_id: int,
                                request_uuid) -> tuple[SharingRequest, bytes]:
    """Hand a released package to a person of the recipient agency, until its delete-by date (SHR-2)."""
    with refusals_recorded(actor=actor, action=actions.RELEASE_DOWNLOADED,
                           targets=[f"sharing-request:{request_uuid}"]):
        request = (SharingRequest.objects.select_related("agency", "package")
                   .filter(uuid=request_uuid, agency__people__pk=person_id, agency__people__active=True)
                   .first())
        if request is None or request.status != RequestStatus.RELEASED:
            raise NotFound("Your agency has no released request of that number.")
        # Revoked, no declaration in force, another release's deletion overdue: nothing of any kind
        # goes to the agency (SHR-2, SHR-4), a package released earlier included.
        blocked = agency_block_reason(request.agency)
        if blocked:
            raise PolicyDenied(blocked, code="agency_blocked")
        if request.deletion_certified_at is not None:
            raise PolicyDenied("Your agency certified that it deleted this data.")
        if timezone.localdate() > request.delete_by:
            raise PolicyDenied(f"This data was to be deleted by {request.delete_by:%Y-%m-%d}; it is no "
                               "longer handed out.")
        archive = package_archive(request.package)
        audit_record(actor=actor, action=actions.RELEASE_DOWNLOADED, purpose=request.purpose,
                     case_number=request.case_number, description=request.description,
                     targets=[f"agency:{request.agency.ori}", f"sharing-request:{request.pk}",
                              f"evidence-package:{request.package.uuid}",
                              *(f"read:{read_id}" for read_id in request.package.read_ids)],
                     query={"manifest_sha256": request.package.manifest_sha256})
    return request, archive


@enforces("SHR-2")
def deletion_certificates_chase(*, actor: Actor) -> dict:
    """Remind recipients whose deletion certificate is due soon; flag those past due (daily)."""
    today = timezone.localdate()
    policy = current_policy()
    reminded = flagged = 0
    due = SharingRequest.objects.filter(status=RequestStatus.RELEASED, deletion_certified_at__isnull=True)
    remind_by = today + timedelta(days=policy.share_reminder_days)
    to_remind = due.filter(deletion_reminded_at__isnull=True, delete_by__lte=remind_by)
    for request_id in to_remind.values_list("pk", flat=True):
        with transaction.atomic():
            request = _locked_request(request_id)
            request.deletion_reminded_at = timezone.now()
            request.save(update_fields=["deletion_reminded_at"])
            audit_record(
                actor=actor,
                action=actions.DELETION_REMINDED,
                case_number=request.case_number,
                targets=[f"agency:{request.agency.ori}", f"sharing-request:{request.pk}"],
            )
            transaction.on_commit(lambda r=request: _send_deletion_reminder(r))
        reminded += 1
    for request_id in due.filter(deletion_overdue_at__isnull=True, delete_by__lt=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            request = _locked_request(request_id)
            request.deletion_overdue_at = timezone.now()
            request.save(update_fields=["deletion_overdue_at"])
            audit_record(
                actor=actor,
                action=actions.DELETION_OVERDUE,
                case_number=request.case_number,
                flagged=True,
                reason=f"deletion certificate due {request.delete_by:%Y-%m-%d}",
                targets=[f"agency:{request.agency.ori}", f"sharing-request:{request.pk}"],
            )
        flagged += 1
    return {"reminded": reminded, "flagged_overdue": flagged}


def _send_deletion_reminder(request: SharingRequest) -> None:
    send_mail(
        subject=f"{settings.AGENCY_NAME}: certify deletion of ALPR data by {request.delete_by:%B %-d, %Y}",
        message=(
            f"The ALPR data {settings.AGENCY_NAME} released to {request.agency.name} for case "
            f"{request.case_number} (request {request.uuid}) must be deleted by "
            f"{request.delete_by:%B %-d, %Y}. Send us your certificate of deletion by then; until we have "
            "it, your agency receives no further data.\n"
        ),
        from_email=None,
        recipient_list=[request.requester_email, request.agency.contact_email],
    )
