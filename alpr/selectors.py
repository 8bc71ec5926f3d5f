"""Read queries on plate reads: the SQL behind every search. Called only by ``alpr.access``.

Nothing here checks who asks or writes an audit entry: that is the access layer's job, and
``alpr/tests/test_access_boundary.py`` keeps everyone else out of this module. The benchmark
(``manage.py bench_search``) times these same functions.

Index plan (created by the searches app's migrations on the partitioned parent, so every day
partition has them):
    exact            (plate, captured_at)                         from alpr 0001
    partial plate    GIN (plate gin_trgm_ops)                    pg_trgm: any run of 3 known chars
    look-alike       (alpr_fold_plate(plate) text_pattern_ops, captured_at)
    + one edit       the same, and (reverse(alpr_fold_plate(plate)) text_pattern_ops): see
                     ``alpr.plates.one_edit_anchors``; levenshtein() (fuzzystrmatch) checks candidates
    canvass/area     (camera_id, captured_at) for cameras placed near the point now or before a move,
                     each read then checked by the place it was taken at (camera_latitude); and a
                     partial (latitude, captured_at) index for reads that carry their own position
    held reads       the primary key (id, captured_at): reads older than retention that an evidence
                     hold keeps are few, and are added by id (see ``_branches``)
"""
import hashlib
import math
import re
import weakref
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import connection
from django.db.models import Q, QuerySet
from psycopg.pq import TransactionStatus

from alpr import plates
from alpr.geo import EARTH_RADIUS_M
from alpr.models import Camera, PlateRead, ReadStatus
from hotlists.models import Alert, alert_open_condition
from reports.models import CameraLocationHistory
from retention.models import ErroneousRead, EvidenceHold, HeldRead
from retention.selectors import erroneous_read_ids, held_reads_condition
from searches.models import JustificationRead

# Counting stops here: the exact size of a huge result is not worth a slow query, and nobody pages
# through more than this (a search that broad should be narrowed).
COUNT_CAP = 1000


class SearchMode:
    EXACT = "exact"
    PARTIAL = "partial"
    MISREAD = "misread"
    MISREAD_EDIT = "misread_edit"
    ALL = (EXACT, PARTIAL, MISREAD, MISREAD_EDIT)


@dataclass(frozen=True)
class Area:
    """A circle on the map: centre in decimal degrees, radius in metres."""

    latitude: float
    longitude: float
    radius_m: float

    def bounding_box(self) -> tuple[float, float, float, float]:
        """Return (lat_min, lat_max, lon_min, lon_max) enclosing the circle."""
        dlat = math.degrees(self.radius_m / EARTH_RADIUS_M)
        cos_lat = max(math.cos(math.radians(self.latitude)), 1e-6)
        dlon = math.degrees(self.radius_m / (EARTH_RADIUS_M * cos_lat))
        return self.latitude - dlat, self.latitude + dlat, self.longitude - dlon, self.longitude + dlon


@dataclass(frozen=True)
class ReadRow:
    """One result row: what a results table shows, nothing more."""

    id: int
    captured_at: datetime
    camera_id: int
    camera_name: str
    plate: str
    state: str | None
    confidence: float | None
    has_crop: bool
    # Where the camera was registered when it took the photo (not where it is now).
    camera_location: str
    camera_latitude: Decimal | None
    camera_longitude: Decimal | None
    distance_m: float | None = None
    match_kind: plates.MatchKind | None = None


@dataclass(frozen=True)
class ResultPage:
    rows: list[ReadRow]
    total: int  # capped at COUNT_CAP
    total_capped: bool


def _haversine_sql(lat: str, lon: str) -> str:
    return (f"(2 * {EARTH_RADIUS_M} * asin(least(1, sqrt("
            f"power(sin(radians({lat}::float8 - %(lat)s) / 2), 2) + cos(radians(%(lat)s)) * "
            f"cos(radians({lat}::float8)) * power(sin(radians({lon}::float8 - %(lon)s) / 2), 2)))))")


def cameras_within(area: Area) -> list[int]:
    """Return the ids of cameras registered inside the bounding box of `area`, now or before a move: the
    cameras whose reads may have been taken there. Each read's own place is checked against the circle in
    SQL (``_area_clause``), so the list is a superset and never decides alone."""
    lat_lo, lat_hi, lon_lo, lon_hi = area.bounding_box()
    now = Camera.objects.filter(latitude__gte=lat_lo, latitude__lte=lat_hi,
                                longitude__gte=lon_lo, longitude__lte=lon_hi).values_list("pk", flat=True)
    ids = set(now)
    # Every place a move took a camera to or from: with the registry, all the places its reads can have.
    for prefix in ("", "previous_"):
        ids.update(CameraLocationHistory.objects.filter(**{
            f"{prefix}latitude__gte": lat_lo, f"{prefix}latitude__lte": lat_hi,
            f"{prefix}longitude__gte": lon_lo, f"{prefix}longitude__lte": lon_hi,
        }).values_list("camera_id", flat=True))
    return sorted(ids)


def _area_clause(area: Area, params: dict) -> str:
    """Reads taken inside `area`: by the position their device sent (mobile cameras), else by where
    their camera was registered when they were taken (``PlateRead.camera_latitude``), never by where it
    is now. The camera list keeps the second branch on the (camera_id, captured_at) index."""
    lat_lo, lat_hi, lon_lo, lon_hi = area.bounding_box()
    params.update(lat=area.latitude, lon=area.longitude, radius=area.radius_m, near=cameras_within(area),
                  lat_lo=lat_lo, lat_hi=lat_hi, lon_lo=lon_lo, lon_hi=lon_hi)
    return ("((r.latitude IS NULL AND r.camera_id = ANY(%(near)s) "
            "AND r.camera_latitude BETWEEN %(lat_lo)s AND %(lat_hi)s "
            "AND r.camera_longitude BETWEEN %(lon_lo)s AND %(lon_hi)s"
            f" AND {_haversine_sql('r.camera_latitude', 'r.camera_longitude')} <= %(radius)s) OR "
            "(r.latitude BETWEEN %(lat_lo)s AND %(lat_hi)s AND r.longitude BETWEEN %(lon_lo)s AND %(lon_hi)s"
            f" AND {_haversine_sql('r.latitude', 'r.longitude')} <= %(radius)s))")


def _plate_clause(mode: str, query: str, params: dict) -> str:
    fold = plates.FOLD_SQL_FUNCTION
    if mode == SearchMode.EXACT:
        params["plate"] = query
        return "r.plate = %(plate)s"
    if mode == SearchMode.PARTIAL:
        # The trigram index gets only the known runs, unanchored ('%7K2%'): an anchored pattern also
        # yields the padded trigram of its first character, which matches 1/36 of all reads and
        # makes the index scan slow. The exact pattern is then checked on the candidates
        # (``|| ''`` keeps it off the index).
        runs = [run for run in re.split(r"[?*]", query) if len(run) >= plates.MIN_KNOWN_RUN]
        params.update(like=plates.wildcard_to_like(query), infix="%" + "%".join(runs) + "%")
        return "r.plate LIKE %(infix)s AND (r.plate || '') LIKE %(like)s"
    folded = plates.fold_plate(query)
    params["folded"] = folded
    if mode == SearchMode.MISREAD:
        return f"{fold}(r.plate) = %(folded)s"
    if mode == SearchMode.MISREAD_EDIT:
        # Prefix ranges with the pattern operators, not LIKE 'x%': a generic plan (see _fetch) cannot
        # turn a LIKE parameter into an index range, but it can use these.
        prefix, reversed_suffix = plates.one_edit_anchors(folded)
        params.update(prefix=prefix, prefix_end=_successor(prefix), rsuffix=reversed_suffix,
                      rsuffix_end=_successor(reversed_suffix))
        return (f"(({fold}(r.plate) ~>=~ %(prefix)s AND {fold}(r.plate) ~<~ %(prefix_end)s) OR "
                f"(reverse({fold}(r.plate)) ~>=~ %(rsuffix)s "
                f"AND reverse({fold}(r.plate)) ~<~ %(rsuffix_end)s)) "
                f"AND levenshtein({fold}(r.plate), %(folded)s) <= 1")
    raise ValueError(f"unknown search mode {mode!r}")


def _successor(prefix: str) -> str:
    """Return the smallest string greater than every string starting with `prefix` (bytewise)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _own_done_clause(params: dict) -> str:
    """This department's finished reads. Reads received from other agencies are not searchable
    here (SHR-6), nor reads still being recognised, nor reads confirmed erroneous (RET-5)."""
    params["done"] = ReadStatus.DONE
    return ("r.status = %(done)s AND (r.origin_agency IS NULL OR r.origin_agency = '') "
            f"AND NOT EXISTS (SELECT 1 FROM {ErroneousRead._meta.db_table} e WHERE e.read_id = r.id)")


def _held_reads(since: datetime, until: datetime, case_number: str) -> QuerySet:
    """Reads captured in [since, until) that an active evidence hold for `case_number` keeps (RET-2)."""
    return PlateRead.system_objects.filter(held_reads_condition(case_number=case_number),
                                           captured_at__gte=since, captured_at__lt=until)


def held_reads_exist(since: datetime, until: datetime, *, case_number: str) -> bool:
    """Return whether an active evidence hold for `case_number` keeps a read captured in [since, until)."""
    return since < until and _held_reads(since, until, case_number).exists()


def _branches(where: str, params: dict, *, since: datetime, until: datetime,
              held_since: datetime | None, held_case: str) -> list[str]:
    """Return the WHERE clause of each part of a search, to be joined by UNION ALL.

    The first part is `where` in [since, until): the normal window, one fast statement. When a
    search reaches back past retention (`held_since` before `since`), the reads the evidence holds of
    its case (`held_case`) keep from `held_since` to `since` form a second part, by id: they are few,
    and asking for them apart leaves the first part's plan as it is. Without such reads the search is
    the first part alone.
    """
    params.update(since=since, until=until)
    branches = [f"{where} AND r.captured_at >= %(since)s AND r.captured_at < %(until)s"]
    held_until = min(since, until)
    held = []
    if held_since and held_case and held_since < held_until:
        held = list(_held_reads(held_since, held_until, held_case).values_list("pk", flat=True))
    if held:
        params.update(held=held, held_since=held_since, held_until=held_until)
        branches.append(f"{where} AND r.id = ANY(%(held)s) AND r.captured_at >= %(held_since)s "
                        "AND r.captured_at < %(held_until)s")
    return branches


def _fetch(sql: str, params: dict, *, generic: bool = True) -> list[tuple]:
    """Run a search as a prepared statement with a generic plan.

    Why: with 30 day partitions and their indexes, *planning* a search costs ~10 ms while running
    it costs well under 1 ms. A statement is prepared once per connection (``PREPARE``: Django
    turns off psycopg's own prepared statements); its generic plan prunes day partitions at execution
    time from the window parameters. Same connection, same transaction as the caller.
    """
    names: list[str] = []

    def placeholder(match) -> str:
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    body = _PARAM.sub(placeholder, sql)
    statement = "alpr_search_" + hashlib.sha1(body.encode(), usedforsecurity=False).hexdigest()[:20]
    with connection.cursor() as cursor:
        prepared = _prepared.setdefault(connection.connection, set())
        if statement not in prepared:
            cursor.execute(f"PREPARE {statement} AS {body}")
            prepared.add(statement)
        # Patterns and prefix ranges need their values at planning time to choose the right index.
        cursor.execute(f"SET plan_cache_mode = {'force_generic_plan' if generic else 'force_custom_plan'}")
        try:
            cursor.execute(f"EXECUTE {statement}({', '.join(['%s'] * len(names))})",
                           [params[name] for name in names])
            return cursor.fetchall()
        finally:
            if connection.connection.info.transaction_status != TransactionStatus.INERROR:
                cursor.execute("RESET plan_cache_mode")


_PARAM = re.compile(r"%\((\w+)\)s")
# Statements prepared on each open database connection (they live as long as the session).
_prepared: "weakref.WeakKeyDictionary[object, set[str]]" = weakref.WeakKeyDictionary()


def _run(branches: list[str], params: dict, *, limit: int, offset: int, distance_sql: str = "NULL",
         generic: bool = True) -> ResultPage:
    """Return one page of the reads matching any of `branches`, newest first, and their number (capped).

    One statement: the newest COUNT_CAP + 1 matches of each branch are fetched once, counted and
    paged (pages never reach past COUNT_CAP, see ``alpr.access``, so they lie among those).
    """
    hits = " UNION ALL ".join(
        "(SELECT r.id, r.captured_at, r.camera_id, r.plate, r.state, r.confidence, "
        "r.crop_path <> '' AS has_crop, r.camera_location, r.camera_latitude, r.camera_longitude, "
        f"{distance_sql} AS distance FROM alpr_plateread r "
        f"WHERE {where} ORDER BY r.captured_at DESC, r.id DESC LIMIT %(cap)s)" for where in branches)
    sql = (
        f"WITH hits AS MATERIALIZED ({hits}) "
        "SELECT h.id, h.captured_at, h.camera_id, c.name, h.plate, h.state, h.confidence, h.has_crop, "
        "h.camera_location, h.camera_latitude, h.camera_longitude, h.distance, count(*) OVER () "
        "FROM hits h JOIN alpr_camera c ON c.id = h.camera_id "
        "ORDER BY h.captured_at DESC, h.id DESC LIMIT %(limit)s OFFSET %(offset)s"
    )
    params.update(limit=limit, offset=offset, cap=COUNT_CAP + 1)
    rows = _fetch(sql, params, generic=generic)
    total = rows[0][-1] if rows else 0
    if not rows and offset:
        total = _count(branches, params)
    return ResultPage(rows=[ReadRow(*row[:-1]) for row in rows], total=min(total, COUNT_CAP),
                      total_capped=total > COUNT_CAP)


def _count(branches: list[str], params: dict) -> int:
    """Count matches (capped) when the requested page lies past the last one."""
    parts = " UNION ALL ".join(f"(SELECT 1 FROM alpr_plateread r WHERE {where} LIMIT %(cap)s)"
                               for where in branches)
    return _fetch(f"SELECT count(*) FROM ({parts}) hits", params)[0][0]


def reads_by_plate(*, query: str, mode: str, since: datetime, until: datetime,
                   held_since: datetime | None = None, held_case: str = "",
                   camera_ids: list[int] | None = None, area: Area | None = None, limit: int,
                   offset: int = 0) -> ResultPage:
    """Return one page of reads whose plate matches `query` under `mode`, newest first.

    `query` is a normalised plate, or a pattern for the partial mode; each row says how it matched.
    Reads captured in [since, until) match, and with `held_since` also those captured in
    [held_since, since) that an evidence hold for case `held_case` keeps.
    """
    params: dict = {}
    where = [_own_done_clause(params), _plate_clause(mode, query, params)]
    if camera_ids:
        params["cameras"] = list(camera_ids)
        where.append("r.camera_id = ANY(%(cameras)s)")
    if area is not None:
        where.append(_area_clause(area, params))
    branches = _branches(" AND ".join(where), params, since=since, until=until, held_since=held_since,
                         held_case=held_case)
    page = _run(branches, params, limit=limit, offset=offset,
                generic=mode not in (SearchMode.PARTIAL, SearchMode.MISREAD_EDIT))
    allow_edit = mode == SearchMode.MISREAD_EDIT
    rows = [_with_kind(row, plates.classify_match(query, row.plate, allow_one_edit=allow_edit))
            for row in page.rows]
    return ResultPage(rows=rows, total=page.total, total_capped=page.total_capped)


def reads_near(*, area: Area, since: datetime, until: datetime, held_since: datetime | None = None,
               held_case: str = "", limit: int, offset: int = 0) -> ResultPage:
    """Return one page of reads inside `area` during [since, until), newest first (a canvass).

    With `held_since`, also the reads inside `area` in [held_since, since) that an evidence hold for
    case `held_case` keeps.
    """
    params: dict = {}
    where = " AND ".join([_own_done_clause(params), _area_clause(area, params)])
    branches = _branches(where, params, since=since, until=until, held_since=held_since,
                         held_case=held_case)
    # Not COALESCE: least() ignores NULLs, so the haversine of a missing position is not NULL.
    distance = (f"CASE WHEN r.latitude IS NOT NULL THEN {_haversine_sql('r.latitude', 'r.longitude')} "
                f"ELSE {_haversine_sql('r.camera_latitude', 'r.camera_longitude')} END")
    return _run(branches, params, limit=limit, offset=offset, distance_sql=distance)


def _with_kind(row: ReadRow, kind) -> ReadRow:
    return ReadRow(**{**row.__dict__, "match_kind": kind})


def read_by_id(read_id: int, *, since: datetime, held_case: str | None = None) -> PlateRead | None:
    """Return one of this department's finished reads, with its camera: captured since `since`, or
    earlier and kept by an active evidence hold (RET-2); with `held_case`, a hold for that case."""
    held = held_reads_condition(case_number=held_case)
    return (PlateRead.system_objects.select_related("camera")
            .filter(Q(captured_at__gte=since) | held, pk=read_id, status=ReadStatus.DONE)
            .exclude(origin_agency__gt="").first())


# --- the read scope of a justification (see ``alpr.access``, single reads) -----------------------------

def read_listed_under(*, justification_id: int, read_id: int) -> bool:
    """Return whether a search under the justification listed `read_id` in its results."""
    return JustificationRead.objects.filter(justification_id=justification_id, read_id=read_id,
                                            listed_at__isnull=False).exists()


def read_of_alert(read_id: int, *, since: datetime, case_number: str | None = None) -> bool:
    """Return whether `read_id` raised an alert still open in the inbox (``alert_open_condition``: raised
    `since`, the policy's ``alert_inbox_cutoff``; unverified, or confirmed with no action recorded yet),
    its read not confirmed erroneous; with `case_number`, an alert of an entry for that case."""
    alerts = Alert.objects.filter(alert_open_condition(since=since), read_id=read_id)
    if case_number is not None:
        alerts = alerts.filter(entry__case_number__iexact=case_number)
    return alerts.exclude(read_id__in=erroneous_read_ids()).exists()


def read_held_by(*, read_id: int, placed_by_id: int, case_number: str) -> bool:
    """Return whether an active evidence hold that `placed_by_id` placed for `case_number` covers
    `read_id` (lists it in ``HeldRead``: chosen by number, or taken by its plate window when placed).

    The placer is who the hold binds to: a case number is typed by whoever states a justification,
    so it alone opens nothing (another officer's justification for the same case number does not).
    """
    if not case_number:
        return False
    holds = EvidenceHold.objects.filter(released_at__isnull=True, placed_by_id=placed_by_id,
                                        case_number__iexact=case_number)
    held = HeldRead.objects.filter(hold__in=holds, read_id=read_id).values("read_id")
    return PlateRead.system_objects.filter(pk__in=held, pk=read_id).exists()


def read_opened_under(*, justification_id: int, read_id: int) -> bool:
    return JustificationRead.objects.filter(justification_id=justification_id, read_id=read_id,
                                            opened_at__isnull=False).exists()


def reads_opened_count(justification_id: int) -> int:
    """Return how many distinct reads were opened under the justification."""
    return JustificationRead.objects.filter(justification_id=justification_id,
                                            opened_at__isnull=False).count()
