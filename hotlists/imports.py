"""Importing hotlist files: the NCIC hot file, an Illinois LEADS extract and CSV; uploaded or from a folder.

An accepted file *replaces* the previous version of the same list in one transaction: matching sees
either the old list or the new one, never a mix. A rejected file changes nothing. Every file offered
gets an ``ImportRun``: rows accepted, rows rejected and why.

Imported entries expire the policy's ``hotlist_import_valid_hours`` after the import (never past its
``hotlist_entry_max_days``) unless the row says otherwise, so a list that stops being refreshed stops
matching instead of matching stale entries forever (RET-6). Their case number is the record's own
number (the NIC for NCIC).

A file is rejected as a whole when it is not text, is larger than ``HOTLIST_IMPORT_MAX_BYTES``, has
no acceptable row, or when more than ``HOTLIST_IMPORT_MAX_REJECTED_SHARE`` (default 0.2) of its rows
are rejected: a wrong or truncated file must not silently empty a list.

NCIC hot file (the state's extract of NCIC hot records, e.g. ``VEHEXTRT.txt``; fixed width, one record
a line, columns 1-based; trailing columns may be absent). The layout is the one the openalpr_hotlist_import
project's NCIC parser reads (``parsers/ncic.py``, sample record
``V123456789LA057020020190509AB123456  CA2009MC2009YAMACYLMCBLK``)::

    col  len  field
      1   10  NIC (NCIC number); its first letter is the record type (below)
     11    9  ORI (originating agency)
     20    8  entry date, YYYYMMDD
     28   10  plate (LIC), left-justified
     38    2  plate state (LIS); a zero is read as the letter O ("0H" is Ohio), and NCIC's NB (Nebraska)
              is stored as NE, the code the readers use
     40    4  plate year (LIY), may be blank
     44    2  plate type (LIT), e.g. PC
     46    4  vehicle year (VYR)
     50    4  vehicle make (VMA)
     54    3  vehicle model (VMO)
     57    2  vehicle style (VST)
     59    7  vehicle colour (VCO), e.g. BLK/WHI

A first line that does not begin as a NIC does (a letter, then a digit) is the extract's header and
is not a row. Record types
imported: V stolen vehicle, P stolen plate, R stolen Canadian vehicle, F felony vehicle, W wanted
person, M missing person, A Amber alert. The NCIC file's other published types (C supervised release,
H protection order, K protective interest, L violent person, T gang/terrorist member, X sex offender)
are registries and protective records rather than a vehicle to stop: each such row is reported as not
imported, and does not count towards the malformed share below.

Illinois LEADS extract (``ISPLITH.TXT``; fixed width then tagged fields; the layout of the
openalpr_hotlist_import project's LEADS parser, ``parsers/il_leads.py``, sample record
``660JEM  WIPCSTOLEN VYR/05 VMA/DODG VMO/MAG VST/4D VCO/RED     DOT/010315 LDS/V16A0661``)::

    col  len  field
      1    8  plate, left-justified
      9    2  plate state
     11    2  plate type (LIT), e.g. PC
     13    7  record type: STOLEN (vehicle), WANTED (person), MISSING (person)
     20    -  tagged fields ``TAG/value``: VYR vehicle year (two digits), VMA make, VMO model, VST
              style, VCO colour, DOT date of theft (MMDDYY), LDS the LEADS record number

The LEADS record number is the entry's case number (a row without one is rejected); a WANTED or
MISSING record may carry it untagged from column 82, where the published parser reads it. A WANTED or
MISSING record's name, sex, race and date of birth (columns 20-77) are not copied into the list: the
alert names the LEADS record, and the officer who verifies it checks the person in LEADS (USE-8).
LEADS extracts carry no expiry: the entries expire with the import (``hotlist_import_valid_hours``).

CSV: a header row ``Plate Number,Description,State/Province``, optionally followed by the columns
``Case Number`` and ``Expires`` (YYYY-MM-DD). Rows without a case number take the file's (given on
the upload page; for folder imports the file name: ``26-004512.csv`` or ``26-004512__any-label.csv``).

Folder import (``HOTLIST_IMPORT_DIR``): files placed in its ``ncic/``, ``leads/`` or ``csv/``
sub-folder are imported by the periodic task ``hotlists.tasks.import_hotlist_folder`` and moved to
``processed/`` or ``rejected/`` with a ``.report.json`` beside them.
"""
import csv
import hashlib
import io
import json
import logging
import re
import shutil
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from alpr import plates
from audit.context import Actor
from audit.models import Outcome
from audit.services import audit_record, refusals_recorded
from core.errors import ApplicationError
from hotlists import audit_actions as actions
from hotlists import patterns
from hotlists.models import Hotlist, HotlistEntry, HotlistSource, ImportRun, ImportStatus, Priority
from hotlists.services import (
    STATE_CODE,
    case_number_length_problem,
    require_hotlist_editor,
    set_match_keys,
)
from policy.selectors import current_policy
from searches.services import OUTSIDE_CASE_NUMBER

logger = logging.getLogger(__name__)

NCIC_RECORD_TYPES = {
    "V": ("Stolen vehicle", Priority.NORMAL),
    "P": ("Stolen plate", Priority.NORMAL),
    "R": ("Stolen Canadian vehicle", Priority.NORMAL),
    "F": ("Felony vehicle", Priority.HIGH),
    "W": ("Wanted person", Priority.HIGH),
    "M": ("Missing person", Priority.HIGH),
    "A": ("Amber alert", Priority.HIGH),
}
# Published NCIC record types that are registries or protective records, not a vehicle to stop.
NCIC_NOT_IMPORTED = {
    "C": "Supervised release", "H": "Protection order", "K": "Protective interest", "L": "Violent person",
    "T": "Gang/terrorist member", "X": "Sex offender",
}
# LEADS record type -> (the NCIC record type of the same meaning, label, priority).
LEADS_RECORD_TYPES = {
    "STOLEN": ("V", "Stolen vehicle", Priority.NORMAL),
    "WANTED": ("W", "Wanted person", Priority.HIGH),
    "MISSING": ("M", "Missing person", Priority.HIGH),
}
# (name, start, end) with 0-based, end-exclusive offsets.
NCIC_COLUMNS = [("nic", 0, 10), ("ori", 10, 19), ("entry_date", 19, 27), ("plate", 27, 37),
                ("state", 37, 39), ("plate_year", 39, 43), ("plate_type", 43, 45), ("vehicle_year", 45, 49),
                ("vehicle_make", 49, 53), ("vehicle_model", 53, 56), ("vehicle_style", 56, 58),
                ("vehicle_colour", 58, 65)]
NCIC_MIN_LENGTH = 39  # through the plate state
LEADS_COLUMNS = [("plate", 0, 8), ("state", 8, 10), ("plate_type", 10, 12), ("record_type", 12, 19)]
LEADS_TAGS_FROM = 19
LEADS_TAG = re.compile(r"\b([A-Z]{3})/(\S*)")
LEADS_PERSON_NUMBER_FROM = 81
LEADS_RECORD_NUMBER = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,39}$")
CSV_HEADER = ["plate number", "description", "state/province"]
CSV_OPTIONAL = ["case number", "expires"]
DEFAULT_LIST_NAMES = {HotlistSource.NCIC: "NCIC hot file", HotlistSource.LEADS: "LEADS list"}
NIC_PATTERN = re.compile(r"^[A-Z][0-9]{9}$")
NCIC_RECORD_START = re.compile(r"^[A-Za-z][0-9]")
ORI_PATTERN = re.compile(r"^[A-Z]{2}[A-Z0-9]{7}$")
MAX_REPORTED_REJECTIONS = 1000
# Digits as the layouts mean them: str.isdigit() and a regex's \d also take superscripts and other
# scripts' digits, which int() refuses or which no NCIC or LEADS system writes.
ASCII_DIGITS = re.compile(r"[0-9]+")


def _setting(name: str, default):
    return getattr(settings, name, default)


class RowRejected(Exception):
    """A malformed row: reported, and counted towards HOTLIST_IMPORT_MAX_REJECTED_SHARE."""


class ProhibitedRow(RowRejected):
    """A row that names a prohibited purpose (USE-3): rejected, and the import's audit entry flagged."""


class RowNotImported(RowRejected):
    """A well-formed row of a kind this importer does not take: reported, not counted as malformed."""


@dataclass
class ParsedFile:
    entries: list[HotlistEntry] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    rows: int = 0
    not_imported: int = 0
    # A row that named a prohibited purpose (USE-3): the import's audit entry is flagged for the auditor.
    prohibited: int = 0

    def reject(self, line: int, reason: str, text: str) -> None:
        self.rejected.append({"line": line, "reason": reason, "text": text[:120]})

    @property
    def malformed(self) -> int:
        return len(self.rejected) - self.not_imported


class FileRejected(Exception):
    """The file as a whole is unusable; `parsed` holds what its rows gave, for the report."""

    def __init__(self, message: str, parsed: ParsedFile | None = None):
        super().__init__(message)
        self.parsed = parsed


# --- parsing ------------------------------------------------------------------------------------

def _text_lines(data: bytes) -> list[str]:
    if b"\x00" in data[:65536]:
        raise FileRejected("This is not a text file.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return text.splitlines()


def _date(value: str, what: str, layout: str = "%Y%m%d", shown: str = "YYYYMMDD") -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return datetime.strptime(value, layout).date()
    except ValueError:
        raise RowRejected(f"{what} {value!r} is not a date ({shown}).") from None


def _year(value: str, what: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not ASCII_DIGITS.fullmatch(value) or not 1900 <= int(value) <= 2100:
        raise RowRejected(f"{what} {value!r} is not a year.")
    return int(value)


def _plate(value: str, *, wildcards: bool) -> str:
    raw = value.strip().upper()
    if not raw:
        raise RowRejected("No plate.")
    if problem := plates.typed_plate_problem(value, wildcards=wildcards):
        raise RowRejected(f"Plate {value.strip()!r}: {problem}")
    pattern = patterns.normalise_pattern(raw) if wildcards else patterns.normalise_plate(raw)
    # Only a partial plate needs the policy's minimum (and its query): NCIC files hold exact plates only.
    known = plates.MIN_KNOWN_RUN
    if plates.has_wildcards(pattern):
        known = current_policy().partial_plate_min_known
    problem = patterns.pattern_problem(pattern, min_known_run=known)
    if problem:
        raise RowRejected(problem)
    return pattern


def _state_code(value: str) -> str:
    state = value.strip().upper()
    if state and not STATE_CODE.match(state):
        raise RowRejected(f"State {state!r} is not a two-letter code.")
    return state


def _state(value: str) -> str:
    """A CSV's state: a code typed by a person, checked as the entry form checks it."""
    state = _state_code(value)
    if state and state not in plates.ISSUING_JURISDICTIONS:
        raise RowRejected(f"State {state!r} is no issuing state: use {plates.JURISDICTION_HELP}.")
    return state


# NCIC's state codes are the Postal Service's but for Nebraska (NCIC's NB; the Postal Service's NE, which
# the readers name). Compared as the readers write them, or every Nebraska hit would be "state differs".
NCIC_TO_POSTAL = {"NB": "NE"}


def _ncic_state(value: str) -> str:
    """An NCIC state code as the readers write it: extracts write some states' O as a zero ("0H" for
    Ohio; a state code has no digits), and Nebraska is NB."""
    state = _state_code(value.replace("0", "O"))
    return NCIC_TO_POSTAL.get(state, state)


def _end_of_day(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)


def _fields(line: str, columns) -> dict[str, str]:
    return {name: line[start:end].strip() for name, start, end in columns}


def _ncic_record_type(nic: str) -> tuple[str, str, int]:
    """The record type (the NIC's first letter), its label and priority; raise for other rows."""
    if not NIC_PATTERN.match(nic):
        raise RowRejected(f"NIC {nic!r} is not a letter and nine digits.")
    code = nic[0]
    if code in NCIC_NOT_IMPORTED:
        raise RowNotImported(f"Record type {code} ({NCIC_NOT_IMPORTED[code]}) is not imported: not a "
                             "vehicle to stop.")
    if code not in NCIC_RECORD_TYPES:
        raise RowRejected(f"Unknown record type {code!r} (the NIC's first letter).")
    return code, *NCIC_RECORD_TYPES[code]


def _ncic_entry(line: str, expires_at: datetime) -> HotlistEntry:
    if len(line.rstrip()) < NCIC_MIN_LENGTH:
        raise RowRejected(f"Record too short ({len(line.rstrip())} characters; the plate state ends at "
                          f"column {NCIC_MIN_LENGTH}).")
    row = _fields(line, NCIC_COLUMNS)
    nic = row["nic"].upper()
    code, label, priority = _ncic_record_type(nic)
    ori = row["ori"].upper()
    if ori and not ORI_PATTERN.match(ori):
        raise RowRejected(f"ORI {ori!r} is not a nine-character agency identifier.")
    return HotlistEntry(
        plate_pattern=_plate(row["plate"], wildcards=False), state=_ncic_state(row["state"]),
        reason=f"NCIC {code}: {label}", case_number=nic, expires_at=expires_at, priority=priority,
        parse_code=code, nic=nic, ori=ori, entry_date=_date(row["entry_date"], "Entry date"),
        plate_year=_year(row["plate_year"], "Plate year"), plate_type=row["plate_type"].upper(),
        vehicle_year=_year(row["vehicle_year"], "Vehicle year"), vehicle_make=row["vehicle_make"].upper(),
        vehicle_model=row["vehicle_model"].upper(), vehicle_style=row["vehicle_style"].upper(),
        vehicle_colour=row["vehicle_colour"].upper(),
    )


def _ncic_header(line: str) -> bool:
    """Whether the extract's first line is its header rather than a record: it does not begin as a NIC
    does (a letter then a digit), so a first record with a mangled NIC is still reported, not skipped."""
    return not NCIC_RECORD_START.match(line)


def _two_digit_year(value: str) -> int | None:
    """A LEADS vehicle year ("05"): this century unless that would be after next year."""
    if not value:
        return None
    if not (len(value) == 2 and ASCII_DIGITS.fullmatch(value)):
        raise RowRejected(f"Vehicle year {value!r} is not two digits.")
    year = 2000 + int(value)
    return year if year <= timezone.now().year + 1 else year - 100


def _leads_record_number(line: str, tags: dict[str, str], *, person: bool) -> str:
    """The ``LDS/`` tag; a person's record may instead carry the bare number from column 82, where the
    published parser reads it."""
    number = tags.get("LDS") or (line[LEADS_PERSON_NUMBER_FROM:].strip() if person else "")
    if not number:
        raise RowRejected("No LEADS record number (LDS/).")
    if not LEADS_RECORD_NUMBER.match(number):
        raise RowRejected(f"LEADS record number {number[:40]!r} is not letters and digits.")
    return number


def _leads_entry(line: str, expires_at: datetime) -> HotlistEntry:
    row = _fields(line.upper(), LEADS_COLUMNS)
    record_type = row["record_type"]
    if record_type not in LEADS_RECORD_TYPES:
        raise RowRejected(f"Unknown record type {record_type!r} (STOLEN, WANTED or MISSING, columns 13-19).")
    code, label, priority = LEADS_RECORD_TYPES[record_type]
    tags = dict(LEADS_TAG.findall(line.upper()[LEADS_TAGS_FROM:]))
    record_number = _leads_record_number(line.upper(), tags, person=record_type != "STOLEN")
    vehicle = {"vehicle_year": _two_digit_year(tags.get("VYR", "")), "vehicle_make": tags.get("VMA", "")[:4],
               "vehicle_model": tags.get("VMO", "")[:3], "vehicle_style": tags.get("VST", "")[:2],
               "vehicle_colour": tags.get("VCO", "")[:7]} if record_type == "STOLEN" else {}
    return HotlistEntry(
        plate_pattern=_plate(row["plate"], wildcards=False), state=_ncic_state(row["state"]),
        reason=f"LEADS {record_type}: {label}", case_number=record_number, expires_at=expires_at,
        priority=priority, parse_code=code, plate_type=row["plate_type"][:2],
        entry_date=_date(tags.get("DOT", ""), "Date of theft", "%m%d%y", "MMDDYY"), **vehicle,
    )


def _parse_fixed_width(lines: list[str], build, expires_at: datetime, *, header=None) -> ParsedFile:
    """Build an entry from each non-blank line; `header(line)` says whether line 1 is a header."""
    parsed = ParsedFile()
    for number, line in enumerate(lines, start=1):
        if not line.strip() or (number == 1 and header is not None and header(line)):
            continue
        parsed.rows += 1
        try:
            parsed.entries.append(build(line, expires_at))
        except RowNotImported as why:
            parsed.not_imported += 1
            parsed.reject(number, str(why), line)
        except RowRejected as why:
            parsed.reject(number, str(why), line)
    return parsed


def _csv_expiry(value: str, default: datetime) -> datetime:
    value = value.strip()
    if not value:
        return default
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise RowRejected(f"Expiry {value!r} is not a date (YYYY-MM-DD).") from None
    expires_at = _end_of_day(day)
    if expires_at <= timezone.now():
        raise RowRejected(f"Expired on {day:%Y-%m-%d}.")
    return expires_at


def _parse_csv(lines: list[str], expires_at: datetime, case_number: str) -> ParsedFile:
    reader = csv.reader(io.StringIO("\n".join(lines)))
    try:
        header = [cell.strip().lower() for cell in next(reader)]
    except (StopIteration, csv.Error):
        raise FileRejected("The file is empty.") from None
    if header[:3] != CSV_HEADER or any(column not in CSV_OPTIONAL for column in header[3:]):
        raise FileRejected("The first row must be: Plate Number,Description,State/Province "
                           "(optionally followed by Case Number,Expires).")
    parsed = ParsedFile()
    policy = current_policy()  # once per file, not per row
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            parsed.rows += 1
            try:
                row = dict(zip(header, cells, strict=False))
                parsed.entries.append(_csv_entry(row, len(cells) - len(header), policy=policy,
                                                 case_number=case_number, expires_at=expires_at))
            except RowRejected as why:
                parsed.prohibited += isinstance(why, ProhibitedRow)
                parsed.reject(number, str(why), ",".join(cells))
    except csv.Error as error:  # a field over the csv module's limit, a NUL: the file cannot be read
        raise FileRejected(f"Line {reader.line_num} cannot be read as CSV ({error}).", parsed) from None
    return parsed


def _csv_entry(row: dict, extra_columns: int, *, policy, case_number: str, expires_at: datetime
               ) -> HotlistEntry:
    """One CSV row as an entry. Its description is another system's (``Stolen vehicle``), so it is not
    held to a typed reason's length, but it may not name a prohibited purpose (refused and flagged, as
    typed by hand: USE-3); its case number, if its own, must read as one, and its expiry must fall
    within the days a typed entry may run (RET-6)."""
    if extra_columns > 0:
        raise RowRejected(f"{len(row) + extra_columns} columns; the header has {len(row)}.")
    reason = row.get("description", "").strip()
    if not reason:
        raise RowRejected("No description (the reason for the entry).")
    if named := policy.prohibited_purpose_named_in(reason):
        raise ProhibitedRow(f"ALPR data may never be used for {named['label'].lower()}: the row is refused "
                            "and the import flagged for the auditor.")
    own_case = (row.get("case number") or "").strip().upper()
    if problem := case_number_length_problem(own_case):
        raise RowRejected(problem)
    if own_case and not OUTSIDE_CASE_NUMBER.fullmatch(own_case):
        raise RowRejected(f"Case number {own_case!r} is not a case number.")
    expiry = _csv_expiry(row.get("expires") or "", expires_at)
    if expiry > timezone.now() + timedelta(days=policy.hotlist_entry_max_days):
        raise RowRejected(f"Expires after {policy.hotlist_entry_max_days} days; renew an entry by importing "
                          "it again.")
    case = own_case or case_number
    if not case:
        raise RowRejected("No case number (neither in the row nor for the file).")
    return HotlistEntry(plate_pattern=_plate(row.get("plate number", ""), wildcards=True),
                        state=_state(row.get("state/province", "")), reason=reason[:300],
                        case_number=case, expires_at=expiry, vehicle_description=reason[:200])


def _drop_duplicates(parsed: ParsedFile) -> None:
    seen: set[tuple] = set()
    kept = []
    for entry in parsed.entries:
        key = (entry.plate_pattern, entry.state, entry.case_number)
        if key in seen:
            parsed.reject(0, f"Duplicate of an earlier row ({entry.plate_pattern} {entry.state} "
                             f"{entry.case_number}).", entry.plate_pattern)
            continue
        seen.add(key)
        kept.append(entry)
    parsed.entries = kept


def max_import_bytes() -> int:
    """The largest file imported (``HOTLIST_IMPORT_MAX_BYTES``); checked before a file is read, too."""
    return _setting("HOTLIST_IMPORT_MAX_BYTES", 50 * 1024 * 1024)


def parse_file(source: str, data: bytes, *, expires_at: datetime, case_number: str = "") -> ParsedFile:
    """Parse a hotlist file; raise `FileRejected` when the file as a whole is unusable."""
    if len(data) > max_import_bytes():
        raise FileRejected("The file is too large.")
    lines = _text_lines(data)
    if source == HotlistSource.NCIC:
        parsed = _parse_fixed_width(lines, _ncic_entry, expires_at, header=_ncic_header)
    elif source == HotlistSource.LEADS:
        parsed = _parse_fixed_width(lines, _leads_entry, expires_at)
    elif source == HotlistSource.CSV:
        parsed = _parse_csv(lines, expires_at, case_number.strip().upper())
    else:
        raise FileRejected("Unknown list format.")
    _drop_duplicates(parsed)
    if not parsed.entries:
        raise FileRejected("No row could be imported." if parsed.rows else "The file holds no rows.", parsed)
    share = _setting("HOTLIST_IMPORT_MAX_REJECTED_SHARE", 0.2)
    if parsed.malformed / parsed.rows > share:
        raise FileRejected(f"{parsed.malformed} of {parsed.rows} rows are malformed (more than "
                           f"{share:.0%}); is this the right format? Nothing was changed.", parsed)
    return parsed


# --- the import service ---------------------------------------------------------------------------

def _replace_entries(hotlist: Hotlist, run: ImportRun, entries: list[HotlistEntry], actor: Actor) -> None:
    """Swap the list's live entries for `entries`; old entries that raised alerts are kept, inactive."""
    now = timezone.now()
    old = HotlistEntry.objects.filter(hotlist=hotlist, active=True)
    old.filter(alerts__isnull=True).delete()
    old.update(active=False, deactivated_at=now, deactivation_reason=f"Replaced by import {run.pk}")
    for entry in entries:
        entry.hotlist = hotlist
        entry.import_run = run
        entry.created_by = actor.user
        entry.created_by_label = actor.label
        set_match_keys(entry)
    HotlistEntry.objects.bulk_create(entries, batch_size=5000)
    hotlist.replaced_at = now
    hotlist.save(update_fields=["replaced_at"])


def _list_name(source: str, list_name: str, file_name: str) -> str:
    if list_name.strip():
        return list_name.strip()[:100]
    return DEFAULT_LIST_NAMES.get(source) or f"CSV: {Path(file_name).stem.split('__')[-1]}"[:100]


def hotlist_import(
    *, actor: Actor, source: str, file_name: str, data: bytes, list_name: str = "",
    case_number: str = "", expires_at: datetime | None = None,
) -> ImportRun:
    """Import one file, replacing the previous version of the same list; return its report.

    A rejected file is reported (status "rejected", the reason in ``error``), audited as failed and
    changes nothing. Only detectives, analysts and the scheduled folder import may import.
    """
    file_name = Path(file_name or "upload").name[:255]
    with refusals_recorded(actor=actor, action=actions.IMPORT_RUN, targets=[f"import-file:{file_name}"]):
        require_hotlist_editor(actor)
        if source not in (HotlistSource.NCIC, HotlistSource.LEADS, HotlistSource.CSV):
            raise ApplicationError("Choose the list's format.", field="source")
        policy = current_policy()
        if problem := case_number_length_problem(case_number.strip()):
            raise ApplicationError(problem, field="case_number")
        if case_number.strip() and not re.fullmatch(policy.case_number_pattern, case_number.strip().upper()):
            raise ApplicationError(f"Enter the case number as the department writes it, e.g. "
                                   f"{policy.case_number_example}.", field="case_number")
        if expires_at is not None and not timezone.now() < expires_at <= timezone.now() + timedelta(
                days=policy.hotlist_entry_max_days):
            raise ApplicationError(f"The list's entries expire in the future, within "
                                   f"{policy.hotlist_entry_max_days} days; import it again to renew them.",
                                   field="expires_at")
    started = timezone.now()
    valid_until = expires_at or started + policy.hotlist_import_valid_for()
    run = ImportRun(source=source, file_name=file_name, sha256=hashlib.sha256(data).hexdigest(),
                    started_at=started, imported_by=actor.user, imported_by_label=actor.label)
    try:
        parsed = parse_file(source, data, expires_at=valid_until, case_number=case_number)
    except FileRejected as why:
        return _record_rejection(actor, run, str(why), why.parsed)
    name = _list_name(source, list_name, file_name)
    existing = Hotlist.objects.filter(name=name).first()
    if existing is not None and existing.source != source:
        return _record_rejection(actor, run, f"The list {name!r} is a {existing.get_source_display()} list.",
                                 parsed)
    with transaction.atomic():
        hotlist, _ = Hotlist.objects.get_or_create(
            name=name, defaults={"source": source, "created_by_label": actor.label})
        # One import of a list at a time: the second waits and then replaces the first's version.
        hotlist = Hotlist.objects.select_for_update().get(pk=hotlist.pk)
        run.hotlist = hotlist
        run.status = ImportStatus.ACCEPTED
        _count_rows(run, parsed)
        run.finished_at = timezone.now()
        run.save()
        _replace_entries(hotlist, run, parsed.entries, actor)
        audit_record(actor=actor, action=actions.IMPORT_RUN,
                     targets=[f"hotlist:{hotlist.pk}", f"import:{run.pk}"],
                     description=f"{file_name}: {run.rows_accepted} accepted, {run.rows_rejected} rejected; "
                                 f"replaced list {name!r}", result_count=run.rows_accepted,
                     flagged=bool(parsed.prohibited))
    return run


def _count_rows(run: ImportRun, parsed: ParsedFile) -> None:
    """The run's counts and rejected rows. Of a rejected file, "accepted" counts the rows that passed
    their checks (none of them was imported): the report shows which rows sank the file."""
    run.rows_total = parsed.rows
    run.rows_accepted = len(parsed.entries)
    run.rows_rejected = len(parsed.rejected)
    run.rejected_rows = parsed.rejected[:MAX_REPORTED_REJECTIONS]


def _record_rejection(actor: Actor, run: ImportRun, error: str, parsed: ParsedFile | None) -> ImportRun:
    with transaction.atomic():
        if parsed is not None:
            _count_rows(run, parsed)
        run.status = ImportStatus.REJECTED
        run.error = error
        run.finished_at = timezone.now()
        run.save()
        audit_record(actor=actor, action=actions.IMPORT_RUN, outcome=Outcome.FAILED, reason=error,
                     targets=[f"import:{run.pk}", f"import-file:{run.file_name}"],
                     flagged=bool(parsed and parsed.prohibited))
    return run


# --- the folder ---------------------------------------------------------------------------------

FOLDER_SOURCES = {"ncic": HotlistSource.NCIC, "leads": HotlistSource.LEADS, "csv": HotlistSource.CSV}
FOLDER_ACTOR = Actor.system("scheduled hotlist import")


def _file_case_number(path: Path) -> str:
    """A folder CSV's case number is its file name (``26-004512.csv``, ``26-004512__label.csv``)."""
    candidate = path.stem.split("__")[0].strip().upper()
    return candidate if (not case_number_length_problem(candidate)
                         and re.fullmatch(current_policy().case_number_pattern, candidate)) else ""


def _settled(path: Path) -> bool:
    """Skip files still being written (modified within the last HOTLIST_IMPORT_SETTLE_SECONDS)."""
    age = timezone.now().timestamp() - path.stat().st_mtime
    return age >= _setting("HOTLIST_IMPORT_SETTLE_SECONDS", 10)


def _move(path: Path, folder: Path, run: ImportRun) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{timezone.now():%Y%m%dT%H%M%S}-{run.pk}-{path.name}"
    shutil.move(path, target)
    report = {"import_run": run.pk, "status": run.status, "error": run.error, "rows": run.rows_total,
              "accepted": run.rows_accepted, "rejected": run.rows_rejected,
              "rejected_rows": run.rejected_rows}
    target.with_name(target.name + ".report.json").write_text(json.dumps(report, indent=1))


def import_folder(root: Path | None = None) -> list[ImportRun]:
    """Import each settled file in HOTLIST_IMPORT_DIR/{ncic,leads,csv}/, oldest first; move it after."""
    root = Path(root or _setting("HOTLIST_IMPORT_DIR", "") or "")
    if not str(root) or not root.is_dir():
        return []
    runs = []
    for sub, source in FOLDER_SOURCES.items():
        folder = root / sub
        if folder.is_symlink() or not folder.is_dir():
            continue
        # A link is never followed: it could read any file the server can (its lines would show in the
        # import report) or move another folder's files out of it.
        files = sorted((p for p in folder.iterdir()
                        if not p.is_symlink() and p.is_file() and not p.name.startswith(".")),
                       key=lambda p: p.stat().st_mtime)
        for path in files:
            if not _settled(path):
                continue
            # A file over the limit is not read into memory at all: its first byte past the limit is
            # enough for the import to reject it as too large.
            with path.open("rb") as stream:
                data = stream.read(max_import_bytes() + 1)
            run = hotlist_import(actor=FOLDER_ACTOR, source=source, file_name=path.name, data=data,
                                 case_number=_file_case_number(path) if source == HotlistSource.CSV else "")
            _move(path, root / ("processed" if run.status == ImportStatus.ACCEPTED else "rejected"), run)
            logger.info("hotlist import %s: %s", path.name, run.status)
            runs.append(run)
    return runs
