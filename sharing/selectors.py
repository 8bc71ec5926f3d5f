"""Reads of the sharing records. ``agency_block_reason`` is the one answer to "may this agency
receive anything now?" that every release and partner search asks.

A written request names the plates an agency asks for: plate data. The reviewer sees requests only
through ``sharing_requests_list`` (the queue), ``agency_requests_list`` (an agency's page) and
``sharing_request_view``, which check the role and the training (ACC-5) and write one audit row naming
every request shown (AUD-1), in the transaction that reads them.
"""

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from accounts.selectors import ensure_alpr_access
from audit.context import Actor
from audit.services import audit_record, refusals_recorded
from core.compliance import enforces
from core.errors import NotFound, PolicyDenied
from policy.selectors import policy_in_force_before
from sharing import audit_actions as actions
from sharing.models import (
    Agency,
    AgencyStatus,
    Declaration,
    OnlineSharingRequest,
    OnlineSharingStatus,
    PartnerPerson,
    PartnerSearch,
    RecordsRequest,
    RecordsRequestStatus,
    RequestStatus,
    SharingRequest,
)
from sharing.permissions import require_sharing_reviewer

# The window of the policy's ``partner_searches_per_hour``.
PARTNER_SEARCH_WINDOW = timedelta(hours=1)
# An agency's page lists its latest written requests; older ones are in the requests queue.
AGENCY_PAGE_REQUESTS = 20


@dataclass(frozen=True)
class AgencySearchCount:
    agency_name: str
    agency_ori: str
    searches: int


@dataclass(frozen=True)
class OnlineSharingState:
    """Partner searches for one agency: "off", "requested" (waiting for the Chief) or "on"; the request
    waiting, if any, and the Chief's latest decision, if any."""

    state: str
    waiting: OnlineSharingRequest | None
    decision: OnlineSharingRequest | None


@dataclass(frozen=True)
class RevokedAgency:
    name: str
    revoked_on: date
    reason: str


def today() -> date:
    return timezone.localdate()


def valid_declaration(agency: Agency, *, day: date | None = None) -> Declaration | None:
    """Return the agency's declaration in force on `day` (today), the latest signed first.

    In force: signed, not expired, and signed no longer ago than the policy of that day's
    ``declaration_max_days``: a shortening ends at once the declarations that now run too long (a
    tightening), as it would refuse them if they were recorded today (SHR-2)."""
    day = day or today()
    end_of_day = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    max_days = policy_in_force_before(end_of_day).declaration_max_days
    return (agency.declarations.filter(signed_on__lte=day, expires_on__gte=day,
                                       signed_on__gte=day - timedelta(days=max_days))
            .order_by("-signed_on").first())


def _words(text: str) -> list[str]:
    """Return the casefolded runs of letters and digits of `text`: its words, punctuation dropped."""
    return re.findall(r"[^\W_]+", (text or "").casefold())


def _names_agency(words: list[str], agency: Agency) -> bool:
    """Whether `words` name `agency`: its name's words as a run of whole words ("Lake County Sheriff,
    Indiana" names "Lake County Sheriff (Indiana)", "disposition" does not name "ISP"), or its ORI's
    letters and digits spelled across whole words ("IN-0450000", "IN 0450000" name IN0450000)."""
    name = " ".join(_words(agency.name))
    if name and f" {name} " in f" {' '.join(words)} ":
        return True
    ori = "".join(_words(agency.ori))
    for start in range(len(words) if ori else 0):
        spelled = ""
        for word in words[start:]:
            spelled += word
            if len(spelled) >= len(ori):
                break
        if spelled == ori:
            return True
    return False


def registered_agency_named_in(text: str) -> Agency | None:
    """Return the registry's agency that `text` names, by its name or its ORI, if any.

    Compared on letters and digits as whole words, so however punctuation or spacing separates them the
    agency is found, and a short name inside another word names nothing."""
    words = _words(text)
    if not words:
        return None
    return next((agency for agency in Agency.objects.only("name", "ori") if _names_agency(words, agency)),
                None)


def overdue_requests(agency: Agency | None = None, *, day: date | None = None):
    """Released requests whose deletion certificate is past due."""
    day = day or today()
    queryset = SharingRequest.objects.filter(
        status=RequestStatus.RELEASED, deletion_certified_at__isnull=True, delete_by__lt=day
    )
    return queryset.filter(agency=agency) if agency is not None else queryset.select_related("agency")


@enforces("SHR-2", "SHR-4")
def agency_block_reason(agency: Agency, *, searching: bool = False, day: date | None = None) -> str | None:
    """Return why `agency` may not receive our data now, or None when it may.

    Revoked, no declaration in force, or an overdue deletion certificate: nothing of any kind
    (SHR-2, SHR-4). Searching through the API also needs partner searches on for the agency (the Chief's
    approval, ``sharing.services.online``).
    """
    if agency.status == AgencyStatus.REVOKED:
        return f"{agency.name}'s access was revoked on {timezone.localtime(agency.revoked_at):%Y-%m-%d}."
    if valid_declaration(agency, day=day) is None:
        return (
            f"{agency.name} has no signed declaration in force (no immigration enforcement, no "
            "reproductive-health investigations, deletion, no re-sharing): no data may go to it."
        )
    overdue = overdue_requests(agency, day=day).first()
    if overdue is not None:
        return (
            f"{agency.name} has not certified the deletion of the data released on request "
            f"{overdue.pk} (due {overdue.delete_by:%Y-%m-%d}): nothing more goes to it until it does."
        )
    if searching and not agency.sharing_enabled:
        return f"Partner searches are not enabled for {agency.name}."
    return None


def partner_person_for_search(person_id: int) -> PartnerPerson:
    """Return the partner person if they are an active partner person, or refuse. Whether their agency
    may search now is ``partner_agency_may_search``'s question, asked after the request's purpose: a
    blocked agency that asks for a prohibited use is still revoked for it (SHR-4)."""
    person = PartnerPerson.objects.select_related("agency").filter(pk=person_id).first()
    if person is None or not person.active:
        raise PolicyDenied(
            "This person may not search: the key's holder is not an active partner person.",
            code="partner_person_inactive",
        )
    return person


def partner_agency_may_search(person: PartnerPerson) -> None:
    """Refuse unless `person`'s agency may search our reads now (declaration, deletions, sharing on)."""
    blocked = agency_block_reason(person.agency, searching=True)
    if blocked:
        raise PolicyDenied(blocked, code="agency_blocked")


@enforces("SHR-5", "USE-7")
def partner_search_wait(person: PartnerPerson, *, per_hour: int) -> int:
    """Return the seconds until `person` may run another partner search, 0 when they may now.

    At most `per_hour` searches that ran (``PartnerSearch`` rows) in any hour, a sliding window. Locks
    the person's row for the caller's transaction: two searches at once cannot both take the last place.
    """
    PartnerPerson.objects.select_for_update().filter(pk=person.pk).first()
    now = timezone.now()
    recent = list(PartnerSearch.objects.filter(person=person, searched_at__gt=now - PARTNER_SEARCH_WINDOW)
                  .order_by("-searched_at").values_list("searched_at", flat=True)[:per_hour])
    if len(recent) < per_hour:
        return 0
    return math.ceil((recent[-1] + PARTNER_SEARCH_WINDOW - now).total_seconds())


def online_sharing_state(agency: Agency) -> OnlineSharingState:
    """Say whether partner searches are off, requested or on for `agency`, and who decided last."""
    asks = agency.online_sharing_requests.select_related("requested_by", "decided_by")
    waiting = asks.filter(status=OnlineSharingStatus.PENDING).first()
    decision = asks.filter(status__in=[OnlineSharingStatus.APPROVED, OnlineSharingStatus.DENIED]).order_by(
        "-decided_at", "-id").first()
    state = "on" if agency.sharing_enabled else "requested" if waiting else "off"
    return OnlineSharingState(state=state, waiting=waiting, decision=decision)


def online_sharing_waiting():
    """Requests to switch partner searches on, waiting for the Chief, oldest first."""
    return (OnlineSharingRequest.objects.filter(status=OnlineSharingStatus.PENDING)
            .select_related("agency", "requested_by").order_by("requested_at", "pk"))


def online_sharing_waiting_count() -> int:
    return online_sharing_waiting().count()


def online_sharing_decided(limit: int = 20):
    """The latest decisions on online sharing, newest first."""
    return (OnlineSharingRequest.objects.exclude(status=OnlineSharingStatus.PENDING)
            .select_related("agency", "requested_by", "decided_by").order_by("-decided_at", "-pk")[:limit])


def agencies_sharing_online():
    """Agencies whose people may search our reads through the partner API now (the switch is on)."""
    return Agency.objects.filter(sharing_enabled=True).order_by("name")


def agencies_with_access(*, day: date | None = None) -> list[str]:
    """Names of the agencies that may receive our data today (the portal's public list)."""
    candidates = Agency.objects.filter(status=AgencyStatus.ACTIVE).prefetch_related("declarations")
    return [agency.name for agency in candidates if agency_block_reason(agency, day=day) is None]


def revoked_agencies() -> list[RevokedAgency]:
    """Agencies whose access was revoked, newest first, with the reason (published on the portal)."""
    return [
        RevokedAgency(
            name=agency.name,
            revoked_on=timezone.localtime(agency.revoked_at).date(),
            reason=agency.revocation_reason,
        )
        for agency in Agency.objects.filter(status=AgencyStatus.REVOKED).order_by("-revoked_at")
    ]


@enforces("SHR-5")
def partner_first_page_recorded(person: PartnerPerson, *, plate_query: str, purpose: str,
                                case_number: str) -> bool:
    """Whether the first page of this search (same plate, purpose and case) ran for `person` within the
    last hour: a later page then continues it and is not counted as another search (SHR-5)."""
    return PartnerSearch.objects.filter(
        person=person, plate_query=plate_query, purpose=purpose, case_number=case_number, page=1,
        searched_at__gt=timezone.now() - PARTNER_SEARCH_WINDOW).exists()


def partner_search_counts(*, since: datetime, until: datetime) -> list[AgencySearchCount]:
    """Searches each outside agency ran in [since, until), most first (SHR-5, the monthly report)."""
    rows = (
        PartnerSearch.objects.filter(searched_at__gte=since, searched_at__lt=until, continues_search=False)
        .values("agency__name", "agency__ori")
        .annotate(n=Count("id"))
        .order_by("-n", "agency__name")
    )
    return [
        AgencySearchCount(agency_name=row["agency__name"], agency_ori=row["agency__ori"], searches=row["n"])
        for row in rows
    ]


def agencies_listing():
    """Every agency with its declaration in force (or None) and its block reason, for the staff page."""
    agencies = list(Agency.objects.prefetch_related("declarations").order_by("name"))
    return [(agency, valid_declaration(agency), agency_block_reason(agency)) for agency in agencies]


def pending_requests():
    return (
        SharingRequest.objects.filter(status__in=[RequestStatus.PENDING, RequestStatus.APPROVED])
        .select_related("agency")
        .order_by("received_at")
    )


def _require_trained_reviewer(actor: Actor) -> None:
    require_sharing_reviewer(actor)
    ensure_alpr_access(actor.user)


@enforces("AUD-1", "ACC-5")
def sharing_requests_list(*, actor: Actor) -> tuple[list[SharingRequest], list[SharingRequest]]:
    """Return the requests waiting for a decision or a release (oldest first) and the latest requests
    (newest first), to a reviewer with current training; one audit row names every request shown."""
    with refusals_recorded(actor=actor, action=actions.REQUESTS_LISTED):
        _require_trained_reviewer(actor)
        with transaction.atomic():
            queue, recent = list(pending_requests()), list(recent_requests())
            shown = list(dict.fromkeys(ask.pk for ask in [*queue, *recent]))
            audit_record(actor=actor, action=actions.REQUESTS_LISTED, result_count=len(shown),
                         targets=[f"sharing-request:{pk}" for pk in shown])
    return queue, recent


@enforces("AUD-1", "ACC-5")
def agency_requests_list(*, actor: Actor, agency: Agency,
                         limit: int = AGENCY_PAGE_REQUESTS) -> list[SharingRequest]:
    """Return the agency's latest requests (newest first) for its page, to a reviewer with current
    training; one audit row names the agency and every request shown, a refused look included."""
    with refusals_recorded(actor=actor, action=actions.REQUESTS_LISTED, targets=[f"agency:{agency.ori}"]):
        _require_trained_reviewer(actor)
        with transaction.atomic():
            shown = list(agency.requests.order_by("-received_at")[:limit])
            audit_record(actor=actor, action=actions.REQUESTS_LISTED, result_count=len(shown),
                         targets=[f"agency:{agency.ori}", *(f"sharing-request:{ask.pk}" for ask in shown)])
    return shown


@enforces("AUD-1", "ACC-5")
def sharing_request_view(*, actor: Actor, request_id: int) -> SharingRequest:
    """Return one request for its page, to a reviewer with current training; the viewing is audited."""
    with refusals_recorded(actor=actor, action=actions.REQUEST_VIEWED,
                           targets=[f"sharing-request:{request_id}"]):
        _require_trained_reviewer(actor)
        with transaction.atomic():
            ask = (SharingRequest.objects.select_related("agency", "recorded_by", "decided_by", "package")
                   .filter(pk=request_id).first())
            if ask is None:
                raise NotFound("No such request.")
            audit_record(actor=actor, action=actions.REQUEST_VIEWED, purpose=ask.purpose,
                         case_number=ask.case_number, targets=[f"agency:{ask.agency.ori}",
                                                               f"sharing-request:{ask.pk}"])
    return ask


def awaiting_certification():
    return (
        SharingRequest.objects.filter(status=RequestStatus.RELEASED, deletion_certified_at__isnull=True)
        .select_related("agency")
        .order_by("delete_by")
    )


def recent_requests(limit: int = 50):
    return SharingRequest.objects.select_related("agency", "decided_by").order_by("-received_at")[:limit]


def open_records_requests():
    return RecordsRequest.objects.filter(status=RecordsRequestStatus.OPEN).order_by("received_at")


def closed_records_requests(limit: int = 50):
    return RecordsRequest.objects.filter(status=RecordsRequestStatus.CLOSED).order_by("-closed_at")[:limit]


def overdue_certificate_count() -> int:
    """Released requests whose recipient has not certified the deletion by its date (SHR-2)."""
    return overdue_requests().count()


def open_records_request_count() -> int:
    return open_records_requests().count()
