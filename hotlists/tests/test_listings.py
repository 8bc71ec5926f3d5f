"""Every listing of hotlist entries and alerts is training-gated and audited, naming what it showed
(AUD-1, ACC-5); a bad query string is a clear error or ignored, never a 500."""
import pytest

from accounts.models import TrainingRecord
from core.errors import PolicyDenied
from hotlists import alerts, services
from hotlists.matching import read_match_hotlists
from hotlists.tests.conftest import act_as, audit_rows, in_days
from policy.roles import Role

pytestmark = pytest.mark.django_db


def _entry(detective, plate: str, case_number: str = "26-004512"):
    return services.hotlist_entry_add(
        actor=act_as(detective), plate_pattern=plate, state="IL", case_number=case_number,
        reason="Stolen in burglary at 100 Main St", expires_at=in_days(), vehicle_description="Blue sedan")


@pytest.mark.rule("AUD-1")
def test_the_hotlist_index_is_audited_with_every_entry_it_shows(detective, make_verified_client):
    # Tried: an officer opens /hotlists/ and filters it; each listing used to leave no trace.
    first, second = _entry(detective, "7ABC123"), _entry(detective, "KRN5562", "26-004513")
    officer = make_verified_client(Role.OFFICER)
    listing = officer.get("/hotlists/")
    assert listing.status_code == 200 and b"7ABC123" in listing.content and b"KRN5562" in listing.content
    [row] = audit_rows("hotlist.entries_listed")
    assert row.actor_user == officer.user and row.outcome == "allowed" and row.result_count == 2
    assert set(row.targets) == {f"hotlist-entry:{first.pk}", f"hotlist-entry:{second.pk}"}
    filtered = officer.get("/hotlists/", {"q": "krn"})
    assert b"KRN5562" in filtered.content and b"7ABC123" not in filtered.content
    row = audit_rows("hotlist.entries_listed")[-1]
    assert row.targets == [f"hotlist-entry:{second.pk}"] and row.query["q"] == "KRN"


@pytest.mark.rule("ACC-5")
def test_a_person_whose_training_lapsed_sees_no_hotlist_entries(detective, user_factory,
                                                                  make_verified_client):
    # Tried: an officer whose training is not recorded opens /hotlists/; the page listed every plate.
    _entry(detective, "7ABC123")
    lapsed = user_factory(role=Role.OFFICER)
    TrainingRecord.objects.filter(user=lapsed).delete()
    response = make_verified_client(user=lapsed).get("/hotlists/")
    assert response.status_code == 403 and b"7ABC123" not in response.content
    [row] = audit_rows("hotlist.entries_listed")
    assert row.outcome == "refused" and row.actor_user == lapsed


@pytest.mark.rule("AUD-1")
def test_the_edit_page_of_an_entry_is_audited(detective, make_verified_client):
    entry = _entry(detective, "7ABC123")
    editor = make_verified_client(user=detective)
    assert b"7ABC123" in editor.get(f"/hotlists/entries/{entry.pk}/edit/").content
    [row] = audit_rows("hotlist.entry_viewed")
    assert row.targets == [f"hotlist-entry:{entry.pk}"] and row.case_number == "26-004512"


@pytest.mark.parametrize("query", [{"q": "\x00"}, {"q": "7ABC\x00123"}, {"list": "abc"}, {"list": "\x00"},
                                   {"list": "1" * 40}, {"list": "٣"}, {"q": "x" * 5000}, {"show": "\x00"}])
def test_a_bad_query_string_on_the_hotlist_index_is_never_a_500(detective, make_verified_client, query):
    # Tried: GET /hotlists/?q=%00 and ?list=abc answered 500 (PostgreSQL refuses a NUL; int("abc")).
    _entry(detective, "7ABC123")
    client = make_verified_client(Role.OFFICER)
    client.raise_request_exception = False
    response = client.get("/hotlists/", query)
    assert response.status_code in (200, 400), response.status_code
    if any("\x00" in value for value in query.values()):
        assert response.status_code == 400  # refused before any view (core.middleware.QueryStringMiddleware)
    elif "list" in query:
        assert response.status_code == 400 and b"no such list" in response.content
    elif query.get("q", "").startswith("7ABC"):
        assert response.status_code == 200 and b"7ABC123" in response.content


@pytest.mark.rule("AUD-1")
def test_the_alert_inbox_audit_names_every_alert_read_and_entry_shown(detective, officer, make_read):
    # Tried: the inbox lists alerts with their plates; its audit row named none of them.
    entry = _entry(detective, "7ABC123")
    [alert] = read_match_hotlists(make_read("7ABC123").pk)
    views = alerts.alert_list(actor=act_as(officer))
    assert [view.alert.pk for view in views] == [alert.pk]
    [row] = audit_rows("hotlist.alert_list_viewed")
    assert set(row.targets) == {f"alert:{alert.pk}", f"read:{alert.read_id}", f"hotlist-entry:{entry.pk}"}


@pytest.mark.rule("AUD-1")
@pytest.mark.rule("ACC-5")
def test_a_refused_alert_poll_is_recorded(detective, user_factory, make_read):
    # Tried: an officer whose training lapsed keeps polling for alerts: refused, and now recorded.
    _entry(detective, "7ABC123")
    read_match_hotlists(make_read("7ABC123").pk)
    lapsed = user_factory(role=Role.OFFICER)
    TrainingRecord.objects.filter(user=lapsed).delete()
    with pytest.raises(PolicyDenied):
        alerts.alerts_poll(actor=act_as(lapsed), after_id=0)
    [row] = audit_rows("hotlist.alerts_delivered")
    assert row.outcome == "refused" and row.actor_user == lapsed
