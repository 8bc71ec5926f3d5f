"""THE access layer for plate reads and their images (USE-1 to USE-7, AUD-1).

Every way a person reaches ALPR data is a function here. Each takes the acting `Actor` and the
`Justification` they stated (purpose, case number, description), checks it and the policy, runs the
query through ``alpr.selectors``, and writes the audit entry (user, purpose, case number,
description, query parameters, result count, read ids seen, client address) in the same
transaction. Refusals are audited too: ``refusals_recorded`` keeps the record of the attempt when
the action rolls back.

Audit scope (USE-4): auditors and administrators hold an *audit* justification. They never search
plate reads; they look up in the audit log who searched or viewed a plate or case
(`audit_trail_lookup`), read the log with the plate text its entries carry
(`audit_log_page_with_plates`, `audit_log_export_with_plates`; without the justification the log
withholds it, ``audit.disclosure``), and may open a read only when it appears in the targets of an
audit entry of someone else's access to ALPR data that they are reviewing (`audit_event_id`).
"""
import math
import mimetypes
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.selectors import ensure_alpr_access
from alpr import plates, selectors, storage
from alpr.models import PlateRead
from alpr.selectors import Area, ResultPage, SearchMode
from audit import selectors as audit_selectors
from audit.actions import AuditAction
from audit.actions import get as audit_action
from audit.audit_actions import AUDIT_LOG_EXPORTED, AUDIT_LOG_VIEWED
from audit.context import Actor
from audit.disclosure import Disclosure
from audit.models import ActorType, AuditEvent, Outcome
from audit.selectors import AuditFilters
from audit.services import audit_record, refusals_recorded
from core.compliance import enforces
from core.errors import (
    ApplicationError,
    NotFound,
    NotYours,
    PolicyDenied,
    ProhibitedPurpose,
    TooManyRequests,
)
from policy.defaults import SHARING_MISUSE_CODES
from policy.roles import Capability, only_who_may
from policy.selectors import current_policy
from retention import audit_actions as retention_actions
from retention import selectors as retention_selectors
from searches import audit_actions as actions
from searches.models import Download, Justification, JustificationKind, JustificationRead
from searches.services import (
    OUTSIDE_DESCRIPTION_MAX_LENGTH,
    outside_justification_check,
    stated_reason_check,
)
from sharing import federation
from sharing.selectors import (
    partner_agency_may_search,
    partner_first_page_recorded,
    partner_person_for_search,
    partner_search_wait,
    registered_agency_named_in,
)
from sharing.services.agencies import agency_revoke_for_misuse
from sharing.services.partner import partner_search_record

PER_PAGE = 25
MAX_PER_PAGE = 50
DEFAULT_WINDOW = timedelta(days=7)
# How far a canvass reaches is the policy's (``canvass_max_hours``, ``canvass_max_radius_m``).
CANVASS_DEFAULT_WINDOW = timedelta(hours=2)
CANVASS_MIN_RADIUS_M = 10
CANVASS_DEFAULT_RADIUS_M = 300
IMAGE_KINDS = ("crop", "full")
# A window may end this far past our clock: the asking clock (a browser, a partner's server) may run ahead.
CLOCK_SKEW = timedelta(minutes=2)
AUDIT_LOOKUP_LIMIT = 200


@dataclass(frozen=True)
class Window:
    """A search's time window: every read in [since, until), where `since` is never older than
    retention; when the request reached further back, also the reads the holds of the search's case
    (`held_case`) keep from `held_since` (RET-2)."""

    since: datetime
    until: datetime
    held_since: datetime | None = None
    held_case: str = ""

    @property
    def clamped(self) -> bool:
        """The request reached further back than retention and was cut (but for held reads)."""
        return self.held_since is not None


@dataclass(frozen=True)
class SearchResults:
    """One page of a search, as shown to the person who ran it."""

    page: ResultPage
    number: int
    per_page: int
    window: Window
    query: dict = field(default_factory=dict)

    @property
    def rows(self):
        return self.page.rows

    @property
    def total(self) -> int:
        return self.page.total

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number * self.per_page < self.page.total

    @property
    def first_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.rows else 0

    @property
    def last_index(self) -> int:
        return (self.number - 1) * self.per_page + len(self.rows)


@dataclass(frozen=True)
class ReadImage:
    content: bytes
    content_type: str
    filename: str


# --- checks shared by every entry point ------------------------------------------------------------

def _justification_fields(justification) -> dict:
    if isinstance(justification, Justification):
        return justification.audit_fields()
    return {}


def _checked_user(actor: Actor, justification, *, kind: str):
    """Return the acting user if `justification` is theirs, open, of `kind`, and they may still use it."""
    user = actor.user
    if user is None:
        raise PolicyDenied("Sign in to reach ALPR data.")
    ensure_alpr_access(user)
    if not isinstance(justification, Justification):
        raise PolicyDenied("State the purpose, case number and a description before searching.",
                           code="justification_required")
    current = Justification.objects.select_related("felony_request").filter(pk=justification.pk).first()
    now = timezone.now()
    if current is None or current.user_id != user.pk:
        raise PolicyDenied("That justification is not yours.", code="justification_foreign")
    if not current.is_open_at(now):
        raise PolicyDenied("Your justification has expired. State it again to continue.",
                           code="justification_expired")
    if current.kind != kind:
        if kind == JustificationKind.CASE:
            raise PolicyDenied("Audit queries look up the audit log; they never search plate reads.",
                               code="outside_audit_scope")
        raise PolicyDenied("This is an audit query; it needs an audit justification.")
    needed = Capability.SEARCH_PLATES if kind == JustificationKind.CASE else Capability.AUDIT_QUERY
    if not user.can(needed):
        raise PolicyDenied("Your role does not include this.")
    # A purpose the policy has since removed (a tightening takes effect at once) ends the justifications
    # stated under it, as expiry does; so does an approval that has lapsed under the policy in force.
    policy = current_policy()
    if kind == JustificationKind.CASE and not policy.is_permitted_purpose(current.purpose):
        raise PolicyDenied("The policy no longer permits the purpose of your justification. State it again "
                           "under a permitted purpose to continue.", code="justification_expired")
    if current.felony_request_id and not current.felony_request.usable_at(now, policy=policy):
        raise PolicyDenied("The Chief's approval for this other-felony search has lapsed.")
    return user


def _window(since: datetime | None, until: datetime | None, *, default: timedelta,
            widest: timedelta | None = None, held_case: str = "") -> Window:
    """Return the time window to search, or raise a clear error on the field at fault.

    A window must end by now (clocks may differ by `CLOCK_SKEW`), start before it ends, and reach
    into retention. The part of a window older than retention is cut, but for the reads the evidence
    holds of case `held_case` keep (they are kept so that case can still use them; to any other case,
    and to partners, they are past retention): a window wholly older than retention is an error
    unless such reads lie in it.
    """
    now = timezone.now()
    for name, moment in (("since", since), ("until", until)):
        if moment is not None and moment > now + CLOCK_SKEW:
            raise ApplicationError("The time window cannot reach into the future: there are no reads "
                                   "there yet.", field=name)
    until = min(until or now, now)
    since = since or until - default
    if since >= until:
        raise ApplicationError("The start of the time window must be before its end.", field="since")
    if widest is not None and until - since > widest:
        hours = int(widest.total_seconds() // 3600)
        raise ApplicationError(f"A canvass covers at most {hours} hour{'s' if hours != 1 else ''}.",
                               field="since")
    policy = current_policy()
    oldest = policy.retention_cutoff(now)
    held_kept = bool(held_case) and selectors.held_reads_exist(since, until, case_number=held_case)
    if until <= oldest and not held_kept:
        raise ApplicationError(f"Reads are kept {policy.retention_days} days: this window ends before "
                               f"{timezone.localtime(oldest):%Y-%m-%d %H:%M}, and nothing in it is kept.",
                               field="until")
    return Window(since=max(since, oldest), until=until, held_since=since if since < oldest else None,
                  held_case=held_case)


def _window_query(window: Window) -> dict:
    """Return the window as the audit entry records it."""
    held_since = window.held_since.isoformat() if window.held_since else None
    return {"since": window.since.isoformat(), "until": window.until.isoformat(),
            "window_clamped": window.clamped, "held_since": held_since}


def _page_bounds(page: int, per_page: int) -> tuple[int, int]:
    per_page = max(1, min(int(per_page or PER_PAGE), MAX_PER_PAGE))
    page = max(1, int(page or 1))
    if (page - 1) * per_page >= selectors.COUNT_CAP:
        raise ApplicationError(f"Results stop at {selectors.COUNT_CAP}; narrow the search instead.",
                               field="page")
    return page, per_page


def _read_targets(rows) -> list[str]:
    return [f"read:{row.id}" for row in rows]


def _reads_listed(justification: Justification, rows) -> None:
    """Put the reads a search shows in its justification's read scope, in the search's transaction."""
    now = timezone.now()
    JustificationRead.objects.bulk_create(
        [JustificationRead(justification=justification, read_id=row.id, listed_at=now) for row in rows],
        update_conflicts=True, unique_fields=["justification", "read_id"], update_fields=["listed_at"])


# --- searches --------------------------------------------------------------------------------------

def _plate_query(plate: str, mode: str) -> tuple[str, str]:
    """Return the normalised query and the mode it runs under, or raise a clear error."""
    if mode not in SearchMode.ALL:
        raise ApplicationError("Choose how to match the plate.", field="mode")
    if problem := plates.typed_plate_problem(plate or "", wildcards=True):
        raise ApplicationError(problem, field="plate")
    query = plates.normalize_pattern(plate)
    if plates.has_wildcards(query):
        mode = SearchMode.PARTIAL
    elif mode == SearchMode.PARTIAL:
        mode = SearchMode.EXACT  # nothing unknown: an exact search
    policy = current_policy()
    if problem := plates.pattern_problem(query, min_known_run=policy.partial_plate_min_known):
        raise ApplicationError(problem, field="plate")
    if mode == SearchMode.MISREAD_EDIT and (edit_problem := plates.one_edit_problem(
            query, min_length=policy.one_edit_min_length, min_known_run=policy.partial_plate_min_known)):
        raise ApplicationError(edit_problem, field="plate")
    return query, mode


@enforces("USE-1", "USE-5", "AUD-1")
def plate_reads_search(*, actor: Actor, justification, plate: str, mode: str = SearchMode.EXACT,
                       since: datetime | None = None, until: datetime | None = None,
                       camera_ids=(), area: Area | None = None, page: int = 1,
                       per_page: int = PER_PAGE) -> SearchResults:
    """Search reads by plate (exact, partial with ``?``/``*``, or misread-tolerant); one audited page."""
    camera_ids = sorted({int(camera_id) for camera_id in camera_ids or ()})
    query = {"plate": (plate or "").strip().upper()[:32], "mode": mode, "camera_ids": camera_ids,
             "page": page, "justification": getattr(justification, "pk", None)}
    if area is not None:
        query["area"] = {"latitude": area.latitude, "longitude": area.longitude, "radius_m": area.radius_m}
    with refusals_recorded(actor=actor, action=actions.PLATE_SEARCHED, query=query,
                           **_justification_fields(justification)):
        _checked_user(actor, justification, kind=JustificationKind.CASE)
        normalized, mode = _plate_query(plate, mode)
        window = _window(since, until, default=DEFAULT_WINDOW, held_case=justification.case_number)
        number, per_page = _page_bounds(page, per_page)
        query.update(plate=normalized, mode=mode, **_window_query(window), per_page=per_page)
        _mark_continued(query, actor, actions.PLATE_SEARCHED, justification, number,
                        same=("plate", "mode", "camera_ids", "area"))
        with transaction.atomic():
            result = selectors.reads_by_plate(
                query=normalized, mode=mode, since=window.since, until=window.until,
                held_since=window.held_since, held_case=window.held_case, camera_ids=camera_ids, area=area,
                limit=per_page, offset=(number - 1) * per_page)
            audit_record(actor=actor, action=actions.PLATE_SEARCHED, query=query, result_count=result.total,
                         targets=_read_targets(result.rows), **justification.audit_fields())
            _reads_listed(justification, result.rows)
    return SearchResults(page=result, number=number, per_page=per_page, window=window, query=query)


@enforces("USE-6", "AUD-1")
def plate_reads_canvass(*, actor: Actor, justification, latitude: float, longitude: float, radius_m: float,
                        since: datetime | None = None, until: datetime | None = None, page: int = 1,
                        per_page: int = PER_PAGE) -> SearchResults:
    """List reads within `radius_m` of a point during a time window (USE-6); one audited page."""
    query = {"latitude": latitude, "longitude": longitude, "radius_m": radius_m, "page": page,
             "justification": getattr(justification, "pk", None)}
    with refusals_recorded(actor=actor, action=actions.CANVASS_SEARCHED, query=query,
                           **_justification_fields(justification)):
        _checked_user(actor, justification, kind=JustificationKind.CASE)
        policy = current_policy()
        area = _canvass_area(latitude, longitude, radius_m, widest_m=policy.canvass_max_radius_m)
        default, widest = canvass_windows(policy)
        window = _window(since, until, default=default, widest=widest, held_case=justification.case_number)
        number, per_page = _page_bounds(page, per_page)
        query.update(**_window_query(window), per_page=per_page)
        _mark_continued(query, actor, actions.CANVASS_SEARCHED, justification, number,
                        same=("latitude", "longitude", "radius_m"))
        with transaction.atomic():
            result = selectors.reads_near(area=area, since=window.since, until=window.until,
                                          held_since=window.held_since, held_case=window.held_case,
                                          limit=per_page,
                                          offset=(number - 1) * per_page)
            audit_record(actor=actor, action=actions.CANVASS_SEARCHED, query=query, result_count=result.total,
                         targets=_read_targets(result.rows), **justification.audit_fields())
            _reads_listed(justification, result.rows)
    return SearchResults(page=result, number=number, per_page=per_page, window=window, query=query)


def _mark_continued(query: dict, actor: Actor, action: AuditAction, justification, number: int, *,
                    same: tuple) -> None:
    """Mark `query` ``continues_search`` when it asks for a later page of a search whose first page was
    audited under the same justification. Every page is audited; the figures count a search once, and a
    later page asked for without its first one counts as a search (RPT-1, RPT-3)."""
    if number <= 1:
        return
    alike = {f"query__{key}": query[key] for key in same if key in query}
    alike.update({f"query__{key}__isnull": True for key in same if key not in query})
    if AuditEvent.objects.filter(action=action.code, outcome=Outcome.ALLOWED, actor_user=actor.user,
                                 occurred_at__gte=justification.created_at, query__page=1,
                                 query__justification=justification.pk, **alike).exists():
        query["continues_search"] = True


def canvass_default_radius(policy) -> int:
    """Return the radius of a canvass that names none: the usual one, or the policy's widest if smaller."""
    return min(CANVASS_DEFAULT_RADIUS_M, policy.canvass_max_radius_m)


def canvass_windows(policy) -> tuple[timedelta, timedelta]:
    """Return a canvass's default and widest time window under `policy`."""
    widest = timedelta(hours=policy.canvass_max_hours)
    return min(CANVASS_DEFAULT_WINDOW, widest), widest


def _canvass_area(latitude, longitude, radius_m, *, widest_m: int) -> Area:
    """Return the canvass circle, or raise a clear error for a place off Earth or a radius out of bounds."""
    try:
        area = Area(float(latitude), float(longitude), float(radius_m))
    except (TypeError, ValueError):
        raise ApplicationError("Give the place as latitude and longitude in decimal degrees.",
                               field="latitude") from None
    if not (-90 <= area.latitude <= 90 and -180 <= area.longitude <= 180):
        raise ApplicationError("That is not a position on Earth.", field="latitude")
    if not CANVASS_MIN_RADIUS_M <= area.radius_m <= widest_m:
        raise ApplicationError(f"The radius is between {CANVASS_MIN_RADIUS_M} and {widest_m} metres.",
                               field="radius_m")
    return area


# --- single reads ----------------------------------------------------------------------------------

AUDITED_ACCESSORS = (ActorType.USER, ActorType.AGENCY)


def _audit_scope_event(*, user, audit_event_id, read_id: int) -> AuditEvent:
    """Return the audit entry under review that makes `read_id` visible to an auditor, or refuse."""
    event = AuditEvent.objects.filter(pk=audit_event_id).first() if audit_event_id else None
    # Only an access that happened names a read: a refused or failed attempt names whatever id was
    # tried, so citing one would open any read. And only a person's or a partner agency's: the system's
    # own entries (a hotlist match, a match the policy suppressed) name reads that nobody opened, so
    # citing them would open reads no access of anyone's brought into the audit.
    if (event is None or event.actor_user_id == user.pk or event.outcome != Outcome.ALLOWED
            or event.actor_type not in AUDITED_ACCESSORS
            or not audit_action_touches_reads(event.action)
            or f"read:{read_id}" not in (event.targets or [])):
        raise PolicyDenied("Outside audit scope: an auditor opens a read only from an audit entry of "
                           "someone else's allowed access that names it.", code="outside_audit_scope")
    return event


def audit_action_touches_reads(code: str) -> bool:
    try:
        return audit_action(code).touches_alpr_data
    except KeyError:
        return False


def _read_scope(*, user, justification: Justification, read_id: int, export: bool = False) -> str:
    """Return why `read_id` is in the justification's read scope, or refuse.

    A read opens under a case justification only when a search under it listed the read, when it is
    the read of an alert open in the inbox of a person who receives alerts, or when a hold the person
    placed for the justification's case keeps it (the placer, not whoever types the same case number:
    a colleague on the case searches for the held read, which lists it). To be exported (`export`), an
    alert's read must be of an entry for the justification's own case. No other read opens, whatever
    its number; the refusal is the same whether the read exists or not.
    """
    if selectors.read_listed_under(justification_id=justification.pk, read_id=read_id):
        return "listed"
    alert_case = justification.case_number if export else None
    if user.can(Capability.VERIFY_ALERTS) and selectors.read_of_alert(
            read_id, since=current_policy().alert_inbox_cutoff(), case_number=alert_case):
        return "alert"
    if selectors.read_held_by(read_id=read_id, placed_by_id=user.pk, case_number=justification.case_number):
        return "held"
    raise PolicyDenied("This read is not in the results of a search under your justification, nor an alert "
                       f"you receive, nor held by a hold you placed for case {justification.case_number}. "
                       "Search for it first.", code="outside_read_scope")


def _read_opened(*, justification: Justification, read_id: int) -> None:
    """Count `read_id` as opened under `justification` (once per read), or refuse past the policy's cap."""
    # One opening at a time per justification, so two requests cannot both squeeze under the cap.
    Justification.objects.select_for_update().filter(pk=justification.pk).first()
    if selectors.read_opened_under(justification_id=justification.pk, read_id=read_id):
        return
    cap = current_policy().read_opens_per_justification
    if selectors.reads_opened_count(justification.pk) >= cap:
        raise PolicyDenied(f"You have opened {cap} read{'s' if cap != 1 else ''} under this justification, "
                           "the most the policy allows. State a new justification to open more; the "
                           "auditor sees this refusal.",
                           code="read_open_cap", flag_for_audit=True)
    JustificationRead.objects.bulk_create(
        [JustificationRead(justification=justification, read_id=read_id, opened_at=timezone.now())],
        update_conflicts=True, unique_fields=["justification", "read_id"], update_fields=["opened_at"])


def _visible_read(*, actor: Actor, justification, read_id: int, audit_event_id,
                  opening: bool) -> tuple[PlateRead, dict]:
    """Check the justification and the read's scope (or the audit scope); return the read and audit extras.

    `opening` counts the read against ``read_opens_per_justification``: its detail page and its full
    photo do, the plate crop (the thumbnail of a results row) does not.
    """
    extra, held_case = {}, None
    if isinstance(justification, Justification) and justification.kind == JustificationKind.AUDIT:
        user = _checked_user(actor, justification, kind=JustificationKind.AUDIT)
        event = _audit_scope_event(user=user, audit_event_id=audit_event_id, read_id=read_id)
        extra["audit_event"] = event.pk
    else:
        user = _checked_user(actor, justification, kind=JustificationKind.CASE)
        extra["scope"] = _read_scope(user=user, justification=justification, read_id=read_id)
        if opening:
            _read_opened(justification=justification, read_id=read_id)
        held_case = justification.case_number  # past retention, only its own case's holds keep a read
    oldest = current_policy().retention_cutoff()
    read = selectors.read_by_id(read_id, since=oldest, held_case=held_case)
    if read is None:
        raise NotFound("No such read (it may have passed the retention period).")
    return read, extra


@enforces("USE-4", "AUD-1")
def plate_read_get(*, actor: Actor, justification, read_id: int,
                   audit_event_id: int | None = None) -> PlateRead:
    """Return one read for its detail page; the view is an audit entry. ``confirmed_erroneous`` says
    whether it was confirmed erroneous since it was listed (RET-5), for the page to warn."""
    query = {"read_id": read_id, "justification": getattr(justification, "pk", None)}
    with (refusals_recorded(actor=actor, action=actions.READ_VIEWED, query=query, targets=[f"read:{read_id}"],
                            **_justification_fields(justification)),
          transaction.atomic()):
        read, extra = _visible_read(actor=actor, justification=justification, read_id=read_id,
                                    audit_event_id=audit_event_id, opening=True)
        audit_record(actor=actor, action=actions.READ_VIEWED, query={**query, **extra, "plate": read.plate},
                     result_count=1, targets=[f"read:{read.pk}"], **justification.audit_fields())
    read.confirmed_erroneous = retention_selectors.is_erroneous(read.pk)
    return read


@enforces("AUD-1")
def plate_read_image(*, actor: Actor, justification, read_id: int, kind: str,
                     audit_event_id: int | None = None) -> ReadImage:
    """Return the bytes of a read's plate crop or full photo; each view is an audit entry."""
    query = {"read_id": read_id, "image": kind, "justification": getattr(justification, "pk", None)}
    with refusals_recorded(actor=actor, action=actions.READ_IMAGE_VIEWED, query=query,
                           targets=[f"read:{read_id}"], **_justification_fields(justification)):
        if kind not in IMAGE_KINDS:
            raise NotFound("No such image.")
        with transaction.atomic():
            read, extra = _visible_read(actor=actor, justification=justification, read_id=read_id,
                                        audit_event_id=audit_event_id, opening=kind == "full")
            relative = read.crop_path if kind == "crop" else read.image_path
            try:
                content = storage.read_bytes(relative) if relative else None
            except (OSError, ValueError):
                content = None
            if content is None:
                raise NotFound("This read has no such image.")
            audit_record(actor=actor, action=actions.READ_IMAGE_VIEWED,
                         query={**query, **extra, "plate": read.plate}, result_count=1,
                         targets=[f"read:{read.pk}"], **justification.audit_fields())
    content_type = mimetypes.guess_type(relative)[0] or "application/octet-stream"
    return ReadImage(content=content, content_type=content_type,
                     filename=f"read-{read.pk}-{kind}{mimetypes.guess_extension(content_type) or ''}")


# --- downloads (USE-7) -----------------------------------------------------------------------------

def _retention_service(name: str):
    """Return one of retention's writes. Imported when called: retention's services are imported by
    the sharing services this module uses, so importing them at the top would be circular."""
    from retention import services as retention_services

    return getattr(retention_services, name)


def _check_download_purpose(purpose: str) -> None:
    stated_reason_check(purpose, label="evidence download", code="download_purpose", field="purpose",
                        ask="State what the download is for, e.g. \u201cevidence for the robbery case, for "
                            "the prosecutor\u201d.",
                        vague=("evidence", "download", "save", "for evidence"))


def _check_download_recipient(recipient: str) -> None:
    """An agency of the sharing registry gets data only on its written request, reviewed and approved
    (SHR-1), never as an officer's evidence export addressed to it; the refusal is flagged."""
    if agency := registered_agency_named_in(recipient):
        raise PolicyDenied(f"{agency.name} is an outside agency: it receives data only on its written "
                           "request, reviewed and approved under Sharing, not as an evidence export.",
                           code="download_recipient_agency", field="recipient", flag_for_audit=True)


@enforces("USE-7")
def _downloads_today_allow(user, count: int, policy) -> None:
    """Refuse `count` more reads leaving through `user` today past the policy's daily cap (USE-7).

    Downloads and releases to other agencies count alike: one ``Download`` row per read, the person's
    own rows since local midnight. Locks the person's row for the caller's transaction, so two at once
    (two downloads, two releases, one of each) cannot both squeeze under the cap."""
    from accounts.models import User

    User.objects.select_for_update().filter(pk=user.pk).first()
    day_start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    done_today = Download.objects.filter(user=user, created_at__gte=day_start).count()
    if done_today + count > policy.download_cap_per_user_day:
        raise PolicyDenied(f"Daily download limit reached ({policy.download_cap_per_user_day} reads "
                           "per person per day, downloads and releases to other agencies together).",
                           code="download_cap_day")


def _require_evidence_role(user) -> None:
    """Holds and exports are booked by the investigator who writes the report (policy.roles)."""
    if not user.can(Capability.HANDLE_EVIDENCE):
        raise PolicyDenied("Your role does not place evidence holds or export evidence.",
                           code="evidence_role")


@enforces("USE-7")
def plate_reads_download(*, actor: Actor, justification, read_ids, purpose: str, recipient: str = ""):
    """Save reads as an evidence package (retention's evidence store), within the policy's caps.

    Per request at most ``download_cap_per_request`` reads, per person per day at most
    ``download_cap_per_user_day`` (with the reads they released to other agencies): mass download is
    impossible. Returns the evidence package.
    """
    read_ids = list(dict.fromkeys(int(read_id) for read_id in read_ids))
    purpose = (purpose or "").strip()
    query = {"read_ids": read_ids, "purpose": purpose, "recipient": recipient,
             "justification": getattr(justification, "pk", None)}
    with refusals_recorded(actor=actor, action=actions.READ_DOWNLOADED, query=query,
                           targets=[f"read:{read_id}" for read_id in read_ids],
                           **_justification_fields(justification)):
        user = _checked_user(actor, justification, kind=JustificationKind.CASE)
        _require_evidence_role(user)
        policy = current_policy()
        if not read_ids:
            raise ApplicationError("Choose the read to download.")
        if len(read_ids) > policy.download_cap_per_request:
            raise PolicyDenied(f"Downloads are per record: at most {policy.download_cap_per_request} "
                               "read(s) per request.", code="download_cap_request")
        _check_download_purpose(purpose)
        _check_download_recipient(recipient)
        create = _retention_service("evidence_package_create")
        with transaction.atomic():
            _downloads_today_allow(user, len(read_ids), policy)
            oldest = policy.retention_cutoff()
            for read_id in read_ids:
                _read_scope(user=user, justification=justification, read_id=read_id, export=True)
                if selectors.read_by_id(read_id, since=oldest, held_case=justification.case_number) is None:
                    raise NotFound(f"No such read: {read_id}.")
            package = create(actor=actor, read_ids=read_ids, purpose=purpose,
                             case_number=justification.case_number, description=justification.description,
                             recipient=recipient)
            package_ref = str(getattr(package, "pk", "") or "")
            Download.objects.bulk_create([
                Download(user=user, justification_id=justification.pk, read_id=read_id, purpose=purpose,
                         package_ref=package_ref) for read_id in read_ids])
            audit_record(actor=actor, action=actions.READ_DOWNLOADED, query={**query, "package": package_ref},
                         result_count=len(read_ids), targets=[f"read:{read_id}" for read_id in read_ids],
                         **justification.audit_fields())
    return package


# --- outside agencies (SHR-1, SHR-5, SHR-6) --------------------------------------------------------

@enforces("SHR-4", "SHR-5", "SHR-6", "AUD-1")
def partner_plate_reads_search(*, actor: Actor, person_id: int, purpose: str, case_number: str,
                               description: str, plate: str, mode: str = SearchMode.EXACT,
                               since: datetime | str | None = None, until: datetime | str | None = None,
                               page: int | str = 1, per_page: int = PER_PAGE) -> SearchResults:
    """Search for a partner agency's person (the partner API): one audited page of our own reads.

    The agency must be allowed data now (declaration in force, not revoked, deletions certified,
    sharing on), and the search passes the officer's gate (purpose, case number, specific
    description). Results are this department's own reads only (SHR-6: the selectors leave out
    reads received from other agencies); each is registered as shared with the agency (RET-5), and
    the search is counted for the monthly report (SHR-5). Asking for immigration enforcement or
    reproductive health care is refused, flagged, and revokes the agency (SHR-4), even one blocked at the
    time. ``since``, ``until`` and ``page`` may come as sent (ISO 8601 text, digits): one that does not
    read is refused and recorded here like any other fault of the request (AUD-1).
    """
    purpose, description = (purpose or "").strip(), (description or "").strip()
    case_number = (case_number or "").strip().upper()
    fields = {"purpose": purpose[:64], "case_number": case_number[:64],
              "description": description[:OUTSIDE_DESCRIPTION_MAX_LENGTH * 2]}
    query = {"plate": (plate or "").strip().upper()[:32], "mode": str(mode)[:32],
             "page": page if isinstance(page, int) else str(page)[:32], "partner_person": person_id}
    person = None
    try:
        with refusals_recorded(actor=actor, action=actions.PLATE_SEARCHED, query=query, **fields):
            person = partner_person_for_search(person_id)
            query["agency"] = person.agency.ori
            outside_justification_check(purpose=purpose, case_number=case_number, description=description)
            partner_agency_may_search(person)
            normalized, mode = _plate_query(plate, mode)
            window = _window(_submitted_moment(since, "since"), _submitted_moment(until, "until"),
                             default=DEFAULT_WINDOW)
            number, per_page = _page_bounds(_submitted_page(page), per_page)
            query.update(plate=normalized, mode=mode, page=number, since=window.since.isoformat(),
                         until=window.until.isoformat(), window_clamped=window.clamped, per_page=per_page)
            with transaction.atomic():
                _partner_search_allowed(person)
                if number > 1 and partner_first_page_recorded(person, plate_query=normalized,
                                                              purpose=fields["purpose"],
                                                              case_number=fields["case_number"]):
                    query["continues_search"] = True
                result = selectors.reads_by_plate(query=normalized, mode=mode, since=window.since,
                                                  until=window.until, limit=per_page,
                                                  offset=(number - 1) * per_page)
                audit_record(actor=actor, action=actions.PLATE_SEARCHED, query=query,
                             result_count=result.total, targets=_read_targets(result.rows), **fields)
                partner_search_record(actor=actor, person=person, plate_query=normalized,
                                      result_count=result.total, read_ids=[row.id for row in result.rows],
                                      page=number, continues_search=query.get("continues_search", False),
                                      **fields)
    except ProhibitedPurpose as refused:
        if person is not None and refused.purpose_code in SHARING_MISUSE_CODES:
            agency_revoke_for_misuse(agency_id=person.agency_id, what="a partner search",
                                     purpose_label=refused.purpose_code.replace("_", " "))
        raise
    return SearchResults(page=result, number=number, per_page=per_page, window=window, query=query)


def _submitted_moment(value: datetime | str | None, name: str) -> datetime | None:
    """``value`` as a date and time (ISO 8601 text as sent; no zone means this department's); None
    when not given."""
    if value is None or isinstance(value, datetime):
        return value
    text = value.strip()
    if not text:
        return None
    try:
        moment = parse_datetime(text[:64])
    except ValueError:
        moment = None
    if moment is None:
        raise ApplicationError(f"{name} is not a date and time: give it as ISO 8601, e.g. "
                               f"2026-12-01T08:00:00Z.", field=name)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _submitted_page(value: int | str) -> int:
    """``value`` as a page number; a lower number than 1 reads as 1 (``_page_bounds``)."""
    if isinstance(value, int):
        return value
    text = str(value).strip() or "1"
    if not re.fullmatch(r"-?[0-9]{1,9}", text):
        raise ApplicationError("page is not a whole number.", field="page")
    return int(text)


def _partner_search_allowed(person) -> None:
    """Refuse (429, flagged) a partner person's search past the policy's ``partner_searches_per_hour``."""
    per_hour = current_policy().partner_searches_per_hour
    wait = partner_search_wait(person, per_hour=per_hour)
    if wait:
        searches = f"{per_hour} partner search{'es' if per_hour != 1 else ''}"
        raise TooManyRequests(f"At most {searches} per person per hour (the policy of this department). Try "
                              f"again in {math.ceil(wait / 60)} minute(s); the auditor sees this refusal.",
                              retry_after=wait, flag_for_audit=True)


@dataclass(frozen=True)
class FederatedResults:
    """Our own page of results, and what each partner agency's network answered (shown, never stored)."""

    local: SearchResults
    partners: list


def _partner_targets(outcomes) -> list[str]:
    """Name each partner asked, and each of its reads shown, in a form no read of ours can take."""
    return [target for outcome in outcomes for target in (
        f"agency:{outcome.agency.ori}",
        *(f"partner-read:{outcome.agency.ori}:{read.read_id}" for read in outcome.reads))]


@enforces("USE-1", "AUD-1", "SHR-4", "SHR-6")
def plate_reads_search_with_partners(*, actor: Actor, justification, plate: str,
                                     mode: str = SearchMode.EXACT, since: datetime | None = None,
                                     until: datetime | None = None, camera_ids=(), area: Area | None = None,
                                     page: int = 1) -> FederatedResults:
    """Search our reads and, in parallel, the networks of the partner agencies (Oak Park GO 4-68 IX.1).

    Checked first, as our own search is (nothing leaves for a search we would refuse); each partner
    then receives the same purpose, case number and description and applies its own gate. One audit
    row names every partner asked, its outcome and count and the reads it showed, in the transaction
    of our own search's row; when our search fails after the partners were asked, that row is still
    written, as refused or failed, so no outbound search goes unrecorded.
    """
    query = {"plate": (plate or "").strip().upper()[:32], "mode": mode, "page": page,
             "justification": getattr(justification, "pk", None)}
    fields = _justification_fields(justification)
    with refusals_recorded(actor=actor, action=actions.PARTNER_NETWORKS_SEARCHED, query=query, **fields):
        _checked_user(actor, justification, kind=JustificationKind.CASE)
        normalized, checked_mode = _plate_query(plate, mode)
        window = _window(since, until, default=DEFAULT_WINDOW)
        _page_bounds(page, PER_PAGE)
        calls, skipped = federation.partner_calls(user=actor.user)
    asked = federation.partners_search(calls, federation.PartnerQuery(
        purpose=justification.purpose, case_number=justification.case_number,
        description=justification.description, plate=normalized, mode=checked_mode, since=window.since,
        until=window.until), timeout=current_policy().partner_search_timeout_seconds)
    outcomes = asked + skipped
    query.update(plate=normalized, mode=checked_mode, since=window.since.isoformat(),
                 until=window.until.isoformat(), partners=[outcome.audit_entry() for outcome in outcomes])
    with refusals_recorded(actor=actor, action=actions.PARTNER_NETWORKS_SEARCHED, query=query,
                           targets=_partner_targets(outcomes), **fields), transaction.atomic():
        local = plate_reads_search(actor=actor, justification=justification, plate=plate, mode=mode,
                                   since=since, until=until, camera_ids=camera_ids, area=area, page=page)
        audit_record(actor=actor, action=actions.PARTNER_NETWORKS_SEARCHED, query=query,
                     result_count=sum(outcome.total for outcome in outcomes),
                     targets=_partner_targets(outcomes), **fields)
    return FederatedResults(local=local, partners=outcomes)


@enforces("SHR-1", "SHR-6", "USE-7", "AUD-1")
def plate_reads_for_release(*, actor: Actor, plates_asked: list[str], since: datetime, until: datetime,
                            purpose: str, case_number: str, description: str, reference: str) -> list:
    """Return our own reads of `plates_asked` in the window, for an approved written request (SHR-1).

    Called by ``sharing.services.request_release`` inside its transaction. Only the reviewer of
    sharing (the administrator) may; reads received from other agencies never come back (SHR-6).
    A release copies reads out of the department as a download does (USE-7): at most the policy's
    ``sharing_reads_per_release`` reads, else refused (a release is evidence for a case, not a bulk
    export), and they count towards the releasing person's ``download_cap_per_user_day`` together with
    their own downloads. The reads are recorded as that person's ``Download`` rows (`reference` names
    the request); the person's row stays locked until the release's transaction ends.
    """
    fields = {"purpose": purpose[:64], "case_number": case_number[:64], "description": description}
    query = {"plates": plates_asked, "reference": reference}
    with refusals_recorded(actor=actor, action=actions.RELEASE_READS_SELECTED, query=query, **fields):
        user = actor.user
        if user is None or not user.can(Capability.REVIEW_SHARING):
            raise PolicyDenied(only_who_may(Capability.REVIEW_SHARING,
                                            doing="release data to other agencies"))
        ensure_alpr_access(user)
        policy = current_policy()
        cap = policy.sharing_reads_per_release
        window = _window(since, until, default=DEFAULT_WINDOW)
        query.update(since=window.since.isoformat(), until=window.until.isoformat())
        rows = []
        with transaction.atomic():
            for plate in plates_asked:
                rows += selectors.reads_by_plate(query=plates.normalize_plate(plate), mode=SearchMode.EXACT,
                                                 since=window.since, until=window.until, limit=cap + 1).rows
            if len(rows) > cap:
                raise PolicyDenied(f"More than {cap} of our reads match this request: a release carries at "
                                   f"most {cap} read(s) (the policy's cap per release); it is evidence for a "
                                   "case, not a bulk export. Ask the agency to narrow it.",
                                   code="release_cap_request")
            _downloads_today_allow(user, len(rows), policy)
            Download.objects.bulk_create([
                Download(user=user, justification=None, read_id=row.id, purpose=purpose,
                         package_ref=reference) for row in rows])
            audit_record(actor=actor, action=actions.RELEASE_READS_SELECTED, query=query,
                         result_count=len(rows), targets=_read_targets(rows), **fields)
    return rows


# --- audit queries (USE-4) -------------------------------------------------------------------------

@enforces("USE-4")
def audit_trail_lookup(*, actor: Actor, justification, plate: str = "",
                       case_number: str = "") -> list[AuditEvent]:
    """Return audit entries of searches and views that touched a plate or a case (newest first).

    This is what an audit query can see: the log of others' access, never the reads themselves.
    """
    typed_plate, plate = plate or "", plates.normalize_plate(plate)
    case_number = (case_number or "").strip().upper()
    query = {"plate": plate, "case_number": case_number, "justification": getattr(justification, "pk", None)}
    with refusals_recorded(actor=actor, action=actions.AUDIT_LOOKUP, query=query,
                           **_justification_fields(justification)):
        _checked_user(actor, justification, kind=JustificationKind.AUDIT)
        if problem := plates.typed_plate_problem(typed_plate):
            raise ApplicationError(problem, field="plate")
        if not plate and not case_number:
            raise ApplicationError("Give a plate or a case number to look up.", field="plate")
        codes = [action.code for action in _alpr_actions()]
        condition = Q()
        if plate:
            condition |= Q(query__plate=plate)
        if case_number:
            condition |= Q(case_number=case_number)
        with transaction.atomic():
            events = list(AuditEvent.objects.filter(condition, action__in=codes)
                          .exclude(outcome=Outcome.FAILED).order_by("-id")[:AUDIT_LOOKUP_LIMIT])
            audit_record(actor=actor, action=actions.AUDIT_LOOKUP, query=query, result_count=len(events),
                         targets=[f"audit-event:{event.pk}" for event in events[:100]],
                         **justification.audit_fields())
    return events


def _alpr_actions():
    from audit.actions import all_actions

    return [action for action in all_actions() if action.touches_alpr_data]


def _audit_log_with_plates(read, action, *, actor: Actor, justification, filters, **kwargs):
    """Check the reader's audit justification (open, theirs, training current) and run `read` of the
    audit log with leave to show its plate text, in one transaction with the reading's audit entry."""
    query = {**filters.as_query(), "justification": getattr(justification, "pk", None), "plates_shown": True}
    with (refusals_recorded(actor=actor, action=action, query=query, **_justification_fields(justification)),
          transaction.atomic()):
        user = _checked_user(actor, justification, kind=JustificationKind.AUDIT)
        if not user.can(Capability.READ_AUDIT_LOG):
            raise PolicyDenied(only_who_may(Capability.READ_AUDIT_LOG, doing="read the audit log"))
        disclosure = Disclosure(justification_id=justification.pk, audit_fields=justification.audit_fields())
        return read(actor=actor, filters=filters, disclosure=disclosure, **kwargs)


@enforces("USE-4", "AUD-1", "ACC-5")
def audit_log_page_with_plates(*, actor: Actor, justification, filters: AuditFilters, number=1):
    """Return a page of the audit log with the plate text its entries carry (the plate searched, the
    plate of a read viewed, a flag's plates), to an auditor or the administrator under an open audit
    justification. The listing is an audit entry naming the entries shown and the reads they name."""
    return _audit_log_with_plates(audit_selectors.audit_log_page, AUDIT_LOG_VIEWED, actor=actor,
                                  justification=justification, filters=filters, number=number)


@enforces("USE-4", "AUD-1", "ACC-5")
def audit_log_export_with_plates(*, actor: Actor, justification, filters: AuditFilters):
    """Return the audit log's CSV rows with their plate text, under an open audit justification; the
    export is an audit entry naming every read the exported entries name."""
    return _audit_log_with_plates(audit_selectors.audit_log_export, AUDIT_LOG_EXPORTED, actor=actor,
                                  justification=justification, filters=filters)


# --- evidence holds and erroneous-read flags (RET-2, RET-5) ----------------------------------------

def _hold_window(since: datetime | None, until: datetime | None) -> Window:
    """Return a plate hold's window, or raise a clear error: both ends given, the end no later than
    now (a hold keeps reads that exist, it is not a watch list), the start within retention."""
    now = timezone.now()
    policy = current_policy()
    if since is None or until is None:
        raise ApplicationError("A plate hold needs the start and the end of its time window.",
                               field="window_start")
    if until > now:
        raise ApplicationError("A hold keeps reads that exist: its window ends no later than now.",
                               field="window_end")
    if since >= until:
        raise ApplicationError("The start of the time window must be before its end.", field="window_start")
    if since < policy.retention_cutoff(now):
        raise ApplicationError("The window starts within the retention period (the last "
                               f"{policy.retention_days} days): older reads are gone.", field="window_start")
    return Window(since=since, until=until)


def _hold_plate_reads(*, actor: Actor, justification, plate: str, window: Window, query: dict) -> list:
    """List a plate's reads in the window for a hold: a search, audited with the reads as targets."""
    rows = selectors.reads_by_plate(query=plate, mode=SearchMode.EXACT, since=window.since,
                                    until=window.until, limit=selectors.COUNT_CAP).rows
    audit_record(actor=actor, action=actions.PLATE_SEARCHED, query={**query, **_window_query(window)},
                 result_count=len(rows), targets=_read_targets(rows), **justification.audit_fields())
    return rows


@enforces("RET-2", "USE-1", "USE-3", "AUD-1")
def plate_reads_hold(*, actor: Actor, justification, reason: str, read_ids=(), plate: str = "",
                     since: datetime | None = None, until: datetime | None = None):
    """Place an evidence hold for the case of `justification`; return the hold.

    The hold covers reads opened under the justification (each is an audited view), and/or every
    read of `plate` in a past window within retention. Selecting a plate's reads is a search: the
    same gate, role and audit entry (the reads listed are its targets). The hold's case number is the
    justification's; its reason is checked like a search's description (prohibited purposes flagged).
    """
    read_ids = sorted({int(read_id) for read_id in read_ids or ()})
    typed_plate, plate = plate or "", plates.normalize_plate(plate or "")
    reason = (reason or "").strip()
    query = {"plate": plate, "read_ids": read_ids[:100], "for_hold": True, "reason": reason[:1000],
             "justification": getattr(justification, "pk", None)}
    with refusals_recorded(actor=actor, action=retention_actions.HOLD_PLACED, query=query,
                           **_justification_fields(justification)):
        _require_evidence_role(_checked_user(actor, justification, kind=JustificationKind.CASE))
        if problem := plates.typed_plate_problem(typed_plate):
            raise ApplicationError(problem, field="plate")
        stated_reason_check(reason, label="evidence hold", code="hold_reason", field="reason",
                            ask="Say why the case needs these reads kept, e.g. \u201cgetaway car of the "
                                "Oak Street robbery, for the trial\u201d.",
                            vague=("evidence", "hold", "keep", "kept", "retain", "case"))
        if not read_ids and not plate:
            raise ApplicationError("Choose the reads to hold, or a plate and a time window.",
                                   field="read_ids")
        window = _hold_window(since, until) if plate else None
        with transaction.atomic():
            for read_id in read_ids:
                plate_read_get(actor=actor, justification=justification, read_id=read_id)
            if plate:
                _hold_plate_reads(actor=actor, justification=justification, plate=plate, window=window,
                                  query=query)
            return _retention_service("hold_place")(
                actor=actor, case_number=justification.case_number, reason=reason, read_ids=read_ids,
                plate=plate, window_start=window.since if window else None,
                window_end=window.until if window else None)


@enforces("RET-2", "AUD-1")
def hold_reads_list(*, actor: Actor, justification, hold) -> list:
    """Return the reads `hold` keeps, to the person who placed it, under their open justification for the
    hold's case (as a single held read opens: see ``_read_scope``)."""
    query = {"hold": hold.pk, "justification": getattr(justification, "pk", None)}
    with refusals_recorded(actor=actor, action=retention_actions.HOLD_VIEWED, query=query,
                           targets=[f"hold:{hold.pk}"], **_justification_fields(justification)):
        user = _checked_user(actor, justification, kind=JustificationKind.CASE)
        if hold.placed_by_id != user.pk:
            raise PolicyDenied("The reads of a hold are listed to the person who placed it; search for the "
                               "reads you need under your own justification.", code="outside_hold_scope")
        if justification.case_number != hold.case_number:
            raise PolicyDenied(f"The reads of this hold are shown under a justification for case "
                               f"{hold.case_number}.", code="outside_case")
        with transaction.atomic():
            reads = retention_selectors.hold_reads(hold)
            audit_record(actor=actor, action=retention_actions.HOLD_VIEWED, query=query,
                         result_count=len(reads), targets=[f"hold:{hold.pk}", *_read_targets(reads)],
                         **justification.audit_fields())
    return reads


@enforces("RET-5", "AUD-1")
def plate_read_flag(*, actor: Actor, justification, read_id: int, kind: str, note: str,
                    suggested_plate: str = ""):
    """Flag as erroneous a read the person may open under `justification` (the opening is audited)."""
    query = {"kind": kind, "note": note, "justification": getattr(justification, "pk", None)}
    with (refusals_recorded(actor=actor, action=retention_actions.READ_FLAGGED, targets=[f"read:{read_id}"],
                            query=query, **_justification_fields(justification)),
          transaction.atomic()):
        plate_read_get(actor=actor, justification=justification, read_id=read_id)
        return _retention_service("read_flag_erroneous")(
            actor=actor, read_id=read_id, kind=kind, note=note, suggested_plate=suggested_plate)


@enforces("RET-5", "AUD-1")
def flagged_reads_list(*, actor: Actor, justification, read_ids) -> dict:
    """Return {read id: summary} of flagged reads for the administrator reviewing the flags.

    The reviewer needs the plate as read, the camera and the time to judge a flag; they see them
    under an audit justification (training checked), and the listing is an audit entry.
    """
    read_ids = sorted({int(read_id) for read_id in read_ids})
    query = {"read_ids": read_ids[:100], "justification": getattr(justification, "pk", None)}
    with refusals_recorded(actor=actor, action=retention_actions.FLAGGED_READS_LISTED, query=query,
                           **_justification_fields(justification)):
        user = _checked_user(actor, justification, kind=JustificationKind.AUDIT)
        if not user.can(Capability.MANAGE_RETENTION):
            raise PolicyDenied(only_who_may(Capability.MANAGE_RETENTION, doing="review erroneous-read flags"))
        with transaction.atomic():
            summaries = retention_selectors.read_summaries(read_ids)
            audit_record(actor=actor, action=retention_actions.FLAGGED_READS_LISTED, query=query,
                         result_count=len(summaries), targets=_read_targets(summaries.values()),
                         **justification.audit_fields())
    return summaries


@enforces("RET-4", "USE-7", "AUD-1")
def evidence_package_zip(*, actor: Actor, justification, package_id: int):
    """Return a package and its ZIP (plates, photos, crops: ALPR data) to the person who created it,
    under their open case justification for the package's case; the hand-over is an audit entry.

    No one else gets the ZIP from here: a package released to a partner agency is handed over
    through the sharing partner API, not downloaded by the administrator.
    """
    query = {"justification": getattr(justification, "pk", None)}
    with refusals_recorded(actor=actor, action=retention_actions.EVIDENCE_PACKAGE_DOWNLOADED, query=query,
                           targets=[f"evidence-package-id:{package_id}"],
                           **_justification_fields(justification)):
        user = _checked_user(actor, justification, kind=JustificationKind.CASE)
        _require_evidence_role(user)
        with transaction.atomic():
            package = retention_selectors.package_created_by(user=user, package_id=package_id)
            if package is None:
                raise NotYours("No such evidence package, or it is not yours to hand over.")
            if package.case_number != justification.case_number:
                raise PolicyDenied(f"This package is handed over under a justification for case "
                                   f"{package.case_number}.", code="outside_case")
            archive = _retention_service("package_archive")(package)
            targets = [f"evidence-package:{package.uuid}", *(f"read:{i}" for i in package.read_ids)]
            audit_record(actor=actor, action=retention_actions.EVIDENCE_PACKAGE_DOWNLOADED,
                         query={**query, "manifest_sha256": package.manifest_sha256, "bytes": len(archive)},
                         targets=targets, **justification.audit_fields())
    return package, archive
