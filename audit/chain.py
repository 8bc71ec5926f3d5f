"""The audit hash chain: sealing committed events in order, and verifying the whole chain.

Only the sealer extends the chain, under a PostgreSQL advisory lock, so the chain cannot fork;
writers never take that lock. Link ``n`` is ``sha256(previous link's hash + event digest)``, where
the event digest is computed by the database from the event's stored columns (``audit_event_digest``).
"""
from dataclasses import dataclass
from datetime import timedelta
from hashlib import sha256

from django.db import connection, transaction
from django.utils import timezone

from audit.models import AuditSeal

GENESIS_HASH = "0" * 64
SEAL_LOCK_KEY = 0x41554454  # any constant; 'AUDT'
SEAL_BATCH = 5000
# Events are sealed in the order their transactions commit. The periodic sealer looks back this
# far for late committers; `verify` and `seal_all` look at the whole table.
RECENT_WINDOW = timedelta(hours=1)


def link_hash(previous_hash: str, event_hash: str) -> str:
    return sha256(f"{previous_hash}{event_hash}".encode("ascii")).hexdigest()


@dataclass(frozen=True)
class ChainHead:
    position: int
    chain_hash: str
    sealed_at: object


def chain_head() -> ChainHead | None:
    """Return the newest link, to publish so that a later rewrite of the log can be shown."""
    seal = AuditSeal.objects.order_by("-position").first()
    return ChainHead(seal.position, seal.chain_hash, seal.sealed_at) if seal else None


def seal_pending(*, whole_table: bool = False) -> int:
    """Append every committed, unsealed event to the chain; return how many were sealed.

    Returns 0 at once if another sealer holds the lock: that one will seal them.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SEAL_LOCK_KEY])
        if not cursor.fetchone()[0]:
            return 0
        head = chain_head()
        position, previous = (head.position, head.chain_hash) if head else (0, GENESIS_HASH)
        since = None if whole_table else timezone.now() - RECENT_WINDOW
        sealed = 0
        while batch := _unsealed_events(cursor, since):
            now = timezone.now()
            links = []
            for event_id, event_hash in batch:
                position += 1
                chained = link_hash(previous, event_hash)
                links.append(
                    AuditSeal(
                        position=position,
                        event_id=event_id,
                        event_hash=event_hash,
                        previous_hash=previous,
                        chain_hash=chained,
                        sealed_at=now,
                    )
                )
                previous = chained
            AuditSeal.objects.bulk_create(links)
            sealed += len(links)
        return sealed


def _unsealed_events(cursor, since) -> list[tuple[int, str]]:
    window = "AND e.occurred_at >= %s" if since else ""
    cursor.execute(
        f"""
        SELECT e.id, e.content_hash FROM audit_auditevent e
        WHERE NOT EXISTS (SELECT 1 FROM audit_auditseal s WHERE s.event_id = e.id) {window}
        ORDER BY e.id LIMIT %s
        """,
        ([since] if since else []) + [SEAL_BATCH],
    )
    return cursor.fetchall()


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    rows: int
    head_hash: str
    broken_position: int | None = None
    broken_event_id: int | None = None
    problem: str = ""


def verify_chain() -> ChainReport:
    """Seal what is pending, then recompute every event digest and link; stop at the first break."""
    seal_pending(whole_table=True)
    previous = GENESIS_HASH
    expected_position = 0
    # A named (server-side) cursor streams the chain instead of loading it whole.
    with transaction.atomic(), connection.connection.cursor(name="audit_verify") as stream:
        stream.itersize = 20000
        stream.execute(
            """
            SELECT s.position, s.event_id, s.event_hash, s.previous_hash, s.chain_hash,
                   e.id, e.content_hash, audit_event_digest(e)
            FROM audit_auditseal s LEFT JOIN audit_auditevent e ON e.id = s.event_id
            ORDER BY s.position
            """
        )
        for row in stream:
            expected_position += 1
            problem = _link_problem(row, expected_position, previous)
            if problem:
                return ChainReport(False, expected_position - 1, previous, row[0], row[1], problem)
            previous = row[4]
    return ChainReport(True, expected_position, previous)


def _link_problem(row, expected_position: int, previous: str) -> str:
    position, event_id, event_hash, previous_hash, chain_hash, found_id, stored, recomputed = row
    if position != expected_position:
        return f"link {expected_position} is missing (next link is {position})"
    if found_id is None:
        return f"event {event_id} has been deleted"
    if recomputed != event_hash or stored != event_hash:
        return f"event {event_id} has been altered since it was sealed"
    if previous_hash != previous:
        return "link does not follow the link before it"
    if chain_hash != link_hash(previous, event_hash):
        return "link hash does not match its contents"
    return ""
