"""Recording what an earlier search led to, from the start page's list of recent searches (RPT-1)."""
import pytest
from django.urls import reverse

from audit.models import AuditEvent
from policy.roles import Role
from searches.models import SearchOutcome
from searches.tests.factories import JustificationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.rule("RPT-1")]


def test_a_searcher_records_the_outcome_of_an_ended_search_of_their_own(make_verified_client):
    client = make_verified_client(Role.OFFICER)
    ended = JustificationFactory(user=client.user)
    url = reverse("searches:outcome_for", args=[ended.pk])
    page = client.get(url).content.decode()
    assert ended.case_number in page and "What did this search lead to?" in page

    response = client.post(url, {"outcome": "arrest", "note": "Driver arrested on the warrant"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    [outcome] = SearchOutcome.objects.filter(justification=ended)
    assert (outcome.outcome, outcome.recorded_by) == ("arrest", client.user)
    assert AuditEvent.objects.filter(action="search.outcome_recorded", actor_user=client.user,
                                     outcome="allowed", case_number=ended.case_number).count() == 1


def test_no_outcome_is_recorded_without_a_choice(make_verified_client):
    client = make_verified_client(Role.OFFICER)
    ended = JustificationFactory(user=client.user)
    response = client.post(reverse("searches:outcome_for", args=[ended.pk]), {"outcome": "lots", "note": ""})
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert not SearchOutcome.objects.exists()


def test_someone_elses_search_is_neither_shown_nor_given_an_outcome(make_verified_client):
    client = make_verified_client(Role.DETECTIVE)
    theirs = JustificationFactory()
    url = reverse("searches:outcome_for", args=[theirs.pk])
    assert client.get(url).status_code == 404
    # Tried: recording an arrest on another officer's search by its id. Refused as no search of theirs,
    # recorded, nothing stored.
    assert client.post(url, {"outcome": "arrest"}).status_code == 404
    assert not SearchOutcome.objects.exists()
    assert AuditEvent.objects.filter(action="search.outcome_recorded", actor_user=client.user,
                                     outcome="failed", targets=[f"justification:{theirs.pk}"]).count() == 1


def test_an_audit_query_has_no_outcome_page(make_verified_client):
    client = make_verified_client(Role.OFFICER)
    audit_query = JustificationFactory(user=client.user, kind="audit", purpose="audit_query")
    assert client.get(reverse("searches:outcome_for", args=[audit_query.pk])).status_code == 404
