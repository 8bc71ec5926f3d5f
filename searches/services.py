"""Writes of the search workflow: justifications, felony-exception requests, outcomes (USE-1 to USE-4).

Every function takes the acting `Actor` first, runs in one transaction, and writes its audit entry
inside it; refusals are recorded by `refusals_recorded` even though the action rolls back.
Searches themselves and every view of a read go through `alpr.access`.
"""
import re
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.selectors import ensure_alpr_access
from audit.context import Actor
from audit.services import audit_record, refusals_recorded
from core.compliance import enforces
from core.errors import ApplicationError, NotFound, PolicyDenied, ProhibitedPurpose
from policy.models import PURPOSE_CODE_MAX_LENGTH
from policy.roles import Capability, only_who_may, who_may
from policy.selectors import current_policy
from searches import audit_actions as actions
from searches.checks import description_problem
from searches.models import (
    AUDIT_QUERY_PURPOSE,
    FelonyExceptionRequest,
    FelonyRequestStatus,
    Justification,
    JustificationKind,
    OutcomeKind,
    SearchOutcome,
)

DESCRIPTION_MAX_LENGTH = 1000
# A case number is stored in columns of this length: the justification's, then the audit log's, a hold's
# and an evidence package's, which copy it. Longer is refused, whatever the agency's pattern allows.
CASE_NUMBER_MAX_LENGTH = Justification._meta.get_field("case_number").max_length


def _require_user(actor: Actor):
    if actor.user is None:
        raise PolicyDenied("Sign in to search.")
    return actor.user


def _refuse_prohibited(policy, *texts: str, field: str = "description") -> None:
    """Refuse, and flag for the auditor, a request that names a prohibited purpose (USE-3)."""
    for text in texts:
        named = policy.prohibited_purpose_named_in(text or "")
        if named:
            raise ProhibitedPurpose(
                f"ALPR data may never be used for {named['label'].lower()}. This request has been "
                "refused and flagged for the auditor.", purpose_code=named["code"], field=field)


def submitted_purpose(purpose: str) -> dict:
    """Return what an audit entry keeps of a purpose longer than its column (a hand-edited form): all of
    it, in the entry's query, so the auditor sees what was tried."""
    return {"purpose_submitted": purpose[:1000]} if len(purpose) > PURPOSE_CODE_MAX_LENGTH else {}


def submitted_case_number(case_number: str) -> dict:
    """Return what an audit entry keeps of a case number longer than its column: all of it (up to 1000
    characters), in the entry's query."""
    return {"case_number_submitted": case_number[:1000]} if len(case_number) > CASE_NUMBER_MAX_LENGTH else {}


@enforces("USE-1", "USE-3")
def stated_reason_check(text: str, *, label: str, ask: str, code: str, field: str,
                        vague: tuple[str, ...] = ()) -> None:
    """Refuse a stated reason (a hold's, a hotlist entry's, a download's) as a search's description is.

    One gate everywhere: a prohibited purpose, however spelled, is refused and flagged
    (`ProhibitedPurpose`); text that does not describe a case (a case number, filler, keyboard mash,
    the policy's vague descriptions and the words in `vague` that say nothing for this kind of reason)
    is refused with `ask`, which says what a good one looks like.
    """
    policy = current_policy()
    _refuse_prohibited(policy, text, field=field)
    problem = description_problem(description=text, purpose_label=label,
                                  vague_descriptions=[*policy.vague_descriptions, *vague],
                                  min_length=policy.description_min_length,
                                  min_specific_words=policy.description_min_specific_words)
    if problem:
        raise PolicyDenied(f"{ask} {problem}", code=code, field=field)


def prohibited_purpose_check(text: str, *, field: str) -> None:
    """Refuse, and flag, free text beside a stated reason (a vehicle description shown with an alert)
    that names a prohibited purpose (USE-3); say nothing of it otherwise."""
    _refuse_prohibited(current_policy(), text, field=field)


def _check_case_number_length(case_number: str) -> None:
    """Refuse, and flag, a case number longer than it is stored (the form allows no more: a hand-edited
    form), before a pattern with no upper length lets it reach the database."""
    if len(case_number) > CASE_NUMBER_MAX_LENGTH:
        raise PolicyDenied(f"A case number has at most {CASE_NUMBER_MAX_LENGTH} characters. This attempt has "
                           "been flagged for the auditor.", code="case_number_too_long", field="case_number",
                           flag_for_audit=True)


def _check_case_number(policy, case_number: str) -> None:
    if not case_number:
        raise PolicyDenied("A case number or CAD run number is required for every search.",
                           code="case_number_required", field="case_number")
    _check_case_number_length(case_number)
    if not re.fullmatch(policy.case_number_pattern, case_number):
        raise PolicyDenied(
            f"\u201c{case_number}\u201d is not a case or CAD run number in this department's format "
            f"(for example {policy.case_number_example}).", code="case_number_format", field="case_number")


def _check_purpose_recordable(purpose: str) -> None:
    """Refuse a permitted purpose whose code is longer than a search records it in: only a policy stored
    before ``AgencyPolicy.clean()`` refused such codes lists one. Refused, not a 500 or recorded cut short."""
    if len(purpose) > PURPOSE_CODE_MAX_LENGTH:
        raise PolicyDenied(f"The policy's code for this purpose is longer than the {PURPOSE_CODE_MAX_LENGTH} "
                           f"characters a search records; ask {who_may(Capability.MANAGE_RETENTION)} to "
                           "shorten it.",
                           code="purpose_code_too_long", field="purpose")


def _check_description(policy, *, description: str, purpose_label: str) -> None:
    problem = description_problem(description=description, purpose_label=purpose_label,
                                  vague_descriptions=policy.vague_descriptions,
                                  min_length=policy.description_min_length,
                                  min_specific_words=policy.description_min_specific_words)
    if problem:
        raise PolicyDenied(problem, code="vague_description", field="description")


# An outside agency's case number is in its own format, not ours: any short reference of this shape.
OUTSIDE_CASE_NUMBER = re.compile(rf"^[A-Z0-9][A-Z0-9/ .:-]{{2,{CASE_NUMBER_MAX_LENGTH - 1}}}$")
OUTSIDE_DESCRIPTION_MAX_LENGTH = 2 * DESCRIPTION_MAX_LENGTH


@enforces("USE-1", "USE-3", "SHR-4")
def outside_prohibited_purpose_check(*, purpose: str, case_number: str, description: str) -> None:
    """Refuse, and flag, an outside agency's request whose purpose, case number or description names a
    prohibited purpose (USE-3, SHR-4); say nothing of it otherwise. The first step of
    ``outside_justification_check``, and all of it a form with other faults still gets."""
    # The matcher reads at most twice what may be accepted: a longer text is refused later anyway, and a
    # megabyte of it would hold a worker for minutes.
    read_up_to = 2 * OUTSIDE_DESCRIPTION_MAX_LENGTH
    _refuse_prohibited(current_policy(), (description or "")[:read_up_to],
                       (purpose or "")[:read_up_to].replace("_", " "), (case_number or "")[:read_up_to])


def outside_justification_check(*, purpose: str, case_number: str, description: str) -> str:
    """Check an outside agency's purpose, case number and description; return the purpose's label.

    The same gate as an officer's search (USE-1, USE-3): a permitted purpose, a case number and a
    specific description; prohibited purposes are refused and flagged (`ProhibitedPurpose`). The
    other-felony exception needs the Chief's approval of a request by one of our own officers, so an
    outside agency cannot cite it. Used for partner searches and written requests (SHR-1, SHR-5).
    """
    policy = current_policy()
    outside_prohibited_purpose_check(purpose=purpose, case_number=case_number, description=description)
    if len(description or "") > OUTSIDE_DESCRIPTION_MAX_LENGTH:
        raise PolicyDenied(f"A description has at most {OUTSIDE_DESCRIPTION_MAX_LENGTH} characters.",
                           code="description_too_long", field="description", flag_for_audit=True)
    if not purpose or not policy.is_permitted_purpose(purpose):
        raise PolicyDenied("Choose one of the permitted purposes.", code="purpose_not_permitted",
                           field="purpose", flag_for_audit=bool(purpose))
    if purpose == policy.felony_exception_purpose:  # not on an outside agency's list: tried by hand
        raise PolicyDenied("The other-felony exception is not open to outside agencies; ask for data under "
                           "a permitted purpose.", code="felony_exception_outside", field="purpose",
                           flag_for_audit=True)
    _check_purpose_recordable(purpose)
    if not case_number:
        raise PolicyDenied("A case number is required.", code="case_number_required", field="case_number")
    if not OUTSIDE_CASE_NUMBER.fullmatch(case_number.upper()):
        raise PolicyDenied(f"A case number is 3 to {CASE_NUMBER_MAX_LENGTH} letters, digits, dashes or "
                           "slashes.", code="case_number_format", field="case_number")
    label = policy.purpose_label(purpose)
    _check_description(policy, description=description, purpose_label=label)
    return label


def _usable_felony_request(*, policy, user, felony_request_id, case_number: str) -> FelonyExceptionRequest:
    if not felony_request_id:
        raise PolicyDenied("\u201cOther significant felony\u201d needs a written request approved by "
                           f"{who_may(Capability.APPROVE_FELONY_EXCEPTIONS)}. Choose your approved request, "
                           "or submit one.",
                           code="felony_request_required", field="felony_request")
    request = (FelonyExceptionRequest.objects.filter(pk=felony_request_id).first()
               if isinstance(felony_request_id, int) else None)
    if request is None or request.requested_by_id != user.pk:
        raise PolicyDenied("That is not one of your other-felony requests. This attempt has been flagged "
                           "for the auditor.", code="felony_request_foreign", field="felony_request",
                           flag_for_audit=True)
    if not request.usable_at(timezone.now(), policy=policy):
        raise PolicyDenied(f"That other-felony request is not approved by "
                           f"{who_may(Capability.APPROVE_FELONY_EXCEPTIONS)}, or its approval has lapsed.",
                           code="felony_request_not_approved", field="felony_request")
    if request.case_number != case_number:
        raise PolicyDenied(f"The approved request is for case {request.case_number}; search under that "
                           "case number.", code="felony_case_mismatch", field="case_number")
    return request


@enforces("USE-1", "USE-2", "USE-3", "USE-4")
def justification_open(*, actor: Actor, purpose: str, case_number: str, description: str,
                       felony_request_id: int | str | None = None) -> Justification:
    """State why you are searching; return the justification that covers follow-up searches.

    Officers, dispatchers, analysts and detectives need a permitted purpose, a case or CAD run number
    in the agency's format and a specific description (USE-1, USE-2). Auditors and administrators
    open an audit query: no case number, purpose fixed to "audit query" (USE-4).
    """
    purpose = (purpose or "").strip()
    case_number = (case_number or "").strip().upper()
    description = (description or "").strip()
    query = {"felony_request": felony_request_id, **submitted_purpose(purpose),
             **submitted_case_number(case_number)}
    fields = {"purpose": purpose[:64], "case_number": case_number[:CASE_NUMBER_MAX_LENGTH],
              "description": description[:DESCRIPTION_MAX_LENGTH * 2], "query": query}
    with refusals_recorded(actor=actor, action=actions.JUSTIFICATION_STATED, **fields):
        user = _require_user(actor)
        ensure_alpr_access(user)
        if len(description) > DESCRIPTION_MAX_LENGTH:  # the form's textarea allows no more
            raise PolicyDenied(f"A description has at most {DESCRIPTION_MAX_LENGTH} characters. This attempt "
                               "has been flagged for the auditor.", code="description_too_long",
                               field="description", flag_for_audit=True)
        policy = current_policy()
        _refuse_prohibited(policy, description, purpose.replace("_", " "))
        if user.can(Capability.SEARCH_PLATES):
            kind = JustificationKind.CASE
            if not purpose:
                raise PolicyDenied("Choose the purpose of this search from the list.",
                                   code="purpose_required", field="purpose")
            if not policy.is_permitted_purpose(purpose):
                raise PolicyDenied("That purpose is not one the policy permits.",
                                   code="purpose_not_permitted", field="purpose", flag_for_audit=True)
            _check_purpose_recordable(purpose)
            label = policy.purpose_label(purpose)
            _check_case_number(policy, case_number)
        elif user.can(Capability.AUDIT_QUERY):
            kind, purpose = JustificationKind.AUDIT, AUDIT_QUERY_PURPOSE
            _check_case_number_length(case_number)  # an audit query's reference: optional, in no format
            label = "Administrative or audit query"
        else:
            raise PolicyDenied("Your role does not include searching ALPR data.")
        _check_description(policy, description=description, purpose_label=label)
        felony_request = None
        if kind == JustificationKind.CASE and purpose == policy.felony_exception_purpose:
            felony_request = _usable_felony_request(policy=policy, user=user, case_number=case_number,
                                                    felony_request_id=felony_request_id)
        with transaction.atomic():
            now = timezone.now()
            justification = Justification.objects.create(
                user=user, kind=kind, purpose=purpose, purpose_label=label, case_number=case_number,
                description=description, felony_request=felony_request, created_at=now,
                expires_at=now + timedelta(minutes=policy.justification_minutes))
            audit_record(actor=actor, action=actions.JUSTIFICATION_STATED,
                         targets=[f"justification:{justification.pk}"],
                         query={"kind": kind, "felony_request": felony_request and felony_request.pk,
                                "expires_at": justification.expires_at.isoformat()},
                         **justification.audit_fields())
    return justification


def justification_close(*, actor: Actor, justification_id: int) -> None:
    """End a justification before it expires (the officer is done with this case)."""
    with transaction.atomic():
        justification = Justification.objects.select_for_update().filter(
            pk=justification_id, user=actor.user).first()
        if justification is None or justification.closed_at is not None:
            return
        justification.closed_at = timezone.now()
        justification.save(update_fields=["closed_at"])
        audit_record(actor=actor, action=actions.JUSTIFICATION_CLOSED,
                     targets=[f"justification:{justification.pk}"], **justification.audit_fields())


def felony_request_create(*, actor: Actor, case_number: str, offense: str,
                          description: str) -> FelonyExceptionRequest:
    """File a written request to search for an other significant felony; the Chief decides (USE-2)."""
    case_number = (case_number or "").strip().upper()
    fields = {"case_number": case_number[:CASE_NUMBER_MAX_LENGTH], "description": description or "",
              "query": submitted_case_number(case_number)}
    with refusals_recorded(actor=actor, action=actions.FELONY_REQUESTED, **fields):
        user = _require_user(actor)
        if not user.can(Capability.SEARCH_PLATES):
            raise PolicyDenied("Your role does not include searching ALPR data.")
        policy = current_policy()
        _refuse_prohibited(policy, offense, description)
        _check_case_number(policy, case_number)
        if len((offense or "").strip()) < 4:
            raise ApplicationError("Name the felony under investigation.", field="offense")
        _check_description(policy, description=description, purpose_label=policy.purpose_label(
            policy.felony_exception_purpose))
        with transaction.atomic():
            request = FelonyExceptionRequest.objects.create(
                requested_by=user, case_number=case_number, offense=offense.strip(),
                description=description.strip())
            audit_record(actor=actor, action=actions.FELONY_REQUESTED,
                         targets=[f"felony-request:{request.pk}"],
                         purpose=policy.felony_exception_purpose, case_number=case_number,
                         description=f"{request.offense}: {request.description}")
    return request


@enforces("USE-2")
def felony_request_decide(*, actor: Actor, request_id: int, approve: bool,
                          note: str = "") -> FelonyExceptionRequest:
    """Approve or deny a pending other-felony request; only the Chief decides (USE-2, ACC-7)."""
    with refusals_recorded(actor=actor, action=actions.FELONY_DECIDED,
                           targets=[f"felony-request:{request_id}"]):
        user = _require_user(actor)
        if not user.can(Capability.APPROVE_FELONY_EXCEPTIONS):
            raise PolicyDenied(only_who_may(Capability.APPROVE_FELONY_EXCEPTIONS,
                                            doing="approve other-felony searches"))
        if not approve and not (note or "").strip():
            raise ApplicationError("Say why the request is denied.", field="note")
        with transaction.atomic():
            request = FelonyExceptionRequest.objects.select_for_update().filter(pk=request_id).first()
            if request is None:
                raise NotFound("No such request.")
            if request.status != FelonyRequestStatus.PENDING:
                raise ApplicationError("This request has been decided already.")
            if request.requested_by_id == user.pk:
                raise PolicyDenied("Nobody decides their own request.")
            now, policy = timezone.now(), current_policy()
            request.status = FelonyRequestStatus.APPROVED if approve else FelonyRequestStatus.DENIED
            request.decided_by, request.decided_at, request.decision_note = user, now, (note or "").strip()
            # Granted for the policy's days in force now: a later raise reaches only later approvals.
            request.granted_days = policy.felony_approval_days if approve else None
            request.save(update_fields=["status", "decided_by", "decided_at", "decision_note",
                                        "granted_days"])
            decision = request.get_status_display() + (f" for {request.granted_days} days" if approve else "")
            audit_record(actor=actor, action=actions.FELONY_DECIDED, targets=[f"felony-request:{request.pk}"],
                         purpose=policy.felony_exception_purpose, case_number=request.case_number,
                         description=f"{decision}: {request.decision_note}".strip(": "))
    return request


def outcome_record(*, actor: Actor, justification_id: int, outcome: str, note: str = "") -> SearchOutcome:
    """Record what the searches under a justification led to (feeds the reports)."""
    with refusals_recorded(actor=actor, action=actions.OUTCOME_RECORDED,
                           targets=[f"justification:{justification_id}"]):
        user = _require_user(actor)
        if outcome not in OutcomeKind.values:
            raise ApplicationError("Choose what the search led to.", field="outcome")
        with transaction.atomic():
            justification = Justification.objects.filter(pk=justification_id, user=user,
                                                          kind=JustificationKind.CASE).first()
            if justification is None:
                raise NotFound("No such search of yours.")
            recorded = SearchOutcome.objects.create(justification=justification, recorded_by=user,
                                                    outcome=outcome, note=(note or "").strip())
            audit_record(actor=actor, action=actions.OUTCOME_RECORDED,
                         targets=[f"justification:{justification.pk}", f"outcome:{recorded.pk}"],
                         query={"outcome": outcome}, **justification.audit_fields())
    return recorded
