"""Every CSV the system writes keeps spreadsheet formulas out (the audit export, reports, the portal)."""
import pytest

from core.spreadsheets import spreadsheet_cell


@pytest.mark.rule("RPT-3")
@pytest.mark.parametrize(("value", "cell"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+1+1", "'+1+1"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1+1", "'\t=1+1"),  # a tab or carriage return first was let through by the reports' own guard
    ("\r=1+1", "'\r=1+1"),
    ("-12.5", "-12.5"),  # a number stays a number
    ("Harlem & North", "Harlem & North"),
    (None, ""),
    (42, "42"),
])
def test_a_cell_never_starts_a_formula(value, cell):
    assert spreadsheet_cell(value) == cell


@pytest.mark.rule("RPT-3")
@pytest.mark.django_db
def test_the_portal_camera_list_csv_is_guarded(client):
    # Tried: a camera named "=HYPERLINK(...)" by a staff typo or a compromised account; the public CSV
    # handed the formula to every spreadsheet that opened it.
    from alpr.models import Camera, CameraStatus

    Camera.objects.create(name='=HYPERLINK("http://evil.example","Click")', status=CameraStatus.INACTIVE,
                          latitude=41.885, longitude=-87.785)
    text = client.get("/portal/cameras.csv").content.decode()
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text
