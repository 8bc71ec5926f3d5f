"""Imports: NCIC hot file, LEADS-style list and CSV; rejected rows reported; bad files change nothing."""
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


def ncic_line(code="V", nic="V123456789", ori="IL0160000", date="20260110", plate="7ABC123", state="IL",
              plate_year="2026", plate_type="PC", vyr="2019", make="HOND", model="CIV", style="4D",
              colour="BLK") -> str:
    return (f"{code:1}{nic:10}{ori:9}{date:8}{plate:8}{state:2}{plate_year:4}{plate_type:2}{vyr:4}{make:4}"
            f"{model:3}{style:2}{colour:7}")


def leads_line(plate="7ABC123", state="IL", category="SV", expires="20991231", case="26-004512",
               remarks="Blue Honda Civic, dent on left door") -> str:
    return f"{plate:10}{state:2}{category:2}{expires:8}{case:20}{remarks:40}"


def ncic_file(*lines) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


def test_the_ncic_columns_are_where_the_docstring_says():
    line = ncic_line()
    assert line[0] == "V" and line[1:11] == "V123456789" and line[28:36].strip() == "7ABC123"
    assert line[36:38] == "IL" and line[57:64].strip() == "BLK"


@pytest.mark.rule("ING-2")
def test_an_ncic_hot_file_is_parsed_with_all_its_fields(detective):
    data = ncic_file(ncic_line(), ncic_line(code="A", nic="A000000042", plate="AMB3R1", state="WI"),
                     ncic_line(code="X", nic="X000000001", plate="BAD1"),
                     ncic_line(code="V", nic="nope", plate="BAD2"))
    run = hotlist_import(actor=act_as(detective), source="ncic", file_name="hot.txt", data=data)
    # 2 of 4 rows rejected is above the 20 % limit: loosen the limit for this test's small file.
    assert run.status == "rejected" and "2 of 4 rows" in run.error
    assert not HotlistEntry.objects.exists()


@pytest.mark.rule("ING-2")
def test_an_ncic_hot_file_fills_the_entry_and_reports_rejected_rows(detective, settings):
    settings.HOTLIST_IMPORT_MAX_REJECTED_SHARE = 0.5
    data = ncic_file(ncic_line(), ncic_line(code="A", nic="A000000042", plate="AMB3R1", state="WI"),
                     ncic_line(code="X", nic="X000000001", plate="BAD1"),
                     ncic_line(code="V", nic="nope", plate="BAD2"))
    run = hotlist_import(actor=act_as(detective), source="ncic", file_name="hot.txt", data=data)
    assert (run.status, run.rows_total, run.rows_accepted, run.rows_rejected) == ("accepted", 4, 2, 2)
    assert [(r["line"], r["reason"]) for r in run.rejected_rows] == [
        (3, "Unknown parse code 'X'."), (4, "NIC 'NOPE' is not a letter and nine digits.")]
    stolen = HotlistEntry.objects.get(plate_pattern="7ABC123")
    assert (stolen.parse_code, stolen.nic, stolen.ori, str(stolen.entry_date), stolen.plate_year,
            stolen.plate_type, stolen.vehicle_year, stolen.vehicle_make, stolen.vehicle_model,
            stolen.vehicle_style, stolen.vehicle_colour, stolen.state, stolen.case_number) == (
        "V", "V123456789", "IL0160000", "2026-01-10", 2026, "PC", 2019, "HOND", "CIV", "4D", "BLK", "IL",
        "V123456789")
    assert stolen.reason == "NCIC V: Stolen vehicle" and stolen.expires_at > run.started_at
    amber = HotlistEntry.objects.get(plate_pattern="AMB3R1")
    assert amber.priority == 1 and amber.reason == "NCIC A: Amber alert"
    [row] = audit_rows("hotlist.imported")
    assert row.outcome == "allowed" and row.result_count == 2


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


def test_a_leads_list_is_parsed_with_its_own_expiry_and_case_numbers(detective):
    data = "\n".join([leads_line(), leads_line(plate="WPX?12*", category="WP", case="26-000777"),
                      leads_line(plate="OLD0001", expires="20200101"),
                      leads_line(plate="ABC1234", category="ZZ"),
                      leads_line(plate="ABC1235"), leads_line(plate="ABC1236"), leads_line(plate="ABC1237"),
                      leads_line(plate="ABC1238"), leads_line(plate="ABC1239"), leads_line(plate="ABC1230")])
    run = hotlist_import(actor=act_as(detective), source="leads", file_name="leads.dat", data=data.encode())
    assert (run.status, run.rows_accepted, run.rows_rejected) == ("accepted", 8, 2)
    assert {r["reason"] for r in run.rejected_rows} == {"Expired on 2020-01-01.", "Unknown category 'ZZ'."}
    wanted = HotlistEntry.objects.get(plate_pattern="WPX?12*")
    assert wanted.is_wildcard and wanted.case_number == "26-000777" and wanted.priority == 1
    assert wanted.expires_at.date().isoformat() == "2100-01-01"
    assert HotlistEntry.objects.get(plate_pattern="7ABC123").vehicle_description.startswith("Blue Honda")


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
