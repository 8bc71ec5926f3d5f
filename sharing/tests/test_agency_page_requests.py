"""The plates of agencies' written requests show only through the audited, training-gated listing, also on
the agency's page (ACC-5, AUD-1). Found by an outside review of the sharing side (the release caps it also
found are proven in test_release_caps.py)."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent, Outcome
from policy.roles import Role
from sharing.tests.conftest import DeclarationFactory, SharingRequestFactory

pytestmark = pytest.mark.django_db


@pytest.mark.rule("ACC-5", "AUD-1")
def test_the_agency_page_shows_no_requested_plate_to_a_reviewer_whose_training_lapsed(make_verified_client):
    """Tried: the administrator whose training has lapsed opens an agency's page
    (``/sharing/agencies/<id>/``) instead of the requests queue, which refuses them.

    The plates a written request names are plate data: the queue and the request's page show them only to
    a reviewer with current training and write an audit row naming every request shown
    (``sharing.selectors.sharing_requests_list`` / ``sharing_request_view``). The agency page lists the
    agency's last 20 requests with their plates (``sharing/views/agencies.py::agency_context``,
    ``agency.requests...[:20]`` rendered by ``sharing/_requests_table.html``) straight from the ORM:
    no training check, no audit row.
    """
    agency = DeclarationFactory().agency
    ask = SharingRequestFactory(agency=agency, plates=["RVW4417"])
    untrained = make_verified_client(Role.ADMINISTRATOR, trained=False)
    assert untrained.get(reverse("sharing:request_detail", args=[ask.pk])).status_code == 403  # the gate

    page = untrained.get(reverse("sharing:agency_detail", args=[agency.pk]))

    assert b"RVW4417" not in page.content, "the agency page showed a requested plate without training"


@pytest.mark.rule("AUD-1")
def test_the_agency_page_audits_the_requests_and_plates_it_shows(make_verified_client):
    """Tried: a trained administrator reads a request's plates on the agency's page rather than on the
    request's own page. Every showing of a request's plates is to be an audit row naming the request
    (as ``sharing.requests_listed`` / ``sharing.request_viewed`` are); the agency page writes none."""
    agency = DeclarationFactory().agency
    ask = SharingRequestFactory(agency=agency, plates=["RVW4418"])
    admin = make_verified_client(Role.ADMINISTRATOR)

    page = admin.get(reverse("sharing:agency_detail", args=[agency.pk]))

    assert page.status_code == 200 and b"RVW4418" in page.content
    naming = AuditEvent.objects.filter(actor_user=admin.user, outcome=Outcome.ALLOWED,
                                       targets__contains=[f"sharing-request:{ask.pk}"])
    assert naming.exists(), "the request's plates were shown and no audit row names the request"
