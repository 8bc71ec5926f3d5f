"""The system's closing notes of misread alerts written before they stopped naming plates are rewritten by
a data migration, so an upgraded deployment's closed alerts name no plate either (found by a review)."""
import importlib

import pytest
from django.apps import apps

from hotlists.models import Alert
from hotlists.tests.test_closed_alert_notes import alert_closed_on_correction
from policy.roles import Role

pytestmark = pytest.mark.django_db

# What ``alerts_after_correction`` wrote into ``Alert.verification_notes`` until a65cdb2 (ac50767's text).
OLD_NOTE = ("Closed by the system: the read's plate 7ABC123 was confirmed misread and corrected to 7ABC128 "
            "(flag {flag})."
            )


@pytest.mark.rule("USE-1", "AUD-1")
def test_an_alert_closed_by_the_system_before_the_fix_does_not_show_its_reads_plate(
        detective, officer, administrator, make_read, make_verified_client):
    """Tried: a deployment upgraded from ac50767 holds alerts the system closed as misreads under the old
    code, whose note reads "the read's plate 7ABC123 was confirmed misread and corrected to 7ABC128".
    (Built here by the same flow as ``test_closed_alert_notes``, the note then set to the old text, as the
    old code stored it.) A dispatcher, who receives alerts and never searched the plate, opens the closed
    alert's page: the template prints ``alert.verification_notes`` whole, so the read's real plate leaves
    without a justification and without an audit row naming the read, exactly what a65cdb2 fixed for new
    alerts. No migration rewrote the stored notes (hotlists has 0004, a column length only).

    Should: the old system notes are rewritten by a data migration (they have a fixed shape); an officer's
    note after it is kept."""
    _, alert, flag = alert_closed_on_correction(detective, officer, administrator, make_read)
    Alert.objects.filter(pk=alert.pk).update(verification_notes=OLD_NOTE.format(flag=flag.pk)
                                             + " Officer Diaz had confirmed it before the correction.")
    importlib.import_module("hotlists.migrations.0005_system_closing_notes_name_no_plate") \
        .rewrite_closing_notes(apps, None)

    response = make_verified_client(Role.DISPATCHER).get(f"/hotlists/alerts/{alert.pk}/")

    assert response.status_code == 200
    body = response.content.decode()
    at = body.find("7ABC128")
    assert at == -1, f"the closed alert's page shows the read's corrected plate: …{body[at - 120:at + 40]}…"
    alert.refresh_from_db()
    assert alert.verification_notes == (
        f"Closed by the system: its read was confirmed misread and its plate corrected (flag {flag.pk}); "
        "it no longer matches this entry. Officer Diaz had confirmed it before the correction.")
