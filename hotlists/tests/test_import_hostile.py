"""Hotlist files that try what the entry form refuses, or that break the importer (RET-6, USE-3, ING-3)."""
import os
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEvent, Outcome
from core.errors import ApplicationError
from hotlists.imports import hotlist_import, import_folder
from hotlists.models import HotlistEntry, ImportRun, ImportStatus
from hotlists.tests.conftest import act_as

pytestmark = pytest.mark.django_db
HEADER = "Plate Number,Description,State/Province,Case Number,Expires"
GOOD_ROWS = [f"7ABC12{n},Stolen vehicle,IL,26-004512," for n in range(6)]


def csv_file(*rows: str) -> bytes:
    return "\n".join([HEADER, *rows]).encode()


@pytest.mark.rule("USE-3")
def test_a_csv_row_naming_a_prohibited_purpose_is_refused_and_the_import_flagged(detective):
    # Tried: a row whose description is an immigration-enforcement request; typed by hand it is refused
    # and flagged, imported it became a live entry.
    run = hotlist_import(actor=act_as(detective), source="csv", file_name="x.csv", data=csv_file(
        "KRN5562,Undocumented immigrant wanted by ICE for deportation,IL,26-004512,", *GOOD_ROWS))
    assert run.status == ImportStatus.ACCEPTED and run.rows_accepted == 6
    assert "may never be used for immigration" in run.rejected_rows[0]["reason"]
    assert not HotlistEntry.objects.filter(plate_pattern="KRN5562").exists()
    [audited] = AuditEvent.objects.filter(action="hotlist.imported", outcome=Outcome.ALLOWED)
    assert audited.flagged


@pytest.mark.rule("RET-6")
@pytest.mark.parametrize(("row", "reason"), [
    ("KRN5562,Stolen vehicle,IL,X,", "is not a case number"),
    ("KRN5562,Stolen vehicle,IL,26-004512,2999-12-31", "Expires after"),
])
def test_a_csv_row_that_would_never_expire_or_names_no_case_is_rejected(detective, row, reason):
    # Tried: case number "X" and an expiry in 2999: the list would match for ever without a refresh.
    run = hotlist_import(actor=act_as(detective), source="csv", file_name="y.csv",
                         data=csv_file(row, *GOOD_ROWS))
    assert run.rows_accepted == 6 and reason in run.rejected_rows[0]["reason"]
    assert not HotlistEntry.objects.filter(plate_pattern="KRN5562").exists()


@pytest.mark.rule("RET-6")
def test_a_case_number_longer_than_an_entry_stores_is_refused_not_cut_short(detective):
    """Tried: a row's own case number of 41 characters (an outside agency's may be up to 64), and, under a
    case-number pattern with no upper length, the same for the file's case number: the entries were
    stored with the first 40 characters, a case number nobody wrote."""
    from policy.models import AgencyPolicy

    stored = HotlistEntry._meta.get_field("case_number").max_length
    row_case = "RPD-" + "1" * (stored - 3)
    run = hotlist_import(actor=act_as(detective), source="csv", file_name="long.csv",
                         data=csv_file(f"KRN5562,Stolen vehicle,IL,{row_case},", *GOOD_ROWS))
    assert run.rows_accepted == 6 and f"at most {stored} characters" in run.rejected_rows[0]["reason"]
    assert not HotlistEntry.objects.filter(plate_pattern="KRN5562").exists()
    AgencyPolicy.objects.create(case_number_pattern=r"^\d{2}-\d+$")
    with pytest.raises(ApplicationError, match=f"at most {stored} characters"):
        hotlist_import(actor=act_as(detective), source="csv", file_name="long2.csv",
                       data=csv_file("KRN5562,Stolen vehicle,IL,,"), case_number="26-" + "1" * (stored - 2))
    assert not HotlistEntry.objects.filter(plate_pattern="KRN5562").exists()
    assert AuditEvent.objects.filter(action="hotlist.imported", outcome=Outcome.FAILED).count() == 1


@pytest.mark.rule("RET-6")
def test_an_upload_whose_entries_would_expire_in_fifty_years_is_refused(detective):
    with pytest.raises(ApplicationError, match="expire in the future, within"):
        hotlist_import(actor=act_as(detective), source="csv", file_name="z.csv", data=csv_file(*GOOD_ROWS),
                       case_number="26-004512", expires_at=timezone.now() + timedelta(days=365 * 50))
    assert not ImportRun.objects.exists() and not HotlistEntry.objects.exists()


@pytest.mark.rule("ING-3")
def test_a_csv_field_too_long_to_read_rejects_the_file_with_a_clear_error(detective):
    # Tried: one description of 200,000 characters; the csv module's error escaped (a server error on
    # the upload page) and no import run or audit entry was written.
    run = hotlist_import(actor=act_as(detective), source="csv", file_name="big.csv",
                         data=csv_file(f'KRN5562,"{"A" * 200_000}",IL,26-004512,'))
    assert run.status == ImportStatus.REJECTED and "cannot be read as CSV" in run.error
    assert not HotlistEntry.objects.exists()
    assert AuditEvent.objects.filter(action="hotlist.imported", outcome=Outcome.FAILED).count() == 1


@pytest.mark.rule("ING-3")
def test_an_unreadable_file_in_the_folder_is_set_aside_and_the_next_one_imported(settings, tmp_path):
    # Tried: the oldest file of the folder held such a field; every scheduled run crashed on it and no
    # newer list was ever imported.
    settings.HOTLIST_IMPORT_DIR = str(tmp_path)
    settings.HOTLIST_IMPORT_SETTLE_SECONDS = 0
    (tmp_path / "csv").mkdir()
    poison = tmp_path / "csv" / "26-004512__a.csv"
    poison.write_bytes(csv_file(f'KRN5562,"{"A" * 200_000}",IL,,'))
    good = tmp_path / "csv" / "26-004513__b.csv"
    good.write_bytes(csv_file(*GOOD_ROWS))
    os.utime(poison, (1, 1))
    runs = import_folder()
    assert [run.status for run in runs] == [ImportStatus.REJECTED, ImportStatus.ACCEPTED]
    assert list((tmp_path / "rejected").glob(f"*-{poison.name}"))
    assert not poison.exists() and not good.exists()


@pytest.mark.rule("ING-3")
def test_the_folder_import_follows_no_link(settings, tmp_path):
    # Tried: ncic/hot.txt linking to a secrets file (its lines came back in the import report), and
    # leads/ linking to another folder (its files were moved into rejected/).
    settings.HOTLIST_IMPORT_DIR = str(tmp_path / "drop")
    settings.HOTLIST_IMPORT_SETTLE_SECONDS = 0
    (tmp_path / "drop" / "ncic").mkdir(parents=True)
    secret = tmp_path / "secret.env"
    secret.write_text("DATABASE_URL=postgres://u:pw@db/alpr\n")
    (tmp_path / "drop" / "ncic" / "hot.txt").symlink_to(secret)
    elsewhere = tmp_path / "evidence-store"
    elsewhere.mkdir()
    (elsewhere / "custody.json").write_text('{"case_number": "26-004512"}\n')
    (tmp_path / "drop" / "leads").symlink_to(elsewhere, target_is_directory=True)
    assert import_folder() == []
    assert not ImportRun.objects.exists()
    assert secret.exists() and (elsewhere / "custody.json").exists()


@pytest.mark.rule("ING-3")
def test_a_file_over_the_limit_is_refused_before_it_is_read(settings, make_verified_client, tmp_path):
    # Tried: uploads and folder files over HOTLIST_IMPORT_MAX_BYTES were read whole into memory before
    # the size was checked.
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.HOTLIST_IMPORT_MAX_BYTES = 1000
    client = make_verified_client(role="detective")
    upload = SimpleUploadedFile("big.csv", csv_file(*GOOD_ROWS * 20), content_type="text/csv")
    response = client.post("/hotlists/imports/", {"source": "csv", "file": upload,
                                                  "case_number": "26-004512"})
    assert response.status_code == 400 and b"larger than" in response.content
    assert not ImportRun.objects.exists()
    settings.HOTLIST_IMPORT_DIR = str(tmp_path)
    settings.HOTLIST_IMPORT_SETTLE_SECONDS = 0
    (tmp_path / "csv").mkdir()
    (tmp_path / "csv" / "26-004512.csv").write_bytes(csv_file(*GOOD_ROWS * 20))
    [run] = import_folder()
    assert run.status == ImportStatus.REJECTED and run.error == "The file is too large."
    assert not HotlistEntry.objects.exists()
