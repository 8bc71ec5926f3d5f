"""The results page says how far back held reads are searched, and opens them (RET-2)."""
from datetime import timedelta

import pytest
from django.utils import timezone

from retention.services import hold_place
from searches.tests.factories import actor, make_camera, make_read

pytestmark = pytest.mark.django_db


@pytest.mark.rule("RET-2")
def test_the_results_say_how_far_back_held_reads_are_searched(justified_client):
    camera = make_camera("Lake & Harlem")
    held = make_read(camera=camera, plate="ABC1234", images=False,
                     captured_at=timezone.now() - timedelta(days=50))
    unheld = make_read(camera=camera, plate="ABC1234", images=False,
                       captured_at=timezone.now() - timedelta(days=51))
    hold_place(actor=actor(justified_client.user), case_number="26-004512", reason="Robbery evidence",
               read_ids=[held.pk])
    response = justified_client.get("/search/plates/", {"plate": "ABC1234", "mode": "exact",
                                                      "since": "2020-01-01T00:00"})
    page = response.content.decode()
    assert f"/search/reads/{held.pk}/" in page and f"/search/reads/{unheld.pk}/" not in page
    assert "reads an evidence hold keeps are searched back to 2020-01-01" in page
    assert justified_client.get(f"/search/reads/{held.pk}/").status_code == 200
    assert justified_client.get(f"/search/reads/{unheld.pk}/").status_code == 403  # not listed: out of scope
