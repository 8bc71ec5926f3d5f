"""The audit log's plate-bearing fields are ALPR data (USE-4, AUD-1, ACC-5): the page and the CSV show
them only to a reader under an open audit justification, checked and audited by the access layer;
otherwise they are withheld."""
import csv
import io

import pytest
from django.urls import reverse

from accounts.models import TrainingRecord
from alpr import access
from audit import actions
from audit.actions import AuditAction
from audit.audit_actions import AUDIT_LOG_EXPORTED, AUDIT_LOG_VIEWED
from audit.disclosure import WITHHELD, shown_fields
from audit.models import AuditEvent, Outcome
from audit.selectors import AuditFilters
from core.errors import PolicyDenied
from policy.roles import Role
from retention import services as retention_services
from retention.models import ErroneousFlag, ErrorKind
from searches import services as search_services
from searches.models import Justification
from searches.tests.factories import actor, make_camera, make_read, open_justification
from searches.views import SESSION_KEY

pytestmark = pytest.mark.django_db

PLATE, CORRECTED = "KRN5562", "KRN5563"
PACKAGE = "evidence-package:0b5c9a57-22d1-4f6e-9c1e-0d1f3c0a4b21"
AUDIT_DESCRIPTION = "Monthly audit of the plate views of November, as the general order requires"


@pytest.fixture
def trail(detective, administrator):
    """A detective's search and opening of a read, and a reviewed flag: entries that carry plates."""
    read = make_read(camera=make_camera(), plate=PLATE, images=False)
    justification = open_justification(detective)
    access.plate_reads_search(actor=actor(detective), justification=justification, plate=PLATE)
    access.plate_read_get(actor=actor(detective), justification=justification, read_id=read.pk)
    flag = ErroneousFlag.objects.create(read_id=read.pk, read_captured_at=read.captured_at,
                                        kind=ErrorKind.MISREAD, note=f"{PLATE} should be {CORRECTED}",
                                        suggested_plate=CORRECTED, flagged_by=detective)
    retention_services.flag_review(actor=actor(administrator), flag_id=flag.pk, confirm=True,
                                   note="Confirmed on the photo", corrected_plate=CORRECTED)
    return read


def _reader(make_verified_client, role=Role.AUDITOR, *, justified: bool):
    client = make_verified_client(role)
    if justified:
        audit = search_services.justification_open(actor=actor(client.user), purpose="", case_number="",
                                                   description=AUDIT_DESCRIPTION)
        session = client.session
        session[SESSION_KEY] = audit.pk
        session.save()
        client.justification = audit
    return client


def _csv(response) -> tuple[bytes, list[dict]]:
    body = b"".join(response.streaming_content)
    return body, list(csv.DictReader(io.StringIO(body.decode())))


def _last(action, user):
    return AuditEvent.objects.filter(action=action.code, actor_user=user).order_by("-id").first()


@pytest.mark.rule("USE-4")
@pytest.mark.parametrize("role", [Role.AUDITOR, Role.ADMINISTRATOR])
def test_without_an_audit_justification_the_log_withholds_every_plate(trail, make_verified_client, role):
    # Tried: the log page and the CSV export as an auditor and an administrator with no justification;
    # the CSV's query column carried the plate of every read viewed and of each reviewed flag.
    reader = _reader(make_verified_client, role, justified=False)
    page = reader.get(reverse("audit:log"))
    assert page.status_code == 200 and PLATE.encode() not in page.content
    assert CORRECTED.encode() not in page.content and WITHHELD.encode() in page.content
    body, rows = _csv(reader.get(reverse("audit:export")))
    assert PLATE.encode() not in body and CORRECTED.encode() not in body
    viewed = next(row for row in rows if row["action"] == "read.viewed")
    assert f'"read_id": {trail.pk}' in viewed["query"] and f'"plate": "{WITHHELD}"' in viewed["query"]
    assert viewed["targets"] == f'["read:{trail.pk}"]' and viewed["case_number"] == "26-004512"
    assert viewed["description"] == WITHHELD  # the justification's words may name a plate
    reviewed = next(row for row in rows if row["action"] == "retention.flag_reviewed")
    assert f'"plate_before": "{WITHHELD}"' in reviewed["query"]
    assert '"agencies_notified": 0' in reviewed["query"]
    listing, export = _last(AUDIT_LOG_VIEWED, reader.user), _last(AUDIT_LOG_EXPORTED, reader.user)
    assert "plates_shown" not in listing.query and listing.targets == [] and export.targets == []


@pytest.mark.rule("USE-4")
@pytest.mark.rule("AUD-1")
def test_under_an_audit_justification_the_page_shows_plates_and_its_audit_entry_names_them(
        trail, make_verified_client):
    reader = _reader(make_verified_client, justified=True)
    page = reader.get(reverse("audit:log"), {"action": "read.viewed"})
    assert page.status_code == 200 and PLATE.encode() in page.content
    shown = [event.pk for event in page.context["page"]]
    listing = _last(AUDIT_LOG_VIEWED, reader.user)
    audit = reader.justification
    assert (listing.outcome, listing.purpose, listing.description) == (
        Outcome.ALLOWED, audit.purpose, AUDIT_DESCRIPTION)
    assert listing.query == {"action": "read.viewed", "justification": audit.pk, "plates_shown": True}
    assert listing.targets == [*(f"audit-event:{pk}" for pk in shown), f"read:{trail.pk}"]


@pytest.mark.rule("USE-4")
@pytest.mark.rule("AUD-1")
def test_under_an_audit_justification_the_export_carries_plates_and_names_their_reads(
        trail, make_verified_client):
    reader = _reader(make_verified_client, justified=True)
    body, rows = _csv(reader.get(reverse("audit:export")))
    assert PLATE.encode() in body and CORRECTED.encode() in body
    export = _last(AUDIT_LOG_EXPORTED, reader.user)
    assert export.outcome == Outcome.ALLOWED and export.description == AUDIT_DESCRIPTION
    assert export.query["plates_shown"] is True and export.targets == [f"read:{trail.pk}"]
    # Exactly the rows it names: none after `through_event`, its own entry included.
    assert export.result_count == len(rows) and export.pk not in {int(row["id"]) for row in rows}
    assert max(int(row["id"]) for row in rows) == export.query["through_event"]


@pytest.mark.rule("ACC-5")
@pytest.mark.rule("USE-4")
def test_a_reader_whose_training_lapsed_is_refused_the_plates_and_the_refusal_is_audited(
        trail, make_verified_client):
    # Tried: an auditor opened an audit justification, then their training lapsed; the export used to
    # hand over every plate whatever the training.
    reader = _reader(make_verified_client, justified=True)
    TrainingRecord.objects.filter(user=reader.user).delete()
    for url, action in ((reverse("audit:log"), AUDIT_LOG_VIEWED),
                        (reverse("audit:export"), AUDIT_LOG_EXPORTED)):
        response = reader.get(url)
        assert response.status_code == 403 and PLATE.encode() not in response.content
        refusal = _last(action, reader.user)
        assert refusal.outcome == Outcome.REFUSED and refusal.query["plates_shown"] is True
    assert not AuditEvent.objects.filter(actor_user=reader.user, outcome=Outcome.ALLOWED,
                                         action__startswith="audit.log").exists()


@pytest.mark.rule("USE-4")
def test_the_access_layer_refuses_the_plates_to_a_case_justification_and_to_someone_elses(
        trail, detective, user_factory):
    # Tried: the access layer's log reading with a detective's case justification, and an auditor
    # citing another auditor's audit justification.
    filters = AuditFilters()
    with pytest.raises(PolicyDenied):
        access.audit_log_page_with_plates(actor=actor(detective), justification=open_justification(detective),
                                          filters=filters)
    owner, other = user_factory(role=Role.AUDITOR), user_factory(role=Role.AUDITOR)
    audit = search_services.justification_open(actor=actor(owner), purpose="", case_number="",
                                               description=AUDIT_DESCRIPTION)
    with pytest.raises(PolicyDenied, match="not yours"):
        list(access.audit_log_export_with_plates(actor=actor(other), justification=audit, filters=filters))
    refusals = AuditEvent.objects.filter(action__in=[AUDIT_LOG_VIEWED.code, AUDIT_LOG_EXPORTED.code])
    assert [row.outcome for row in refusals] == [Outcome.REFUSED, Outcome.REFUSED]


@pytest.mark.rule("USE-4")
def test_an_expired_audit_justification_shows_the_log_withheld(trail, make_verified_client):
    reader = _reader(make_verified_client, justified=True)
    Justification.objects.filter(pk=reader.justification.pk).update(expires_at=reader.justification.created_at)
    page = reader.get(reverse("audit:log"))
    assert page.status_code == 200 and PLATE.encode() not in page.content
    assert "plates_shown" not in _last(AUDIT_LOG_VIEWED, reader.user).query


def test_withholding_keeps_ids_and_numbers_and_withholds_every_text():
    # Tried: plate text as a query value, nested, in a list, as a target's value, a digits-only plate.
    fields = {"description": "Silver sedan KRN5562", "reason": "Refused.",
              "targets": ["read:12", "plate:1234567", "plate-pattern:KRN*", "hotlist-name:Ops", PACKAGE],
              "query": {"plate": "KRN5562", "read_id": 12, "read_ids": [1, 2], "plates": ["KRN5562"],
                        "clamped": False, "area": {"radius_m": 300, "label": "KRN5562"}, "none": None}}
    shown = shown_fields(fields, action="read.viewed", disclosed=False)
    assert shown["description"] == WITHHELD and shown["reason"] == "Refused."
    assert shown["targets"] == ["read:12", f"plate:{WITHHELD}", f"plate-pattern:{WITHHELD}",
                                f"hotlist-name:{WITHHELD}", PACKAGE]
    assert shown["query"] == {"plate": WITHHELD, "read_id": 12, "read_ids": [1, 2], "plates": WITHHELD,
                              "clamped": False, "area": {"radius_m": 300, "label": WITHHELD}, "none": None}
    assert shown_fields(fields, action="read.viewed", disclosed=True) == fields
    assert shown_fields(fields, action="auth.login_failed", disclosed=False) == fields
    assert shown_fields(fields, action="no.longer_registered", disclosed=False)["description"] == WITHHELD


@pytest.mark.parametrize(("category", "touches_alpr_data", "names_plates"), [
    ("auth", False, False), ("search", False, True), ("a category no one has decided on", False, True),
    ("auth", True, True)])
def test_the_registry_says_which_actions_may_name_plates(monkeypatch, category, touches_alpr_data,
                                                         names_plates):
    monkeypatch.setattr(actions, "_registry", dict(actions._registry))  # declared for this test only
    declared = actions.register("test.declared", "Declared", category=category,
                                touches_alpr_data=touches_alpr_data)
    assert declared.names_plates is names_plates


def test_an_action_that_touches_alpr_data_cannot_be_declared_plate_free(monkeypatch):
    monkeypatch.setattr(actions, "_registry", dict(actions._registry))
    with pytest.raises(ValueError):
        actions.register("test.declared", "Declared", category="auth", touches_alpr_data=True,
                         names_plates=False)
    assert AuditAction("test.made", "Made by hand", "auth").names_plates is True
