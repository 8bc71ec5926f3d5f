"""How long a hotlist entry may run, and an import alert without a refresh, are the policy's
(``hotlist_entry_max_days``, ``hotlist_import_valid_hours``; RET-6): typed entries, CSV rows, an upload's
expiry and the import page follow the version in force."""
from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import ApplicationError
from hotlists.forms import EntryForm, ImportForm
from hotlists.imports import hotlist_import
from hotlists.models import HotlistEntry
from hotlists.services import hotlist_entry_add
from hotlists.tests.conftest import act_as, in_days
from hotlists.tests.test_import_hostile import csv_file
from hotlists.tests.test_imports import leads_stolen, ncic_file
from policy.models import AgencyPolicy

pytestmark = pytest.mark.django_db


def _add(detective, plate: str, days: float) -> HotlistEntry:
    return hotlist_entry_add(actor=act_as(detective), plate_pattern=plate, case_number="26-004512",
                             reason="Stolen in a burglary on Lake St", expires_at=in_days(days))


@pytest.mark.rule("RET-6")
def test_a_typed_entry_runs_at_most_the_policys_days(detective):
    assert _add(detective, "7ABC120", 300).plate_pattern == "7ABC120"  # the default: a year
    AgencyPolicy.objects.create(hotlist_entry_max_days=30)  # the newest version is in force
    with pytest.raises(ApplicationError, match="within 30 days"):
        _add(detective, "7ABC121", 31)
    assert _add(detective, "7ABC122", 29).plate_pattern == "7ABC122"
    assert not HotlistEntry.objects.filter(plate_pattern="7ABC121").exists()
    assert "At most 30 days ahead" in EntryForm().fields["expires_on"].help_text


@pytest.mark.rule("RET-6")
def test_an_imported_row_and_an_uploads_expiry_run_at_most_the_policys_days(detective):
    AgencyPolicy.objects.create(hotlist_entry_max_days=30)
    far = (timezone.localdate() + timedelta(days=40)).isoformat()
    run = hotlist_import(actor=act_as(detective), source="csv", file_name="rows.csv",
                         data=csv_file(*(f"7ABC12{n},Stolen vehicle,IL,26-004512," for n in range(5)),
                                       f"8XYZ999,Stolen vehicle,IL,26-004512,{far}"))
    assert run.rows_accepted == 5 and "Expires after 30 days" in run.rejected_rows[0]["reason"]
    with pytest.raises(ApplicationError, match="within 30 days"):
        hotlist_import(actor=act_as(detective), source="csv", file_name="all.csv",
                       data=csv_file("9XYZ999,Stolen vehicle,IL,26-004512,"), case_number="26-004512",
                       expires_at=in_days(40))


@pytest.mark.rule("RET-6")
def test_an_import_stops_alerting_the_policys_hours_after_it_unless_refreshed(detective):
    run = hotlist_import(actor=act_as(detective), source="leads", file_name="ISPLITH.TXT",
                         data=ncic_file(leads_stolen(plate="7ABC123")))
    assert HotlistEntry.objects.get().expires_at == run.started_at + timedelta(hours=48)  # the default
    AgencyPolicy.objects.create(hotlist_import_valid_hours=6)
    run = hotlist_import(actor=act_as(detective), source="leads", file_name="ISPLITH.TXT",
                         data=ncic_file(leads_stolen(plate="7ABC123")))
    assert HotlistEntry.objects.get(active=True).expires_at == run.started_at + timedelta(hours=6)
    assert ImportForm().fields["expires_on"].help_text.startswith("Default: 6 hours after the import")
