"""CAM-2: `record_prior_approvals` imports a department's register of cameras approved before the
system, in the Chief's name, with the same checks and audit as the Chief's page."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from alpr.models import Camera, CameraStatus
from alpr.services import camera_create
from audit.context import Actor
from audit.models import AuditEvent
from policy.roles import Role
from reports.tests.conftest import LONG_AGO, PRIOR_RECORDED, assert_still_pending, days_ago, prior_approval

pytestmark = pytest.mark.django_db


HEADER = ("camera_name,approved_on,approved_by,approval_document,public_notice,latitude,longitude,"
          "location_description,justification,nondiscrimination,notice_from,heading,camera_kind\n")


def _row(name: str, approved_on: str, **overrides) -> str:
    fields = {**prior_approval(), "camera_name": name, "approved_on": approved_on, "notice_from": "",
              "heading": "90", "camera_kind": "", **overrides}
    columns = HEADER.strip().split(",")
    return ",".join(f'"{fields[column]}"' for column in columns) + "\n"


def _import(tmp_path, text: str, chief: str):
    register = tmp_path / "register.csv"
    register.write_text(text, encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("record_prior_approvals", str(register), "--chief", chief, stdout=out, stderr=err)
    return out.getvalue()


@pytest.mark.rule("CAM-2")
def test_the_command_imports_a_register_in_the_chiefs_name(tmp_path, people, pending_camera):
    long_ago = days_ago(LONG_AGO).isoformat()
    out = _import(tmp_path, HEADER + _row(pending_camera.name, long_ago) + _row("Chicago Ave", long_ago),
                  people[Role.CHIEF].username)
    assert "2 recorded." in out
    assert set(Camera.objects.values_list("status", flat=True)) == {CameraStatus.ACTIVE}
    audit = AuditEvent.objects.filter(action=PRIOR_RECORDED).order_by("pk")
    assert [event.actor_user for event in audit] == [people[Role.CHIEF]] * 2
    assert "manage.py record_prior_approvals" in audit[0].actor_label
    assert Camera.objects.get(name="Chicago Ave").heading == 90


@pytest.mark.rule("CAM-2")
def test_the_command_records_nothing_from_a_register_it_cannot_read(tmp_path, people, pending_camera):
    # Tried: a register whose second row has a date as 03/04/2024, or a heading in a superscript digit
    # (str.isdigit() takes it, int() does not), and one without a required column.
    rows = _row(pending_camera.name, days_ago(LONG_AGO).isoformat()) + _row("Chicago Ave", "03/04/2024")
    with pytest.raises(CommandError, match="line 3: approved_on '03/04/2024' is not a date"):
        _import(tmp_path, HEADER + rows, people[Role.CHIEF].username)
    long_ago = days_ago(LONG_AGO).isoformat()
    superscript = _row(pending_camera.name, long_ago) + _row("Chicago Ave", long_ago, heading="9²")
    with pytest.raises(CommandError, match="line 3: heading '9²' is not a whole number of degrees"):
        _import(tmp_path, HEADER + superscript, people[Role.CHIEF].username)
    with pytest.raises(CommandError, match="no column public_notice"):
        _import(tmp_path, HEADER.replace("public_notice,", "notice,") + rows, people[Role.CHIEF].username)
    assert_still_pending(pending_camera)
    assert not Camera.objects.filter(name="Chicago Ave").exists()


@pytest.mark.rule("CAM-2")
def test_the_command_reports_each_refused_row_and_records_the_others(tmp_path, people, pending_camera):
    # Tried: a row approved last week (its notice still running), and the whole file as an administrator.
    long_ago, last_week = days_ago(LONG_AGO).isoformat(), days_ago(7).isoformat()
    rows = _row(pending_camera.name, long_ago) + _row("Chicago Ave", last_week)
    with pytest.raises(CommandError, match="1 of 2 recorded; not recorded: line 3 "):
        _import(tmp_path, HEADER + rows, people[Role.CHIEF].username)
    assert not Camera.objects.filter(name="Chicago Ave").exists()
    pending_camera.refresh_from_db()
    assert pending_camera.status == CameraStatus.ACTIVE
    other = camera_create(actor=Actor.system("old installer"), name="Austin Blvd")
    with pytest.raises(CommandError, match="0 of 1 recorded"):
        _import(tmp_path, HEADER + _row(other.name, days_ago(LONG_AGO).isoformat()),
                people[Role.ADMINISTRATOR].username)
    other.refresh_from_db()
    assert other.status == CameraStatus.PENDING
    assert AuditEvent.objects.filter(action=PRIOR_RECORDED, outcome="refused").count() == 1
    with pytest.raises(CommandError, match="No account"):
        _import(tmp_path, HEADER + _row(other.name, days_ago(LONG_AGO).isoformat()), "nobody")
