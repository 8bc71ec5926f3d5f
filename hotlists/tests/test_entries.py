"""RET-6 and ACC-7 for hotlist entries: who may change them, what each must carry, every change audited."""
from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import ApplicationError, PolicyDenied, ProhibitedPurpose
from hotlists import services
from hotlists.models import HotlistEntry
from hotlists.tests.conftest import act_as, audit_rows, in_days

pytestmark = pytest.mark.django_db

ENTRY = {"plate_pattern": "7abc-123", "state": "il", "reason": "Stolen from driveway, burglary suspect",
         "case_number": "26-004512", "priority": 1}


@pytest.mark.rule("ACC-7")
@pytest.mark.rule("RET-6")
@pytest.mark.parametrize("role_fixture", ["detective", "analyst"])
def test_detectives_and_analysts_add_entries_and_each_addition_is_audited(request, role_fixture):
    person = request.getfixturevalue(role_fixture)
    entry = services.hotlist_entry_add(actor=act_as(person), expires_at=in_days(), **ENTRY)
    assert (entry.plate_pattern, entry.state, entry.plate_exact, entry.case_number) == (
        "7ABC123", "IL", "7ABC123", "26-004512")
    [row] = audit_rows("hotlist.entry_added")
    assert row.actor_user == person and row.outcome == "allowed" and row.case_number == "26-004512"
    assert f"hotlist-entry:{entry.pk}" in row.targets


@pytest.mark.rule("ACC-7")
def test_an_officer_cannot_add_an_entry_and_the_refusal_is_audited(officer):
    with pytest.raises(PolicyDenied):
        services.hotlist_entry_add(actor=act_as(officer), expires_at=in_days(), **ENTRY)
    assert not HotlistEntry.objects.exists()
    [row] = audit_rows("hotlist.entry_added")
    assert row.outcome == "refused" and row.actor_user == officer


@pytest.mark.rule("ACC-5")
def test_a_detective_without_current_training_is_refused(user_factory):
    untrained = user_factory(role="detective", trained=False)
    with pytest.raises(PolicyDenied):
        services.hotlist_entry_add(actor=act_as(untrained), expires_at=in_days(), **ENTRY)


@pytest.mark.rule("RET-6")
@pytest.mark.parametrize(("change", "field"), [
    # A reason that says nothing is refused by the justification gate, as a search's description is
    # (searches/tests/test_gate_stated_reasons.py).
    ({"case_number": ""}, "case_number"),
    ({"case_number": "whatever"}, "case_number"),
    ({"expires_at": None}, "expires_at"),
    ({"expires_at": "past"}, "expires_at"),
    ({"expires_at": "far"}, "expires_at"),
    ({"plate_pattern": "A*"}, "plate_pattern"),
])
def test_reason_case_number_and_expiry_are_required(detective, change, field):
    fields = {**ENTRY, "expires_at": in_days(), **change}
    if fields["expires_at"] == "past":
        fields["expires_at"] = timezone.now() - timedelta(minutes=1)
    elif fields["expires_at"] == "far":
        fields["expires_at"] = in_days(400)
    with pytest.raises(ApplicationError) as error:
        services.hotlist_entry_add(actor=act_as(detective), **fields)
    assert error.value.field == field
    assert not HotlistEntry.objects.exists()
    assert [r.outcome for r in audit_rows("hotlist.entry_added")] == ["failed"]


@pytest.mark.rule("RET-6", "AUD-1")
def test_a_case_number_longer_than_an_entry_stores_is_refused_not_a_server_error(detective):
    """Tried: the agency's case-number pattern sets no upper length (``^\\d{2}-\\d+$``); a typed case number
    one character longer than HotlistEntry.case_number matched it and reached the column: a DataError."""
    from policy.models import AgencyPolicy

    AgencyPolicy.objects.create(case_number_pattern=r"^\d{2}-\d+$")
    stored = HotlistEntry._meta.get_field("case_number").max_length
    too_long, as_long = "26-" + "1" * (stored - 2), "26-" + "1" * (stored - 3)
    with pytest.raises(ApplicationError, match=f"at most {stored} characters") as refused:
        services.hotlist_entry_add(actor=act_as(detective), expires_at=in_days(),
                                   **{**ENTRY, "case_number": too_long})
    assert refused.value.field == "case_number" and not HotlistEntry.objects.exists()
    entry = services.hotlist_entry_add(actor=act_as(detective), expires_at=in_days(),
                                       **{**ENTRY, "case_number": as_long})
    with pytest.raises(ApplicationError, match=f"at most {stored} characters"):
        services.hotlist_entry_edit(actor=act_as(detective), entry_id=entry.pk, expires_at=in_days(),
                                    **{**ENTRY, "case_number": too_long})
    assert HotlistEntry.objects.get(pk=entry.pk).case_number == as_long
    assert [r.outcome for r in audit_rows("hotlist.entry_added")] == ["failed", "allowed"]
    assert [r.outcome for r in audit_rows("hotlist.entry_edited")] == ["failed"]


@pytest.mark.rule("RET-6")
def test_the_database_refuses_an_entry_without_reason_or_case_number(detective):
    from django.db import IntegrityError, transaction

    hotlist = services.internal_hotlist()
    with pytest.raises(IntegrityError), transaction.atomic():
        HotlistEntry.objects.create(hotlist=hotlist, plate_pattern="ABC123", reason="", case_number="",
                                    expires_at=in_days())


@pytest.mark.rule("USE-3")
def test_a_reason_naming_a_prohibited_purpose_is_refused_and_flagged(detective):
    with pytest.raises(PolicyDenied):
        services.hotlist_entry_add(actor=act_as(detective), expires_at=in_days(),
                                   **{**ENTRY, "reason": "Car seen at the immigration protest rally"})
    [row] = audit_rows("hotlist.entry_added")
    assert row.outcome == "refused" and row.flagged


@pytest.mark.rule("USE-5")
def test_a_partial_plate_entry_is_stored_as_a_wildcard(detective):
    entry = services.hotlist_entry_add(actor=act_as(detective), expires_at=in_days(),
                                       **{**ENTRY, "plate_pattern": "7AB?12*"})
    assert entry.is_wildcard and entry.like_pattern == "7AB_12%" and entry.plate_exact == ""


@pytest.mark.rule("RET-6")
def test_edit_and_deactivate_are_audited_and_only_by_editors(detective, officer):
    entry = services.hotlist_entry_add(actor=act_as(detective), expires_at=in_days(), **ENTRY)
    services.hotlist_entry_edit(actor=act_as(detective), entry_id=entry.pk, expires_at=in_days(10),
                                **{**ENTRY, "plate_pattern": "7ABC124"})
    entry.refresh_from_db()
    assert entry.plate_exact == "7ABC124"
    [edited] = audit_rows("hotlist.entry_edited")
    assert "before: 7ABC123" in edited.description and "after: 7ABC124" in edited.description
    with pytest.raises(PolicyDenied):
        services.hotlist_entry_deactivate(actor=act_as(officer), entry_id=entry.pk, reason="Recovered")
    services.hotlist_entry_deactivate(actor=act_as(detective), entry_id=entry.pk, reason="Vehicle recovered")
    entry.refresh_from_db()
    assert not entry.active and entry.deactivation_reason == "Vehicle recovered"
    assert [r.outcome for r in audit_rows("hotlist.entry_deactivated")] == ["refused", "allowed"]


@pytest.mark.rule("USE-3")
def test_a_prohibited_purpose_in_the_vehicle_description_is_refused_and_flagged(detective):
    """Tried: a proper reason, and the prohibited purpose in the vehicle description every officer sees
    with the alert; then the same by editing an accepted entry."""
    text = "Blue Honda Civic; driver wanted for immigration enforcement, hand over to ICE"
    fields = {"plate_pattern": "7ABC123", "state": "IL", "reason": "Stolen in burglary at 100 Main St",
              "case_number": "26-009999", "expires_at": in_days()}
    with pytest.raises(ProhibitedPurpose):
        services.hotlist_entry_add(actor=act_as(detective), vehicle_description=text, **fields)
    assert not HotlistEntry.objects.exists()
    entry = services.hotlist_entry_add(actor=act_as(detective), vehicle_description="Blue Honda Civic",
                                       **fields)
    with pytest.raises(ProhibitedPurpose):
        services.hotlist_entry_edit(actor=act_as(detective), entry_id=entry.pk, vehicle_description=text,
                                    **fields)
    assert HotlistEntry.objects.get(pk=entry.pk).vehicle_description == "Blue Honda Civic"
    assert [row.flagged for row in audit_rows("hotlist.entry_added") if row.outcome == "refused"] == [True]
