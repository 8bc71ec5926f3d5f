"""The auditor sees the searches that passed the gate but look unusual: many plates under one
justification, many reads opened, off hours (USE-1, AUD-1). The reading is audited."""
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from alpr.access import partner_plate_reads_search
from audit.audit_actions import UNUSUAL_SEARCHES_VIEWED
from audit.context import Actor
from audit.models import AuditEvent, Outcome
from audit.selectors import unusual_searches
from audit.services import audit_record
from conftest import UserFactory
from core.errors import PolicyDenied
from policy.models import AgencyPolicy
from policy.roles import Role
from searches import audit_actions as actions
from searches.tests.factories import open_justification
from sharing.auth import partner_actor
from sharing.tests.conftest import AgencyFactory, DeclarationFactory, PartnerPersonFactory

pytestmark = pytest.mark.django_db


def _search(justification, *, plates=(), reads=(), outcome=Outcome.ALLOWED):
    """Record what the access layer records for searches and read views under `justification`."""
    actor = Actor.for_user(justification.user)
    for plate in plates:
        audit_record(actor=actor, action=actions.PLATE_SEARCHED, outcome=outcome,
                     query={"plate": plate, "justification": justification.pk},
                     **justification.audit_fields())
    for read_id in reads:
        audit_record(actor=actor, action=actions.READ_VIEWED, outcome=outcome, targets=[f"read:{read_id}"],
                     query={"read_id": read_id, "justification": justification.pk, "plate": "X"},
                     **justification.audit_fields())


def _off_hours_around_now(now_included: bool) -> None:
    hour = timezone.localtime().hour
    start = hour if now_included else (hour + 3) % 24
    # The newest version is in force.
    AgencyPolicy.objects.create(off_hours_start=start, off_hours_end=(start + 2) % 24)


@pytest.fixture
def searches():
    """Three officers' justifications: many plates, many reads opened, and an ordinary one."""
    _off_hours_around_now(now_included=False)
    many_plates = open_justification(UserFactory(role=Role.OFFICER), case_number="26-000101")
    _search(many_plates, plates=[f"ABC{n:03d}" for n in range(11)] + ["ABC000"])  # 11 distinct, default 10
    many_reads = open_justification(UserFactory(role=Role.DETECTIVE), case_number="26-000102")
    _search(many_reads, plates=["XYZ123"], reads=range(1, 22))  # 21 distinct, default 20
    ordinary = open_justification(UserFactory(role=Role.OFFICER), case_number="26-000103")
    _search(ordinary, plates=["QRS456", "QRS457"], reads=[5, 6, 5])
    # Refused searches ran nothing: they do not count.
    _search(ordinary, plates=[f"REF{n}" for n in range(20)], outcome=Outcome.REFUSED)
    return many_plates, many_reads, ordinary


@pytest.mark.rule("USE-1", "AUD-1")
def test_many_plates_or_many_reads_under_one_justification_are_shown_and_the_reading_audited(searches):
    many_plates, many_reads, _ordinary = searches
    auditor = UserFactory(role=Role.AUDITOR)
    rows = {row.justification: row for row in unusual_searches(actor=Actor.for_user(auditor))}
    assert set(rows) == {many_plates, many_reads}
    assert (rows[many_plates].plates, rows[many_plates].reads_opened) == (11, 0)
    assert rows[many_plates].reasons == ("11 plates searched (more than 10)",)
    assert (rows[many_reads].plates, rows[many_reads].reads_opened) == (1, 21)
    assert rows[many_reads].reasons == ("21 reads opened (more than 20)",)
    event = AuditEvent.objects.get(action=UNUSUAL_SEARCHES_VIEWED.code)
    assert (event.actor_user, event.outcome, event.result_count) == (auditor, Outcome.ALLOWED, 2)
    assert set(event.targets) == {f"justification:{many_plates.pk}", f"justification:{many_reads.pk}"}


@pytest.mark.rule("USE-1", "AUD-1")
def test_searching_in_off_hours_is_shown(searches):
    _off_hours_around_now(now_included=True)
    rows = {row.justification: row for row in unusual_searches(actor=Actor.for_user(
        UserFactory(role=Role.AUDITOR)))}
    ordinary = searches[2]
    assert ordinary in rows and rows[ordinary].off_hours_actions == 5  # 2 searches and 3 views, none refused
    assert "5 search(es) or view(s) between" in rows[ordinary].reasons[0]


@pytest.mark.rule("AUD-1")
def test_other_roles_are_refused_and_the_refusal_is_recorded(searches):
    officer = searches[0].user
    with pytest.raises(PolicyDenied):
        unusual_searches(actor=Actor.for_user(officer))
    assert AuditEvent.objects.get(action=UNUSUAL_SEARCHES_VIEWED.code).outcome == Outcome.REFUSED


@pytest.mark.rule("USE-1", "AUD-1")
def test_the_auditors_page_lists_them_with_links_to_their_audit_entries(make_verified_client, searches):
    many_plates, many_reads, ordinary = searches
    auditor = make_verified_client(Role.AUDITOR)
    page = auditor.get(reverse("audit:log")).content.decode()
    section = page.split('id="unusual-heading"')[1].split("All events")[0]
    for justification in (many_plates, many_reads):
        assert f"?justification={justification.pk}" in section
        assert justification.case_number in section and str(justification.user) in section
        assert justification.purpose_label in section
    assert ordinary.case_number not in section
    assert "11 plates searched (more than 10)" in section and "21 reads opened (more than 20)" in section
    entries = auditor.get(reverse("audit:log"), {"justification": many_plates.pk})
    shown = [event for event in entries.context["page"] if event.actor_user == many_plates.user]
    # The justification's statement and its 12 searches; beside them only the auditors' readings of it.
    assert len(shown) == 13 and {event.case_number for event in shown} == {many_plates.case_number}
    assert {event.actor_user for event in entries.context["page"]} == {many_plates.user, auditor.user}


# ---- Partner agencies' searches, on the same criteria (USE-1, SHR-5)

PARTNER_DESCRIPTION = "Carjacking at gunpoint on North Avenue; the stolen grey SUV was last seen heading east"


def _partner_searches(person, case_number: str, plates) -> None:
    """Run partner searches through the access layer, as the partner API does."""
    for plate in plates:
        partner_plate_reads_search(actor=partner_actor(person), person_id=person.pk, purpose="violent_crime",
                                   case_number=case_number, description=PARTNER_DESCRIPTION, plate=plate)


@pytest.fixture
def partners(db):
    """Two people of an agency that may search: one searched 11 plates for one case, one 2 plates."""
    _off_hours_around_now(now_included=False)
    agency = DeclarationFactory(agency=AgencyFactory(sharing_enabled=True)).agency
    many, few = PartnerPersonFactory(agency=agency), PartnerPersonFactory(agency=agency)
    _partner_searches(many, "RPD-26-00417", [f"ABC{n:03d}" for n in range(11)] + ["ABC000"])
    _partner_searches(few, "RPD-26-00418", ["XYZ123", "XYZ124"])
    return many, few


@pytest.mark.rule("USE-1", "AUD-1", "SHR-5")
def test_a_partner_searching_many_plates_for_one_case_is_shown_like_a_staff_justification(partners):
    many, _few = partners
    auditor = UserFactory(role=Role.AUDITOR)
    [row] = unusual_searches(actor=Actor.for_user(auditor))
    assert row.justification is None and row.who == many.audit_label
    assert (row.case_number, row.purpose, row.plates, row.reads_opened) == (
        "RPD-26-00417", "Violent crime investigation", 11, 0)
    assert row.reasons == ("11 plates searched (more than 10)",)
    event = AuditEvent.objects.get(action=UNUSUAL_SEARCHES_VIEWED.code)
    assert (event.result_count, event.targets) == (1, [f"partner-person:{many.pk}"])


@pytest.mark.rule("USE-1", "AUD-1", "SHR-5")
def test_partner_searches_in_off_hours_are_shown(partners):
    _off_hours_around_now(now_included=True)
    rows = unusual_searches(actor=Actor.for_user(UserFactory(role=Role.AUDITOR)))
    few = partners[1]
    [row] = [row for row in rows if row.who == few.audit_label]
    assert row.off_hours_actions == 2 and "2 search(es) or view(s) between" in row.reasons[0]


@pytest.mark.rule("AUD-1", "SHR-5")
def test_refused_partner_searches_ran_nothing_and_do_not_count(db):
    _off_hours_around_now(now_included=False)
    agency = DeclarationFactory(agency=AgencyFactory(sharing_enabled=True)).agency
    person = PartnerPersonFactory(agency=agency)
    for n in range(12):  # Tried: twelve plates under a description that says nothing: all refused.
        with pytest.raises(PolicyDenied):
            partner_plate_reads_search(actor=partner_actor(person), person_id=person.pk,
                                       purpose="violent_crime", case_number="RPD-26-00419",
                                       description="investigation", plate=f"REF{n:03d}")
    assert unusual_searches(actor=Actor.for_user(UserFactory(role=Role.AUDITOR))) == []


@pytest.mark.rule("USE-1", "AUD-1", "SHR-5")
def test_the_auditors_page_links_a_partner_row_to_its_audit_entries(make_verified_client, partners):
    many, _few = partners
    auditor = make_verified_client(Role.AUDITOR)
    page = auditor.get(reverse("audit:log")).content.decode()
    section = page.split('id="unusual-heading"')[1].split("All events")[0]
    assert "RPD-26-00417" in section and "RPD-26-00418" not in section
    assert "Partner searches for this case" in section and escape(many.audit_label) in section
    link = re.search(r'href="/audit/\?([^"]+)">Partner searches', section).group(1)
    entries = auditor.get(f"/audit/?{unescape(link)}").context["page"]
    shown = {(event.actor_label, event.case_number) for event in entries}
    assert shown == {(many.audit_label, "RPD-26-00417")}
    assert len(entries) == 12
