"""The auditor's page: only auditors and the administrator read it; reading, exporting and verifying
are audited; refusals too (AUD-1)."""
import csv
import io

import pytest
from django.urls import reverse

from audit.audit_actions import AUDIT_CHAIN_VERIFIED, AUDIT_LOG_EXPORTED, AUDIT_LOG_VIEWED
from audit.chain import link_hash, seal_pending
from audit.context import Actor
from audit.models import AuditEvent, AuditSeal, Outcome
from audit.selectors import AuditFilters, audit_log_page
from audit.services import audit_chain_verify, audit_record
from audit.tests.helpers import triggers_bypassed
from conftest import PASSWORD, UserFactory
from core.errors import PolicyDenied
from policy.roles import Role
from reports.services.portal import chain_head_publish

pytestmark = pytest.mark.django_db


def _last(action, user):
    return AuditEvent.objects.filter(action=action.code, actor_user=user).order_by("-id").first()


@pytest.fixture
def auditor(make_verified_client):
    return make_verified_client(Role.AUDITOR)


@pytest.mark.rule("AUD-1")
def test_a_failed_sign_in_is_logged_with_the_client_address(client):
    user = UserFactory()
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD + "x",
                                     "notice_acknowledged": "on"}, REMOTE_ADDR="198.51.100.23")
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert (event.outcome, event.client_ip, event.actor_label) == (Outcome.FAILED, "198.51.100.23",
                                                                     user.username)
    assert event.occurred_at is not None


@pytest.mark.rule("AUD-1")
@pytest.mark.parametrize("role", [Role.OFFICER, Role.CHIEF, Role.DETECTIVE, Role.OVERSIGHT])
def test_the_log_is_refused_to_other_roles_and_the_refusal_is_logged(make_verified_client, role):
    client = make_verified_client(role)
    for url in (reverse("audit:log"), reverse("audit:export")):
        response = client.get(url, {"case_number": "26-000001"})
        assert response.status_code == 403
    assert client.post(reverse("audit:verify")).status_code == 403
    for action in (AUDIT_LOG_VIEWED, AUDIT_LOG_EXPORTED, AUDIT_CHAIN_VERIFIED):
        refusal = _last(action, client.user)
        assert refusal.outcome == Outcome.REFUSED, action
    assert _last(AUDIT_LOG_VIEWED, client.user).query == {"case_number": "26-000001"}
    assert not AuditEvent.objects.filter(actor_user=client.user, outcome=Outcome.ALLOWED,
                                         action__startswith="audit.").exists()


@pytest.mark.rule("AUD-1")
def test_the_selector_refuses_without_a_user():
    with pytest.raises(PolicyDenied):
        audit_log_page(actor=Actor.system("cron"), filters=AuditFilters())
    assert AuditEvent.objects.get(action=AUDIT_LOG_VIEWED.code).outcome == Outcome.REFUSED


@pytest.mark.rule("AUD-1")
def test_the_auditor_filters_the_log_and_the_reading_is_logged(auditor):
    officer = UserFactory(role=Role.OFFICER)
    actor = Actor.for_user(officer, client_ip="10.0.0.5")
    for case in ("26-000100", "26-000100", "26-000200"):
        audit_record(actor=actor, action=AUDIT_LOG_VIEWED, case_number=case, purpose="stolen_vehicle")
    audit_record(actor=actor, action=AUDIT_LOG_VIEWED, case_number="26-000100", outcome=Outcome.REFUSED,
                 flagged=True)
    response = auditor.get(reverse("audit:log"), {"case_number": "26-000100", "person": officer.badge_number,
                                                  "outcome": "allowed", "action": AUDIT_LOG_VIEWED.code})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 2
    viewed = _last(AUDIT_LOG_VIEWED, auditor.user)
    assert viewed.outcome == Outcome.ALLOWED and viewed.result_count == 2
    assert viewed.query == {"case_number": "26-000100", "person": officer.badge_number, "outcome": "allowed",
                            "action": AUDIT_LOG_VIEWED.code}
    flagged = auditor.get(reverse("audit:log"), {"flagged": "yes"})
    assert [event.case_number for event in flagged.context["page"]] == ["26-000100"]


def test_the_action_filter_offers_every_registered_action(auditor):
    from audit import actions

    response = auditor.get(reverse("audit:log"))
    offered = {code for code, _ in response.context["form"].fields["action"].choices}
    assert {action.code for action in actions.all_actions()} <= offered


def test_the_log_is_paginated(auditor):
    for n in range(60):
        audit_record(actor=Actor.system("filler"), action=AUDIT_LOG_VIEWED, description=f"{n}")
    first = auditor.get(reverse("audit:log"), {"person": "filler"})
    second = auditor.get(reverse("audit:log"), {"person": "filler", "page": 2})
    assert len(first.context["page"]) == 50 and len(second.context["page"]) == 10
    assert b"page=2" in first.content and b"person=filler" in first.content


@pytest.mark.rule("AUD-1")
def test_the_export_streams_the_filtered_csv_and_is_logged(auditor):
    actor = Actor.system("exporter")
    audit_record(actor=actor, action=AUDIT_LOG_VIEWED, case_number="26-000300", description="=HYPERLINK()")
    audit_record(actor=actor, action=AUDIT_LOG_VIEWED, case_number="26-000301")
    response = auditor.get(reverse("audit:export"), {"case_number": "26-000300"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["case_number"] for row in rows] == ["26-000300"]
    assert rows[0]["description"] == "'=HYPERLINK()"  # never a live formula in a spreadsheet
    exported = _last(AUDIT_LOG_EXPORTED, auditor.user)
    assert (exported.outcome, exported.result_count, exported.query["case_number"]) == (
        Outcome.ALLOWED, 1, "26-000300")


@pytest.mark.rule("AUD-2")
def test_the_verify_button_reports_an_intact_chain_and_is_logged(make_verified_client):
    admin = make_verified_client(Role.ADMINISTRATOR)
    response = admin.post(reverse("audit:verify"))
    assert response.status_code == 200 and b"The chain is intact" in response.content
    verified = _last(AUDIT_CHAIN_VERIFIED, admin.user)
    assert verified.outcome == Outcome.ALLOWED and not verified.flagged


@pytest.mark.rule("AUD-2")
def test_the_verify_button_shows_a_break_and_flags_it(auditor):
    seal_pending()
    event = AuditEvent.objects.order_by("id").first()
    with triggers_bypassed() as cursor:
        cursor.execute("UPDATE audit_auditevent SET client_ip = '0.0.0.0' WHERE id = %s", [event.pk])
    response = auditor.post(reverse("audit:verify"))
    assert response.status_code == 409 and b"The chain is broken at link 1" in response.content
    verified = _last(AUDIT_CHAIN_VERIFIED, auditor.user)
    assert verified.outcome == Outcome.FAILED and verified.flagged


@pytest.mark.rule("AUD-2")
def test_verifying_compares_the_chain_with_the_heads_published_on_the_portal(auditor):
    """The reviewer's case: the last link's event rewritten and re-hashed by whoever owns the tables."""
    for n in range(3):
        audit_record(actor=Actor.system("test"), action=AUDIT_CHAIN_VERIFIED, description=f"event {n}")
    published = chain_head_publish()
    assert b"1 published chain head matches" in auditor.post(reverse("audit:verify")).content
    seal = AuditSeal.objects.get(position=published.position)
    with triggers_bypassed() as cursor:
        cursor.execute("UPDATE audit_auditevent SET description = 'nothing happened' WHERE id = %s",
                       [seal.event_id])
        cursor.execute("UPDATE audit_auditevent e SET content_hash = audit_event_digest(e) WHERE id = %s "
                       "RETURNING content_hash", [seal.event_id])
        digest = cursor.fetchone()[0]
        cursor.execute("UPDATE audit_auditseal SET event_hash = %s, chain_hash = %s WHERE position = %s",
                       [digest, link_hash(seal.previous_hash, digest), seal.position])

    report = audit_chain_verify(actor=Actor.for_user(auditor.user))
    assert not report.ok and report.broken_position == published.position
    assert published.chain_hash in report.problem
    recorded = _last(AUDIT_CHAIN_VERIFIED, auditor.user)
    assert recorded.outcome == Outcome.FAILED and recorded.flagged
    assert f"link {published.position}" in recorded.description

    response = auditor.post(reverse("audit:verify"))
    assert response.status_code == 409
    assert f"The chain is broken at link {published.position}" in response.content.decode()
