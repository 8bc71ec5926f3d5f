"""Imports: NCIC hot file, Illinois LEADS extract and CSV; rejected rows reported; bad files change nothing.

The NCIC and LEADS records are built on the published layouts, and the two sample records are those of
the openalpr_hotlist_import project's parsers (``parsers/ncic.py`` and ``parsers/il_leads.py``,
``get_example_format``), which the importer once refused whole with "No row could be imported" and a count
of "0 (0 accepted, 0 rejected)".
"""
import json
import os
import time

import pytest

from core.errors import PolicyDenied
from hotlists.imports import hotlist_import, import_folder
from hotlists.matching import find_matches
from hotlists.models import HotlistEntry, ImportRun
from hotlists.tests.conftest import act_as, audit_rows

pytestmark = pytest.mark.django_db

# The sample records of openalpr/openalpr_hotlist_import, as published.
NCIC_SAMPLE = "V123456789LA057020020190509AB123456  CA2009MC2009YAMACYLMCBLK"
LEADS_SAMPLE = "660JEM  WIPCSTOLEN VYR/05 VMA/DODG VMO/MAG VST/4D VCO/RED     DOT/010315 LDS/V16A0661"


def ncic_line(nic="V123456789", ori="IL0160000", date="20260110", plate="7ABC123", state="IL",
              plate_year="2026", plate_type="PC", vyr="2019", make="HOND", model="CIV", style="4D",
              colour="BLK") -> str:
    """One NCIC hot-file record: the NIC (its first letter the record type) comes first."""
    return (f"{nic:10}{ori:9}{date:8}{plate:10}{state:2}{plate_year:4}{plate_type:2}{vyr:4}{make:4}"
            f"{model:3}{style:2}{colour:7}")


def leads_stolen(plate="7ABC123", state="IL", plate_type="PC", year="19", make="HOND", model="CIV",
                 style="4D", colour="BLK", theft="011026", number="V26A0001") -> str:
    """One LEADS STOLEN record laid out as the published sample is."""
    return (f"{plate:8}{state:2}{plate_type:2}STOLEN VYR/{year} VMA/{make:5}VMO/{model:4}VST/{style:3}"
            f"VCO/{colour:8}DOT/{theft:7}LDS/{number}")


def leads_person(record_type: str, plate="WNT1234", number="W26A0002", tag="LDS/") -> str:
    """A WANTED or MISSING record: name, sex, race and birth date in columns 20-77, then the number from
    column 82 (the published parser reads it there), tagged LDS/ or not."""
    person = "DOE, JOHN Q           M W 19800101"
    return f"{plate:8}IL{'PC':2}{record_type:7}{person:58}{tag:4}{number}"


def ncic_file(*lines) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


def test_the_test_records_are_laid_out_as_the_published_samples():
    assert len(ncic_line()) == len(NCIC_SAMPLE) + 4  # the sample's colour is 3 of its 7 characters
    assert ncic_line()[27:37].strip() == "7ABC123" and NCIC_SAMPLE[27:37].strip() == "AB123456"
    assert leads_stolen(plate="660JEM", state="WI", year="05", make="DODG", model="MAG", colour="RED",
                        theft="010315", number="V16A0661").replace("HOND", "DODG") == LEADS_SAMPLE


@pytest.mark.rule("ING-2")
def test_the_published_ncic_sample_record_is_imported_with_all_its_fields(detective):
    run = hotlist_import(actor=act_as(detective), source="ncic", file_name="VEHEXTRT.txt",
                         data=ncic_file(NCIC_SAMPLE))
    assert (run.status, run.rows_total, run.rows_accepted, run.rows_rejected) == ("accepted", 1, 1, 0)
    entry = HotlistEntry.objects.get()
    assert (entry.plate_pattern, entry.state, entry.parse_code, entry.nic, entry.case_number, entry.ori,
            str(entry.entry_date), entry.plate_year, entry.plate_type, entry.vehicle_year, entry.vehicle_make,
            entry.vehicle_model, entry.vehicle_style, entry.vehicle_colour, entry.reason) == (
        "AB123456", "CA", "V", "V123456789", "V123456789", "LA0570200", "2019-05-09", 2009, "MC", 2009,
        "YAMA", "CYL", "MC", "BLK", "NCIC V: Stolen vehicle")
    assert find_matches("AB123456")


@pytest.mark.rule("ING-2")
def test_the_published_leads_sample_record_is_imported_with_its_record_number(detective):
    run = hotlist_import(actor=act_as(detective), source="leads", file_name="ISPLITH.TXT",
                         data=ncic_file(LEADS_SAMPLE))
    assert (run.status, run.rows_total, run.rows_accepted, run.rows_rejected) == ("accepted", 1, 1, 0)
    entry = HotlistEntry.objects.get()
    assert (entry.plate_pattern, entry.state, entry.plate_type, entry.case_number, entry.parse_code,
            entry.reason, entry.vehicle_year, entry.vehicle_make, entry.vehicle_model, entry.vehicle_style,
            entry.vehicle_colour, str(entry.entry_date)) == (
        "660JEM", "WI", "PC", "V16A0661", "V", "LEADS STOLEN: Stolen vehicle", 2005, "DODG", "MAG", "4D",
        "RED", "2015-01-03")
    assert entry.expires_at > run.started_at and find_matches("660JEM")


def test_an_ncic_extract_header_line_is_not_a_row(detective):
    data = ncic_file("VEHEXTRT 20260110 0600 NCIC VEHICLE EXTRACT", ncic_line())
    run = hotlist_import(actor=act_as(detective), source="ncic", file_name="VEHEXTRT.txt", data=data)
    assert (run.status, run.rows_total, run.rows_accepted, run.rows_rejected) == ("accepted", 1, 1, 0)


@pytest.mark.rule("ING-2")
def test_an_ncic_hot_file_with_too_many_malformed_rows_is_rejected_and_counted(detective):
    data = ncic_file(ncic_line(), ncic_line(nic="A000000042", plate="AMB3R1", state="WI"),
                     ncic_line(nic="Z000000001", plate="BAD1"),
                     ncic_line(nic="V12345678X", plate="BAD2"))
    run = hotlist_import(actor=act_as(detective), source="ncic", file_name="hot.txt", data=data)
    assert run.status == "rejected" and "2 of 4 rows" in run.error
    # The report says what was wrong with which row, and counts every row (not "0 (0 accepted, 0 rejected)").
    assert (run.rows_total, run.rows_accepted, run.rows_rejected) == (4, 2, 2)
    assert [r["line"] for r in run.rejected_rows] == [3, 4]
    assert not HotlistEntry.objects.exists()


def test_a_file_whose_every_row_is_refused_reports_each_row(detective):
    data = ncic_file("V12345678X" + ncic_line()[10:], ncic_line(nic="V123")[:30])
    run = hotlist_import(actor=act_as(detective), source="ncic", file_name="hot.txt", data=data)
    assert run.status == "rejected" and run.error == "No row could be imported."
    assert (run.rows_total, run.rows_accepted, run.rows_rejected) == (2, 0, 2)
    assert [r["reason"] for r in run.rejected_rows] == [
        "NIC 'V12345678X' is not a letter and nine digits.",
        "Record too short (30 characters; the plate state ends at column 39)."]
    [row] = audit_rows("hotlist.imported")
    assert row.outcome == "failed" and row.reason == "No row could be imported."


@pytest.mark.rule("ING-2")
def test_an_ncic_hot_file_fills_the_entry_and_reports_rejected_rows(detective, settings):
    settings.HOTLIST_IMPORT_MAX_REJECTED_SHARE = 0.5
    data = ncic_file(ncic_line(), ncic_line(nic="A000000042", plate="AMB3R1", state="0H"),
                     ncic_line(nic="Z000000001", plate="BAD1"),
                     ncic_line(nic="V12345678X", plate="BAD2"))
    run = hotlist_import(actor=act_as(detective), source="ncic", file_name="hot.txt", data=data)
    assert (run.status, run.rows_total, run.rows_accepted, run.rows_rejected) == ("accepted", 4, 2, 2)
    assert [(r["line"], r["reason"]) for r in run.rejected_rows] == [
        (3, "Unknown record type 'Z' (the NIC's first letter)."),
        (4, "NIC 'V12345678X' is not a letter and nine digits.")]
    stolen = HotlistEntry.objects.get(plate_pattern="7ABC123")
    assert (stolen.parse_code, stolen.nic, stolen.ori, str(stolen.entry_date), stolen.plate_year,
            stolen.plate_type, stolen.vehicle_year, stolen.vehicle_make, stolen.vehicle_model,
            stolen.vehicle_style, stolen.vehicle_colour, stolen.state, stolen.case_number) == (
        "V", "V123456789", "IL0160000", "2026-01-10", 2026, "PC", 2019, "HOND", "CIV", "4D", "BLK", "IL",
        "V123456789")
    assert stolen.reason == "NCIC V: Stolen vehicle" and stolen.expires_at > run.started_at
    amber = HotlistEntry.objects.get(plate_pattern="AMB3R1")
    assert amber.priority == 1 and amber.reason == "NCIC A: Amber alert" and amber.state == "OH"
    [row] = audit_rows("hotlist.imported")
    assert row.outcome == "allowed" and row.result_count == 2


def test_registry_and_protective_records_are_reported_not_imported_and_do_not_sink_the_file(detective):
    data = ncic_file(ncic_line(), ncic_line(nic="X000000007", plate="SEX0FF1"),
                     ncic_line(nic="H000000008", plate="PR0T3CT"),
                     ncic_line(nic="C000000009", plate="SUP3RV1"))
    run = hotlist_import(actor=act_as(detective), source="ncic", file_name="hot.txt", data=data)
    # Three of four rows not imported is no malformed file: they are well-formed records of other kinds.
    assert (run.status, run.rows_total, run.rows_accepted, run.rows_rejected) == ("accepted", 4, 1, 3)
    assert [r["reason"] for r in run.rejected_rows] == [
        "Record type X (Sex offender) is not imported: not a vehicle to stop.",
        "Record type H (Protection order) is not imported: not a vehicle to stop.",
        "Record type C (Supervised release) is not imported: not a vehicle to stop."]
    assert list(HotlistEntry.objects.values_list("plate_pattern", flat=True)) == ["7ABC123"]


@pytest.mark.rule("ING-2")
def test_a_new_import_replaces_the_previous_version_of_the_list(detective):
    hotlist_import(actor=act_as(detective), source="ncic", file_name="a.txt",
                   data=ncic_file(ncic_line(plate="OLD1234")))
    run = hotlist_import(actor=act_as(detective), source="ncic", file_name="b.txt",
                         data=ncic_file(ncic_line(plate="NEW1234")))
    assert run.status == "accepted"
    assert find_matches("NEW1234") and not find_matches("OLD1234")
    assert list(HotlistEntry.objects.values_list("plate_pattern", flat=True)) == ["NEW1234"]


@pytest.mark.rule("ING-2")
@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00binary",
    b"",
    b"this is not a hot file\nat all\n",
], ids=["binary", "empty", "prose"])
def test_a_malformed_file_changes_nothing(detective, data):
    hotlist_import(actor=act_as(detective), source="ncic", file_name="good.txt",
                   data=ncic_file(ncic_line(plate="KEEP123")))
    run = hotlist_import(actor=act_as(detective), source="ncic", file_name="bad.txt", data=data)
    assert run.status == "rejected" and run.error and run.rows_accepted == 0
    assert list(HotlistEntry.objects.filter(active=True).values_list("plate_pattern",
                                                                     flat=True)) == ["KEEP123"]
    assert [r.outcome for r in audit_rows("hotlist.imported")] == ["allowed", "failed"]


def test_a_leads_extract_takes_stolen_wanted_and_missing_records_and_reports_the_rest(detective, settings):
    settings.HOTLIST_IMPORT_MAX_REJECTED_SHARE = 0.5
    data = "\n".join([leads_stolen(), leads_person("WANTED", plate="WNT1234", number="W26A0002"),
                      leads_person("MISSING", plate="MSS1234", number="M26A0003", tag=""),
                      leads_stolen(plate="NOLDS12", number=""),
                      leads_stolen(plate="ABC1234").replace("STOLEN", "TOWED "),
                      leads_stolen(plate="DOT1234", theft="133126"),
                      leads_stolen(plate="ABC1235", number="V26A0005"),
                      leads_person("WANTED", plate="BAD1234", number="W26 A0009", tag=""),
                      leads_stolen(plate="ABC1236", number="V26A0006")])
    run = hotlist_import(actor=act_as(detective), source="leads", file_name="ISPLITH.TXT",
                         data=data.encode())
    assert (run.status, run.rows_total, run.rows_accepted, run.rows_rejected) == ("accepted", 9, 5, 4)
    assert [(r["line"], r["reason"]) for r in run.rejected_rows] == [
        (4, "No LEADS record number (LDS/)."),
        (5, "Unknown record type 'TOWED' (STOLEN, WANTED or MISSING, columns 13-19)."),
        (6, "Date of theft '133126' is not a date (MMDDYY)."),
        (8, "LEADS record number 'W26 A0009' is not letters and digits.")]
    wanted = HotlistEntry.objects.get(plate_pattern="WNT1234")
    assert (wanted.case_number, wanted.priority, wanted.parse_code, wanted.reason) == (
        "W26A0002", 1, "W", "LEADS WANTED: Wanted person")
    # The person's name and birth date stay in LEADS: the entry names the record, not the person.
    assert "DOE" not in f"{wanted.reason} {wanted.vehicle_description} {wanted.case_number}"
    assert wanted.vehicle_make == "" and wanted.vehicle_year is None
    missing = HotlistEntry.objects.get(plate_pattern="MSS1234")
    assert (missing.reason, missing.case_number) == ("LEADS MISSING: Missing person", "M26A0003")
    assert HotlistEntry.objects.get(plate_pattern="7ABC123").vehicle_year == 2019


def test_a_csv_list_with_the_common_header(detective):
    data = (b"Plate Number,Description,State/Province\n"
            b"7ABC123,Stolen blue Honda Civic,IL\n"
            b"8XYZ99,Wanted in armed robbery,WI\n"
            b",No plate here,IL\n"
            b"9QRS555,Endangered missing adult,ILL\n"
            b"1AAA111,Stolen plate,IL\n"
            b"2BBB222,Stolen plate,IL\n"
            b"3CCC333,Stolen plate,IL\n"
            b"4DDD444,Stolen plate,IL\n"
            b"5EEE555,Stolen plate,IL\n"
            b"6FFF666,Stolen plate,IL\n")
    run = hotlist_import(actor=act_as(detective), source="csv", file_name="neighbours.csv", data=data,
                         case_number="26-004512")
    assert (run.status, run.rows_accepted, run.rows_rejected) == ("accepted", 8, 2)
    assert [(r["line"], r["reason"]) for r in run.rejected_rows] == [
        (4, "No plate."), (5, "State 'ILL' is not a two-letter code.")]
    entry = HotlistEntry.objects.get(plate_pattern="8XYZ99")
    assert (entry.reason, entry.state, entry.case_number, entry.hotlist.name) == (
        "Wanted in armed robbery", "WI", "26-004512", "CSV: neighbours")


def test_a_csv_with_the_wrong_header_is_rejected(detective):
    run = hotlist_import(actor=act_as(detective), source="csv", file_name="x.csv",
                         data=b"plate,why\n7ABC123,stolen\n", case_number="26-004512")
    assert run.status == "rejected" and "Plate Number,Description,State/Province" in run.error


@pytest.mark.rule("ACC-7")
def test_an_officer_cannot_import(officer):
    with pytest.raises(PolicyDenied):
        hotlist_import(actor=act_as(officer), source="ncic", file_name="hot.txt",
                       data=ncic_file(ncic_line()))
    assert not ImportRun.objects.exists()
    assert [r.outcome for r in audit_rows("hotlist.imported")] == ["refused"]


def test_the_folder_import_moves_files_and_writes_a_report(settings, tmp_path):
    settings.HOTLIST_IMPORT_DIR = str(tmp_path)
    settings.HOTLIST_IMPORT_SETTLE_SECONDS = 0
    (tmp_path / "ncic").mkdir()
    (tmp_path / "csv").mkdir()
    (tmp_path / "ncic" / "hot-0600.txt").write_bytes(ncic_file(ncic_line()))
    (tmp_path / "csv" / "26-000123__county.csv").write_bytes(
        b"Plate Number,Description,State/Province\nCNTY123,Stolen trailer,IL\n")
    (tmp_path / "csv" / "garbage.csv").write_bytes(b"\x00\x01\x02")
    old = time.time() - 60
    for path in tmp_path.rglob("*.*"):
        os.utime(path, (old, old))
    runs = import_folder()
    assert sorted(run.status for run in runs) == ["accepted", "accepted", "rejected"]
    assert HotlistEntry.objects.get(plate_pattern="CNTY123").case_number == "26-000123"
    processed = sorted(p.name for p in (tmp_path / "processed").iterdir())
    rejected = sorted(p.name for p in (tmp_path / "rejected").iterdir())
    assert len(processed) == 4 and len(rejected) == 2
    report = json.loads(next((tmp_path / "rejected").glob("*.report.json")).read_text())
    assert report["status"] == "rejected" and "not a text file" in report["error"]
    assert not any((tmp_path / "ncic").iterdir())
    assert {r.actor_label for r in audit_rows("hotlist.imported")} == {"scheduled hotlist import"}


@pytest.mark.rule("ING-2")
def test_unicode_digits_in_ncic_and_leads_rows_reject_the_row_never_crash_the_import(detective, settings):
    # Tried: years in superscript digits ("²⁰²⁶": str.isdigit() says yes, int() says no, and the
    # import failed with a server error; a scheduled folder import would stop on the file for good),
    # and a NIC in Arabic-Indic digits (a regex \d takes them).
    settings.HOTLIST_IMPORT_MAX_REJECTED_SHARE = 0.5
    ncic = "\r\n".join([ncic_line(), ncic_line(plate="SUP1234", plate_year="²⁰²⁶"),
                        ncic_line(plate="SUP1235", vyr="²⁰¹⁹"), ncic_line(nic="V١٢٣٤٥٦٧٨٩", plate="IND1234"),
                        ncic_line(plate="ABC1236"), ncic_line(plate="ABC1237"), ncic_line(plate="ABC1238"),
                        ncic_line(plate="ABC1239")])
    run = hotlist_import(actor=act_as(detective), source="ncic", file_name="hot.txt", data=ncic.encode())
    assert (run.status, run.rows_accepted, run.rows_rejected) == ("accepted", 5, 3)
    assert [r["line"] for r in run.rejected_rows] == [2, 3, 4]
    assert not HotlistEntry.objects.filter(plate_pattern__in=["SUP1234", "SUP1235", "IND1234"]).exists()
    leads = "\n".join([leads_stolen(), leads_stolen(plate="SUP1234", year="²²", number="V26A0002")])
    run = hotlist_import(actor=act_as(detective), source="leads", file_name="L.TXT", data=leads.encode())
    assert (run.status, run.rows_accepted, run.rows_rejected) == ("accepted", 1, 1)
    assert "not two digits" in run.rejected_rows[0]["reason"]
