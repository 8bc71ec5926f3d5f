"""An import's default expiry (``hotlist_import_valid_hours``) never runs past the days an entry may run
(``hotlist_entry_max_days``): the shorter of the two wins, in the import and on the import page (RET-6)."""
from datetime import timedelta

import pytest
from django.utils import timezone

from hotlists.forms import ImportForm
from hotlists.imports import hotlist_import
from hotlists.models import HotlistEntry
from hotlists.tests.conftest import act_as
from hotlists.tests.test_import_hostile import csv_file
from hotlists.tests.test_imports import leads_stolen, ncic_file
from policy.models import AgencyPolicy

pytestmark = pytest.mark.django_db


@pytest.mark.rule("RET-6")
def test_an_imported_entry_never_runs_past_the_policys_days_an_entry_may_run(detective):
    """The policy is tightened to ``hotlist_entry_max_days=1`` (a tightening: it takes effect at once) and
    leaves ``hotlist_import_valid_hours`` at its default 48. A LEADS extract is then imported, and a CSV
    without expiries with no expiry for the file. Every entry expires within the day, as the policy says "a
    hotlist entry, typed or imported, expires within" it, and the CSV's row, which names no expiry, is
    accepted. (Given ``started + hotlist_import_valid_hours``, the LEADS entries ran 48 hours and the CSV row
    was rejected as "Expires after 1 days", an expiry it never stated.)"""
    AgencyPolicy.objects.create(hotlist_entry_max_days=1)  # the newest version is in force
    hotlist_import(actor=act_as(detective), source="leads", file_name="ISPLITH.TXT",
                   data=ncic_file(leads_stolen(plate="7ABC123")))
    csv_run = hotlist_import(actor=act_as(detective), source="csv", file_name="rows.csv",
                             data=csv_file("8XYZ991,Stolen vehicle,IL,26-004512,"))
    latest_allowed = timezone.now() + timedelta(days=1)
    too_long = {entry.plate_pattern: entry.expires_at - timezone.now()
                for entry in HotlistEntry.objects.filter(active=True) if entry.expires_at > latest_allowed}
    assert not too_long, f"imported entries run past the policy's 1 day: {too_long}"
    # The same default, checked for a CSV row, must not reject the row that names no expiry at all.
    assert csv_run.rows_accepted == 1, csv_run.rejected_rows
    # The import page states the default the import gives.
    assert ImportForm().fields["expires_on"].help_text.startswith("Default: 24 hours after the import")
