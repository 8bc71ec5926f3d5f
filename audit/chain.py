"""The audit hash chain: sealing committed events in order, and verifying the whole chain.

Writers insert events in parallel and never wait for the chain. Only the sealer extends it, under a
PostgreSQL advisory lock, so it cannot fork; positions are a primary key, so it cannot branch even
if two sealers ran. Link ``n`` is ``sha256(previous link's hash + event digest)``, where the event
digest is computed by the database from the event's stored columns (``audit_event_digest``).

No gaps, even for late committers: an event's id is taken at insert, but its transaction may commit
much later. Each event carries its transaction id (``txid``, set by the insert trigger); each sealing
run reads the *horizon* first, the oldest transaction still running, and records it on its links.
Every event below a horizon had committed before that run began and was sealed by it, so the next
run scans only from that horizon on, and an event can be neither skipped nor sealed twice.
"""
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from hashlib import sha256

from django.db import connection, transaction
from django.utils import timezone

from audit.models import AuditSeal
from core.compliance import enforces

GENESIS_HASH = "0" * 64
SEAL_LOCK_KEY = 0x41554454  # any constant; 'AUDT'
SEAL_BATCH = 10000


def link_hash(previous_hash: str, event_hash: str) -> str:
    """Return link n's hash. Its SQL twin `audit_link_hash` (migration 0003) verifies the chain, so a
    disagreement between the two would fail every intact chain in the tests."""
    return sha256(f"{previous_hash}{event_hash}".encode("ascii")).hexdigest()


@dataclass(frozen=True)
class ChainHead:
    position: int
    chain_hash: str
    sealed_at: datetime

    def as_dict(self) -> dict:
        return {"position": self.position, "chain_hash": self.chain_hash,
                "sealed_at": self.sealed_at.isoformat()}


def chain_head() -> ChainHead | None:
    """Return the newest link, to publish so that a later rewrite of the log can be shown."""
    seal = AuditSeal.objects.order_by("-position").only("position", "chain_hash", "sealed_at").first()
    return ChainHead(seal.position, seal.chain_hash, seal.sealed_at) if seal else None


@enforces("AUD-2")
def seal_pending() -> int:
    """Append every committed, unsealed event to the chain; return how many were sealed.

    Returns 0 at once if another sealer holds the lock: that one will seal them.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SEAL_LOCK_KEY])
        if not cursor.fetchone()[0]:
            return 0
        # Read the horizon before anything else: transactions below it have all finished, so all
        # their events are visible to every statement that follows.
        cursor.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
        horizon = cursor.fetchone()[0]
        cursor.execute(
            "SELECT position, chain_hash, horizon FROM audit_auditseal ORDER BY position DESC LIMIT 1"
        )
        head = cursor.fetchone()
        position, previous, floor = head if head else (0, GENESIS_HASH, 0)
        after = (floor, 0)  # keyset over (txid, id): every event with txid >= floor
        sealed = 0
        run = f"\t{timezone.now().isoformat()}\t{horizon}\n"  # sealed_at and horizon of every link
        while window := _events_after(cursor, after):
            after = window[-1][:2]
            lines = []
            for _txid, event_id, event_hash, already_sealed in window:
                if already_sealed:
                    continue
                position += 1
                chained = link_hash(previous, event_hash)
                lines.append(f"{position}\t{event_id}\t{event_hash}\t{previous}\t{chained}{run}")
                previous = chained
            if lines:
                _append_links(cursor, lines)
                sealed += len(lines)
        return sealed


def _append_links(cursor, rows: list[str]) -> None:
    """Insert links given as COPY text rows; COPY is the cheapest way in for a large backlog."""
    with cursor.copy("COPY audit_auditseal (position, event_id, event_hash, previous_hash, chain_hash,"
                     " sealed_at, horizon) FROM STDIN") as copy:
        copy.write("".join(rows))


def _events_after(cursor, after: tuple[int, int]) -> list[tuple[int, int, str, bool]]:
    """Return the next events in (txid, id) order, each with whether it is sealed already.

    Walking the (txid, id) index and probing the seal for each event keeps a run's cost
    proportional to the events since the floor, whatever the planner thinks of the tables.
    """
    cursor.execute(
        """
        SELECT e.txid, e.id, e.content_hash,
               EXISTS (SELECT 1 FROM audit_auditseal s WHERE s.event_id = e.id)
        FROM (SELECT txid, id, content_hash FROM audit_auditevent
              WHERE (txid, id) > (%s, %s) ORDER BY txid, id LIMIT %s) e
        ORDER BY e.txid, e.id
        """,
        [*after, SEAL_BATCH],
    )
    return cursor.fetchall()


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    rows: int  # links verified (up to the first break)
    head_hash: str  # hash of the last good link
    broken_position: int | None = None
    broken_event_id: int | None = None
    problem: str = ""
    unsealed: int = 0  # committed events that should be in the chain and are not
    seconds: float = 0.0
    heads_checked: int = 0  # heads published on the portal, each compared with the link it names

    def as_dict(self) -> dict:
        return asdict(self)


@enforces("AUD-2")
def verify_chain(*, seal_first: bool = True) -> ChainReport:
    """Check the whole chain and report the first break.

    One set-based pass over every link, its event and the link before it, so PostgreSQL can use
    parallel workers (a million links in seconds): each sealed event still exists and hashes,
    recomputed from its columns, to the digest sealed into its link; each link follows the one
    before it, with no position missing, and hashes to its stated value. Every chain head published
    on the portal still names its link's hash: a chain rewritten from some link on and re-hashed to
    its end passes every other check, but not this one. Then a count shows whether a committed event
    below the sealed horizon was left out of the chain.
    """
    started = time.monotonic()
    if seal_first:
        seal_pending()
    outermost = not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if outermost:
            # One snapshot for every check, so a concurrent sealer cannot make them disagree.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        # Room for the hash joins of a million rows in memory instead of spilling them to disk.
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SELECT coalesce(max(position), 0), coalesce(max(horizon), 0) FROM audit_auditseal")
        last, horizon = cursor.fetchone()
        cursor.execute(_BREAKS_SQL, {"last": last, "horizon": horizon, "genesis": GENESIS_HASH})
        *firsts, sealed_below_horizon = cursor.fetchone()
        cursor.execute(_HEADS_SQL)
        heads, first_unmatched_head = cursor.fetchone()
        # At one position, a break inside the chain says more than a published head that differs.
        breaks = sorted([*((position, kind) for kind, position in enumerate(firsts) if position),
                         *([(first_unmatched_head, _HEAD_MISMATCH)] if first_unmatched_head else [])])
        if breaks and breaks[0][1] == _HEAD_MISMATCH:
            return _head_break(cursor, breaks[0][0], last, heads, started)
        if breaks:
            position, event_id, problem = _describe_break(cursor, *breaks[0])
            good = position - 1
            return ChainReport(False, good, _hash_at(cursor, good), position, event_id, problem,
                               seconds=_since(started), heads_checked=heads)
        unsealed, first_unsealed = _unsealed_below(cursor, horizon, sealed_below_horizon)
        head_hash = _hash_at(cursor, last)
    if unsealed:
        problem = (f"{unsealed} committed event(s) are missing from the chain "
                   f"(the first is event {first_unsealed})")
        return ChainReport(False, last, head_hash, None, first_unsealed, problem, unsealed, _since(started),
                           heads)
    return ChainReport(True, last, head_hash, seconds=_since(started), heads_checked=heads)


# Each of the first five columns is the first position with one kind of break.
_BREAKS_SQL = """
SELECT
  min(s.position) FILTER (WHERE s.position > 1 AND p.position IS NULL),
  min(s.position) FILTER (WHERE e.id IS NULL),
  min(s.position) FILTER (WHERE e.content_hash <> s.event_hash OR audit_event_digest(e) <> s.event_hash),
  min(s.position) FILTER (WHERE s.previous_hash <> CASE WHEN s.position = 1 THEN %(genesis)s
                                                          ELSE p.chain_hash END),
  min(s.position) FILTER (WHERE s.chain_hash <> audit_link_hash(s.previous_hash, s.event_hash)),
  count(*) FILTER (WHERE e.txid < %(horizon)s)
FROM audit_auditseal s
LEFT JOIN audit_auditevent e ON e.id = s.event_id
LEFT JOIN audit_auditseal p ON p.position = s.position - 1
WHERE s.position <= %(last)s
"""
_MISSING_LINK = 0
_PROBLEMS = (
    "link {position} is missing",
    "event {event} has been deleted",
    "event {event} has been altered since it was sealed",
    "the link does not follow the link before it",
    "the link's hash does not match its contents",
)


# The heads the portal published (reports.PublishedChainHead, one a day), each looked up by its
# link's position: one index probe per head, not a second pass over the chain. The count, and the
# first position whose link is gone or no longer has the published hash.
_HEADS_SQL = """
SELECT count(*), min(h.position) FILTER (WHERE s.chain_hash IS DISTINCT FROM h.chain_hash)
FROM reports_publishedchainhead h
LEFT JOIN audit_auditseal s ON s.position = h.position
"""
_HEAD_MISMATCH = len(_PROBLEMS)


def _head_break(cursor, position: int, last: int, heads: int, started: float) -> ChainReport:
    """Report the published head at `position` that the chain no longer passes through.

    The chain is consistent up to that link, so it was rewritten and re-hashed from a link after the
    last head that still matches, or cut short: only the links up to that head are vouched for.
    """
    cursor.execute(
        """
        SELECT h.published_on, h.published_at, h.chain_hash, s.chain_hash, s.event_id
        FROM reports_publishedchainhead h LEFT JOIN audit_auditseal s ON s.position = h.position
        WHERE h.position = %s AND s.chain_hash IS DISTINCT FROM h.chain_hash
        ORDER BY h.published_on LIMIT 1
        """,
        [position],
    )
    published_on, published_at, published, found, event_id = cursor.fetchone()
    cursor.execute(
        """
        SELECT h.position, h.chain_hash FROM reports_publishedchainhead h
        JOIN audit_auditseal s ON s.position = h.position AND s.chain_hash = h.chain_hash
        WHERE h.position < %s ORDER BY h.position DESC LIMIT 1
        """,
        [position],
    )
    good, good_hash = cursor.fetchone() or (0, GENESIS_HASH)
    head = (f"the chain head published on {published_on.isoformat()} "
            f"(at {published_at.isoformat(timespec='seconds')}) is link {position} with hash {published}")
    if found is None:
        first_missing = _first_missing_up_to(cursor, position)
        missing = (f"link {position} is missing" if first_missing == position
                   else f"links {first_missing} to {position} are missing")
        problem = f"{missing}, but {head}" + (": the chain has been cut short" if position > last else "")
        return ChainReport(False, good, good_hash, first_missing, None, problem,
                           seconds=_since(started), heads_checked=heads)
    where = (f"link {position}" if good + 1 == position
             else f"a link between link {good + 1} and link {position}")
    problem = f"link {position} has hash {found}, but {head}: the chain has been rewritten at {where}"
    return ChainReport(False, good, good_hash, position, event_id, problem,
                       seconds=_since(started), heads_checked=heads)


def _describe_break(cursor, position: int, kind: int) -> tuple[int, int | None, str]:
    if kind == _MISSING_LINK:  # the link before `position` is gone: report the first missing one
        missing = _first_missing_up_to(cursor, position - 1)
        return missing, None, _PROBLEMS[kind].format(position=missing, event=None)
    cursor.execute("SELECT event_id FROM audit_auditseal WHERE position = %s", [position])
    event_id = cursor.fetchone()[0]
    return position, event_id, _PROBLEMS[kind].format(position=position, event=event_id)


def _first_missing_up_to(cursor, position: int) -> int:
    """Return the first position of the run of missing links that ends at `position`."""
    cursor.execute("SELECT coalesce(max(position), 0) + 1 FROM audit_auditseal WHERE position <= %s",
                   [position])
    return cursor.fetchone()[0]


def _unsealed_below(cursor, horizon: int, sealed_below_horizon: int) -> tuple[int, int | None]:
    """Return how many committed events below the horizon are not in the chain, and the first."""
    cursor.execute("SELECT count(*) FROM audit_auditevent WHERE txid < %s", [horizon])
    missing = cursor.fetchone()[0] - sealed_below_horizon
    if missing <= 0:
        return 0, None
    cursor.execute(
        """
        SELECT min(e.id) FROM audit_auditevent e WHERE e.txid < %s
          AND NOT EXISTS (SELECT 1 FROM audit_auditseal s WHERE s.event_id = e.id)
        """,
        [horizon],
    )
    return missing, cursor.fetchone()[0]


def _hash_at(cursor, position: int) -> str:
    if position < 1:
        return GENESIS_HASH
    cursor.execute("SELECT chain_hash FROM audit_auditseal WHERE position = %s", [position])
    row = cursor.fetchone()
    return row[0] if row else ""


def _since(started: float) -> float:
    return round(time.monotonic() - started, 3)


@dataclass(frozen=True)
class ChainShape:
    """Counts that show a chain's shape at a glance: for the benchmark and the tests."""

    links: int
    events: int
    forks: int  # links that share a predecessor with another link
    gaps: int  # positions missing below the head, plus events not in the chain


def chain_shape() -> ChainShape:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*), coalesce(max(position), 0), count(*) - count(DISTINCT previous_hash),
                   (SELECT count(*) FROM audit_auditevent),
                   (SELECT count(*) FROM audit_auditevent e
                    WHERE NOT EXISTS (SELECT 1 FROM audit_auditseal s WHERE s.event_id = e.id))
            FROM audit_auditseal
            """
        )
        links, head, forks, events, unsealed = cursor.fetchone()
    return ChainShape(links=links, events=events, forks=forks, gaps=(head - links) + unsealed)
