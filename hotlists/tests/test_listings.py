"""Every listing of hotlist entries and alerts is training-gated and audited, naming what it showed
(AUD-1, ACC-5); a bad query string is a clear error or ignored, never a 500."""
import pytest

from accounts.models import TrainingRecord
from core.errors import PolicyDenied
from hotlists import alerts, imports, services
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


# --- import reports: the rejected rows are the file's own text, plates included ---------------------

REJECTED_PLATE = "QRS4471"


def _import_with_a_rejected_row(actor, settings):
    """A CSV import of three rows, one rejected for its missing description (its text names the plate)."""
    settings.HOTLIST_IMPORT_MAX_REJECTED_SHARE = 0.5
    data = ("Plate Number,Description,State/Province,Case Number\n"
            "7ABC123,Stolen in burglary at 100 Main St,IL,26-004512\n"
            f"{REJECTED_PLATE},,IL,26-004512\n"
            "KRN5562,Robbery getaway car,IL,26-004512\n").encode()
    return imports.hotlist_import(actor=actor, source="csv", file_name="case.csv", data=data)


@pytest.mark.rule("AUD-1")
def test_an_import_report_opens_for_its_importer_and_is_audited_with_the_rows_shown(
        detective, make_verified_client, settings):
    run = _import_with_a_rejected_row(act_as(detective), settings)
    assert run.rows_rejected == 1
    response = make_verified_client(user=detective).get(f"/hotlists/imports/{run.pk}/")
    assert response.status_code == 200 and REJECTED_PLATE.encode() in response.content
    [row] = audit_rows("hotlist.import_viewed")
    assert (row.actor_user, row.outcome, row.result_count) == (detective, "allowed", 1)
    assert row.targets == [f"import:{run.pk}", f"hotlist:{run.hotlist_id}"]


@pytest.mark.rule("AUD-1")
def test_another_persons_import_report_is_refused_as_not_found_and_audited(
        detective, analyst, make_verified_client, settings):
    # Tried: an analyst opens a detective's import report by its number; it showed the rejected rows.
    run = _import_with_a_rejected_row(act_as(detective), settings)
    other = make_verified_client(user=analyst)
    response = other.get(f"/hotlists/imports/{run.pk}/")
    assert response.status_code == 404 and REJECTED_PLATE.encode() not in response.content
    missing = other.get(f"/hotlists/imports/{run.pk + 1000}/")
    assert missing.status_code == 404
    refused = audit_rows("hotlist.import_viewed")
    assert [(r.actor_user, r.outcome, r.targets) for r in refused] == [
        (analyst, "refused", [f"import:{run.pk}"]), (analyst, "refused", [f"import:{run.pk + 1000}"])]
    history = other.get("/hotlists/imports/")
    assert b"case.csv" in history.content and f"/hotlists/imports/{run.pk}/".encode() not in history.content


@pytest.mark.rule("ACC-5")
def test_an_importer_whose_training_lapsed_is_refused_the_report(detective, make_verified_client, settings):
    # Tried: the importer's training lapsed, then they opened their own report.
    run = _import_with_a_rejected_row(act_as(detective), settings)
    TrainingRecord.objects.filter(user=detective).delete()
    response = make_verified_client(user=detective).get(f"/hotlists/imports/{run.pk}/")
    assert response.status_code == 403 and REJECTED_PLATE.encode() not in response.content
    [row] = audit_rows("hotlist.import_viewed")
    assert row.outcome == "refused"


@pytest.mark.rule("AUD-1")
def test_the_folder_imports_report_opens_for_every_hotlist_editor(analyst, make_verified_client, settings):
    run = _import_with_a_rejected_row(imports.FOLDER_ACTOR, settings)
    editor = make_verified_client(user=analyst)
    assert f"/hotlists/imports/{run.pk}/".encode() in editor.get("/hotlists/imports/").content
    assert REJECTED_PLATE.encode() in editor.get(f"/hotlists/imports/{run.pk}/").content
    [row] = audit_rows("hotlist.import_viewed")
    assert (row.actor_user, row.outcome) == (analyst, "allowed")
