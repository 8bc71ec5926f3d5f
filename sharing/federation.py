"""Our officers' searches of partner agencies' networks (Oak Park GO 4-68 IX.1), the other direction
of the partner API: this department asks each partner's partner API, as the officer, with the key that
partner issued to that officer.

`partner_calls` decides whom to ask (a network the agency agreed we search, an agency that may receive
our data now, a key of this very person) and decrypts that person's keys; `partners_search` asks them
all at once, each within the policy's timeout, and turns each answer into a `PartnerOutcome`: answered
(with its reads), refused (the partner's own gate said no), unavailable (down, slow, or an answer that
is not one) or not searched. Nothing here writes: ``alpr.access.plate_reads_search_with_partners``
audits the whole in the transaction of the officer's own search. Partner reads are shown, never stored
as ours, so they can never be released onward (SHR-6).
"""
import json
import logging
import math
import time
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime

import httpx
from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core.compliance import enforces
from core.errors import ApplicationError
from core.strict_json import strict_loads
from policy.roles import who_may
from sharing import partner_keys
from sharing.models import AgencyStatus, PartnerNetwork, PartnerSearchKey
from sharing.permissions import REVIEW_SHARING
from sharing.selectors import agency_block_reason

logger = logging.getLogger(__name__)

SEARCH_PATH = "api/v1/searches/"
MAX_ANSWER_BYTES = 1 << 20  # a page of at most 50 reads is a few kilobytes
MAX_READS = 50  # the partner API's largest page
MAX_MESSAGE = 300
MAX_READ_ID = 1 << 63  # a bigint primary key, as the partner API's reads have
MAX_PARALLEL = 32  # partners asked at once; more wait their turn within the same deadline


class Status:
    ANSWERED = "answered"
    REFUSED = "refused"
    UNAVAILABLE = "unavailable"
    NOT_SEARCHED = "not_searched"
    LABELS = {ANSWERED: "Answered", REFUSED: "Refused", UNAVAILABLE: "Unavailable",
              NOT_SEARCHED: "Not searched"}


@dataclass(frozen=True)
class PartnerQuery:
    """What goes to every partner: the officer's own justification and the plate search."""

    purpose: str
    case_number: str
    description: str
    plate: str
    mode: str
    since: datetime
    until: datetime

    def body(self) -> dict:
        return {"purpose": self.purpose, "case_number": self.case_number, "description": self.description,
                "plate": self.plate, "mode": self.mode, "since": self.since.isoformat(),
                "until": self.until.isoformat()}


@dataclass(frozen=True)
class PartnerAgency:
    name: str
    ori: str
    contact_name: str
    contact_email: str


@dataclass(frozen=True)
class PartnerCall:
    agency: PartnerAgency
    url: str
    key: str = field(repr=False)  # the person's own key, decrypted for this search only


@dataclass(frozen=True)
class PartnerRead:
    """One read as a partner's network answered it: shown to the officer, never stored."""

    read_id: int
    captured_at: datetime
    plate: str
    state: str
    confidence: float | None
    camera: str


@dataclass(frozen=True)
class PartnerOutcome:
    agency: PartnerAgency
    status: str
    message: str = ""
    total: int = 0
    reads: tuple[PartnerRead, ...] = ()

    @property
    def status_label(self) -> str:
        return Status.LABELS[self.status]

    @property
    def answered(self) -> bool:
        return self.status == Status.ANSWERED

    def audit_entry(self) -> dict:
        """What our audit row keeps of this partner's part: who, the outcome, the count, why."""
        return {"agency": self.agency.ori, "name": self.agency.name, "outcome": self.status,
                "count": self.total, "message": self.message}


# --- whom to ask -------------------------------------------------------------------------------------

def _agency(network: PartnerNetwork) -> PartnerAgency:
    agency = network.agency
    return PartnerAgency(name=agency.name, ori=agency.ori, contact_name=agency.contact_name,
                         contact_email=agency.contact_email)


def searchable_networks():
    """Networks whose agencies agreed that our officers search them (whether in force today or not)."""
    return (PartnerNetwork.objects.filter(searchable=True, agency__status=AgencyStatus.ACTIVE)
            .select_related("agency").prefetch_related("agency__declarations").order_by("agency__name"))


@enforces("SHR-4", "ACC-4")
def partner_calls(*, user) -> tuple[list[PartnerCall], list[PartnerOutcome]]:
    """Return whom `user` may ask now, with their own key, and those left out with the reason.

    Only `user`'s own key is ever loaded: a key a partner issued to one person is never used for
    another's search (ACC-4). An agency that may not receive our data (no declaration in force, an
    overdue deletion certificate) is not asked: the search would send it a plate and a case (SHR-4).
    """
    networks = list(searchable_networks())
    keys = {key.network_id: key for key in PartnerSearchKey.objects.filter(
        user=user, network__in=networks, removed_at__isnull=True)}
    calls, skipped = [], []
    for network in networks:
        agency, key = _agency(network), keys.get(network.pk)
        blocked = agency_block_reason(network.agency)
        if blocked or key is None:
            reason = blocked or (f"{agency.name} has issued you no key; ask {who_may(REVIEW_SHARING)} to "
                                 "store yours.")
            skipped.append(PartnerOutcome(agency=agency, status=Status.NOT_SEARCHED, message=reason))
            continue
        try:
            calls.append(PartnerCall(agency=agency, url=network.api_base_url + SEARCH_PATH,
                                     key=partner_keys.decrypt(key.key_encrypted)))
        except ApplicationError as error:
            skipped.append(PartnerOutcome(agency=agency, status=Status.NOT_SEARCHED, message=error.message))
    return calls, skipped


# --- asking them -------------------------------------------------------------------------------------

def partners_search(calls: list[PartnerCall], query: PartnerQuery, *, timeout: float) -> list[PartnerOutcome]:
    """Ask every partner at once; each has `timeout` seconds. A partner that is down, slow or refuses
    is an outcome like any other: it never fails the search."""
    if not calls:
        return []
    deadline = time.monotonic() + timeout
    executor = ThreadPoolExecutor(max_workers=min(len(calls), MAX_PARALLEL), thread_name_prefix="partner")
    futures = [executor.submit(_ask, call, query, deadline) for call in calls]
    wait(futures, timeout=timeout + 0.5)
    executor.shutdown(wait=False, cancel_futures=True)
    return [future.result() if future.done() else
            PartnerOutcome(agency=call.agency, status=Status.UNAVAILABLE,
                           message=f"No answer within {timeout:g} seconds.")
            for call, future in zip(calls, futures, strict=True)]


def _ask(call: PartnerCall, query: PartnerQuery, deadline: float) -> PartnerOutcome:
    """Send the search to one partner and read its answer; never raises.

    Whatever a partner answers, the officer's search goes on and is audited with every partner asked
    (AUD-1): an answer this code did not foresee is that partner's failure, logged without its key.
    """
    try:
        return _outcome(call.agency, *_post(call, query, deadline))
    except (httpx.HTTPError, OSError, TimeoutError) as error:
        return PartnerOutcome(agency=call.agency, status=Status.UNAVAILABLE, message=_network_problem(error))
    except ValueError:
        return _not_an_answer(call.agency)
    except Exception as error:  # a partner's answer must never fail our search, nor its audit
        logger.error("partner %s: answer not understood (%s)", call.agency.ori, type(error).__name__)
        return _not_an_answer(call.agency)


def _not_an_answer(agency: PartnerAgency) -> PartnerOutcome:
    return PartnerOutcome(agency=agency, status=Status.UNAVAILABLE,
                          message="Its answer was not a partner search result.")


def _decoded(raw: bytes):
    """The JSON of a partner's answer, None when it is none; ValueError when it is hostile (NaN or
    Infinity, nesting deeper than Python recurses: core.strict_json)."""
    try:
        return strict_loads(raw or b"null")
    except json.JSONDecodeError:
        return None


def _post(call: PartnerCall, query: PartnerQuery, deadline: float) -> tuple[int, object]:
    """POST the search; return the status and the decoded JSON body (read up to `MAX_ANSWER_BYTES`)."""
    remaining = max(0.1, deadline - time.monotonic())
    headers = {"Authorization": f"Partner {call.key}", "Accept": "application/json",
               "User-Agent": f"AccountableALPR partner search ({settings.AGENCY_NAME})"}
    with httpx.Client(timeout=httpx.Timeout(remaining), follow_redirects=False) as client, \
            client.stream("POST", call.url, json=query.body(), headers=headers) as response:
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > MAX_ANSWER_BYTES:
                raise ValueError("answer too large")
            if time.monotonic() > deadline:
                raise TimeoutError("answer too slow")
            chunks.append(chunk)
    return response.status_code, _decoded(b"".join(chunks))


def _network_problem(error: Exception) -> str:
    if isinstance(error, httpx.TimeoutException | TimeoutError):
        return "No answer in time."
    if isinstance(error, httpx.ConnectError):
        return "Its network could not be reached."
    return "The connection failed."


def _outcome(agency: PartnerAgency, status: int, body) -> PartnerOutcome:
    if status == 200:
        total, reads = _reads(body)
        return PartnerOutcome(agency=agency, status=Status.ANSWERED, total=total, reads=reads)
    if status in (400, 401, 403):
        return PartnerOutcome(agency=agency, status=Status.REFUSED,
                              message=_their_reason(body) or f"Refused (HTTP {status}).")
    if status == 429:
        return PartnerOutcome(agency=agency, status=Status.UNAVAILABLE,
                              message="Too many searches; try later.")
    return PartnerOutcome(agency=agency, status=Status.UNAVAILABLE, message=f"It answered HTTP {status}.")


def _their_reason(body) -> str:
    """The partner's own words for a refusal: our API's "detail", or the first field error."""
    if not isinstance(body, dict):
        return ""
    reason = body.get("detail")
    if reason is None:
        reason = next((value[0] if isinstance(value, list) and value else value
                       for value in body.values()), "")
    return str(reason)[:MAX_MESSAGE]


def _reads(body) -> tuple[int, tuple[PartnerRead, ...]]:
    """Return the total and the reads of a partner's answer; ValueError when it is not one."""
    if not isinstance(body, dict) or not isinstance(body.get("results"), list):
        raise ValueError("no results")
    total = body.get("total")
    if not isinstance(total, int) or total < 0:
        raise ValueError("no total")
    return total, tuple(_read(row) for row in body["results"][:MAX_READS])


def _read(row) -> PartnerRead:
    """One read of a partner's answer; ValueError when it is not one: a read id that is no database id
    (it names the read in our audit row), a time without its offset (shown as if it were ours)."""
    if not isinstance(row, dict) or not _is_read_id(row.get("read_id")):
        raise ValueError("not a read")
    captured_at = parse_datetime(str(row.get("captured_at") or ""))
    if captured_at is None or timezone.is_naive(captured_at) or not isinstance(row.get("plate"), str):
        raise ValueError("not a read")
    confidence = _confidence(row.get("confidence"))
    camera = row.get("camera") if isinstance(row.get("camera"), dict) else {}
    place = ", ".join(str(camera[part])[:200] for part in ("name", "location") if camera.get(part))
    return PartnerRead(read_id=row["read_id"], captured_at=captured_at, plate=row["plate"][:16],
                       state=str(row.get("state") or "")[:8],
                       confidence=confidence, camera=place)


def _is_read_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < MAX_READ_ID


def _confidence(value) -> float | None:
    """A read's confidence as a finite number, None when absent; ValueError when it is no number."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("confidence is not a number")
    try:
        confidence = float(value)
    except OverflowError:
        raise ValueError("confidence out of range") from None
    if not math.isfinite(confidence):
        raise ValueError("confidence out of range")
    return confidence
