"""RPT-4: the policy text is versioned, published for comment before it takes effect, reviewed yearly."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import ApplicationError, PolicyDenied
from policy.models import annual_review_due
from policy.roles import Role
from reports import conf
from reports.models import PolicyComment, PolicyDocument, PolicyStatus
from reports.services.policy_docs import (
    policy_doc_approve,
    policy_doc_draft,
    policy_doc_open_comment,
    policy_doc_record_review,
    policy_docs_take_effect,
)
from reports.tests.conftest import actor

pytestmark = [pytest.mark.django_db, pytest.mark.rule("RPT-4")]

TEXT = "# Purpose\nThe department uses ALPR only for listed purposes.\n\n- Violent crime\n- Stolen vehicles\n"


def _draft(people, title="ALPR policy 2026"):
    return policy_doc_draft(actor=actor(people[Role.ADMINISTRATOR]), title=title, text=TEXT)


def _close_comment_period(document):
    """Move the comment period into the past, as if the days had gone by."""
    past = timezone.now() - timedelta(minutes=1)
    PolicyDocument.objects.filter(pk=document.pk).update(
        comment_opens_at=past - timedelta(days=conf.comment_period_days()), comment_closes_at=past
    )


def test_a_version_cannot_be_approved_or_take_effect_during_its_comment_period(people):
    document = _draft(people)
    with pytest.raises(ApplicationError, match="not been published for public comment"):
        policy_doc_approve(actor=actor(people[Role.CHIEF]), document_id=document.pk)
    document = policy_doc_open_comment(actor=actor(people[Role.ADMINISTRATOR]), document_id=document.pk)
    assert document.comment_closes_at - document.comment_opens_at == timedelta(
        days=conf.comment_period_days()
    )
    with pytest.raises(ApplicationError, match="cannot be approved before it ends"):
        policy_doc_approve(actor=actor(people[Role.CHIEF]), document_id=document.pk)
    assert PolicyDocument.objects.get().status == PolicyStatus.COMMENT
    # The database refuses it too, whatever path tries.
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyDocument.objects.filter(pk=document.pk).update(
            status=PolicyStatus.APPROVED, effective_at=timezone.now()
        )


def test_after_the_comment_period_the_chief_approves_and_it_takes_effect(people, client):
    document = _draft(people)
    policy_doc_open_comment(actor=actor(people[Role.ADMINISTRATOR]), document_id=document.pk)
    _close_comment_period(document)
    with pytest.raises(PolicyDenied):
        policy_doc_approve(actor=actor(people[Role.ADMINISTRATOR]), document_id=document.pk)
    document = policy_doc_approve(actor=actor(people[Role.CHIEF]), document_id=document.pk)
    assert document.status == PolicyStatus.IN_FORCE
    assert document.review_due_on == annual_review_due(timezone.localdate())
    page = client.get("/portal/policy/").content.decode()
    assert "The department uses ALPR only for listed purposes." in page and "<h2>Purpose</h2>" in page
    # A newer version supersedes it.
    second = _draft(people, "ALPR policy 2027")
    policy_doc_open_comment(actor=actor(people[Role.ADMINISTRATOR]), document_id=second.pk)
    _close_comment_period(second)
    policy_doc_approve(actor=actor(people[Role.CHIEF]), document_id=second.pk)
    assert PolicyDocument.objects.get(pk=document.pk).status == PolicyStatus.SUPERSEDED
    assert PolicyDocument.objects.get(status=PolicyStatus.IN_FORCE).pk == second.pk


def test_a_later_effective_date_is_applied_by_the_daily_task(people):
    document = _draft(people)
    policy_doc_open_comment(actor=actor(people[Role.ADMINISTRATOR]), document_id=document.pk)
    _close_comment_period(document)
    later = timezone.now() + timedelta(days=3)
    document = policy_doc_approve(
        actor=actor(people[Role.CHIEF]), document_id=document.pk, effective_at=later
    )
    assert document.status == PolicyStatus.APPROVED
    assert policy_docs_take_effect() == []
    PolicyDocument.objects.filter(pk=document.pk).update(effective_at=timezone.now())
    assert [d.pk for d in policy_docs_take_effect()] == [document.pk]


def test_the_public_comments_while_the_period_is_open_and_staff_read_the_comments(
    people, client, make_verified_client
):
    document = _draft(people)
    assert client.get(f"/portal/policy/v{document.version}/").status_code == 404  # drafts are not public
    policy_doc_open_comment(actor=actor(people[Role.ADMINISTRATOR]), document_id=document.pk)
    assert f"/portal/policy/v{document.version}/" in client.get("/portal/").content.decode()
    response = client.post(
        f"/portal/policy/v{document.version}/",
        {"text": "Please publish the hit rate every month.", "name": "", "email": ""},
    )
    assert response.status_code == 302
    assert PolicyComment.objects.get().text == "Please publish the hit rate every month."
    staff = make_verified_client(user=people[Role.OVERSIGHT]).get(f"/reports/policy-text/{document.pk}/")
    assert "Please publish the hit rate every month." in staff.content.decode()
    _close_comment_period(document)
    response = client.post(f"/portal/policy/v{document.version}/", {"text": "Too late"})
    assert response.status_code == 400 and PolicyComment.objects.count() == 1


def test_an_overdue_annual_review_is_shown_on_the_portal(people, client):
    document = _draft(people)
    policy_doc_open_comment(actor=actor(people[Role.ADMINISTRATOR]), document_id=document.pk)
    _close_comment_period(document)
    policy_doc_approve(actor=actor(people[Role.CHIEF]), document_id=document.pk)
    assert "overdue" not in client.get("/portal/policy/").content.decode()
    PolicyDocument.objects.filter(pk=document.pk).update(
        review_due_on=timezone.localdate() - timedelta(days=1)
    )
    assert "overdue" in client.get("/portal/policy/").content.decode()
    assert "overdue" in client.get("/portal/").content.decode()
    policy_doc_record_review(
        actor=actor(people[Role.CHIEF]),
        document_id=document.pk,
        note="Reviewed with the board; no changes needed.",
    )
    assert "overdue" not in client.get("/portal/policy/").content.decode()


@pytest.mark.rule("RPT-4")
@pytest.mark.parametrize("day, due", [
    (date(2027, 3, 1), date(2028, 3, 1)),  # 366 days on: 365 said 29 February, a day early
    (date(2028, 2, 29), date(2029, 2, 28)),
    (date(2026, 12, 5), date(2027, 12, 5)),
])
def test_the_annual_review_is_due_on_the_same_date_a_year_on(day, due):
    assert annual_review_due(day) == due
