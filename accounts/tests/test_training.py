"""ACC-5: training, annual policy sign-off and LEADS certification gate access to ALPR data."""
import datetime

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import TrainingKind, TrainingRecord
from accounts.selectors import ensure_alpr_access, training_states
from accounts.services import training_record
from accounts.tasks import send_training_reminders
from accounts.tests.helpers import act_as, audit_rows
from conftest import UserFactory
from core.errors import ApplicationError, PolicyDenied
from policy.roles import Role

pytestmark = pytest.mark.django_db



def _train(user, kind, days_ago: int):
    TrainingRecord.objects.create(user=user, kind=kind, reference="Course 101", recorded_by=user,
                                  completed_on=timezone.localdate() - datetime.timedelta(days=days_ago))


def _person(role=Role.OFFICER, **ages):
    """A person whose trainings were completed `ages[kind]` days ago (omitted: never)."""
    user = UserFactory(role=role, trained=False)
    for kind, days_ago in ages.items():
        _train(user, kind, days_ago)
    return user


CURRENT = {"alpr_training": 10, "policy_signoff": 10, "leads_certification": 10}


@pytest.mark.rule("ACC-5")
@pytest.mark.parametrize("role", [Role.OFFICER, Role.DISPATCHER, Role.ANALYST, Role.DETECTIVE])
def test_current_training_gives_access(role):
    ensure_alpr_access(_person(role, **CURRENT))


@pytest.mark.rule("ACC-5")
@pytest.mark.parametrize(("ages", "named"), [
    ({"policy_signoff": 10, "leads_certification": 10}, "Department-approved ALPR training: not on record"),
    ({**CURRENT, "alpr_training": 366}, "Department-approved ALPR training: expired"),
    ({**CURRENT, "policy_signoff": 366}, "Annual ALPR policy sign-off: expired"),
    ({"alpr_training": 10, "policy_signoff": 10}, "LEADS certification: not on record"),
    ({**CURRENT, "leads_certification": 731}, "LEADS certification: expired"),
])
def test_missing_or_expired_training_blocks_with_a_message_naming_it(ages, named):
    with pytest.raises(PolicyDenied) as blocked:
        ensure_alpr_access(_person(Role.OFFICER, **ages))
    assert named in blocked.value.message and blocked.value.code == "training_expired"


@pytest.mark.rule("ACC-5")
def test_training_valid_for_exactly_twelve_months():
    ensure_alpr_access(_person(**{**CURRENT, "alpr_training": 365}))


@pytest.mark.rule("ACC-5")
@pytest.mark.parametrize("role", [Role.OFFICER, Role.DISPATCHER])
def test_leads_certification_is_required_of_roles_that_verify_alerts(role):
    with pytest.raises(PolicyDenied, match="LEADS"):
        ensure_alpr_access(_person(role, alpr_training=10, policy_signoff=10))


@pytest.mark.rule("ACC-5")
@pytest.mark.parametrize("role", [Role.CHIEF, Role.OVERSIGHT, Role.RECORDS])
def test_roles_that_never_reach_alpr_data_are_not_gated(role):
    ensure_alpr_access(_person(role))
    assert TrainingKind.LEADS_CERTIFICATION not in [s.kind for s in training_states(_person(role))]


@pytest.mark.rule("ACC-5")
def test_renewal_lifts_the_block_and_is_audited():
    admin = UserFactory(role=Role.ADMINISTRATOR)
    person = _person(**{**CURRENT, "alpr_training": 400})
    with pytest.raises(PolicyDenied):
        ensure_alpr_access(person)
    training_record(actor=act_as(admin), user_id=person.pk, kind=TrainingKind.ALPR_TRAINING,
                    completed_on=timezone.localdate(), reference="ALPR-2026-11")
    ensure_alpr_access(person)
    [row] = audit_rows("account.training_recorded")
    assert row.actor_user == admin and row.query["kind"] == "alpr_training"


@pytest.mark.rule("ACC-5")
def test_only_the_administrator_records_training_and_not_in_the_future():
    person = _person()
    with pytest.raises(PolicyDenied):
        training_record(actor=act_as(person), user_id=person.pk, kind=TrainingKind.ALPR_TRAINING,
                        completed_on=timezone.localdate(), reference="self-certified")
    admin = UserFactory(role=Role.ADMINISTRATOR)
    with pytest.raises(ApplicationError, match="future"):
        training_record(actor=act_as(admin), user_id=person.pk, kind=TrainingKind.ALPR_TRAINING,
                        completed_on=timezone.localdate() + datetime.timedelta(days=1), reference="x")
    assert not TrainingRecord.objects.filter(user=person).exists()
    assert [r.outcome for r in audit_rows("account.training_recorded")] == ["refused", "failed"]


@pytest.mark.rule("ACC-5")
def test_suspended_or_pending_accounts_are_blocked_whatever_their_training():
    person = _person(**CURRENT)
    person.status = "suspended"
    person.save()
    with pytest.raises(PolicyDenied, match="not active"):
        ensure_alpr_access(person)


@pytest.mark.rule("ACC-5")
def test_reminders_are_mailed_once_before_expiry(django_capture_on_commit_callbacks):
    soon = _person(**{**CURRENT, "alpr_training": 350})  # expires in 15 days
    _person(**CURRENT)  # nothing due
    with django_capture_on_commit_callbacks(execute=True):
        assert send_training_reminders() == 1
    [message] = mail.outbox
    assert message.to == [soon.email] and "Department-approved ALPR training" in message.subject
    with django_capture_on_commit_callbacks(execute=True):
        assert send_training_reminders() == 0  # the next day's run repeats nothing
    assert len(mail.outbox) == 1
    [row] = audit_rows("account.training_reminder_sent")
    assert row.actor_type == "system" and row.targets == [f"user:{soon.pk}"]


@pytest.mark.rule("ACC-5")
def test_my_account_page_names_what_to_renew(make_verified_client):
    person = _person(**{**CURRENT, "policy_signoff": 400})
    client = make_verified_client(user=person)
    page = client.get("/accounts/me/").content.decode()
    assert "Annual ALPR policy sign-off: expired on" in page and "Expired: renew it" in page


@pytest.mark.rule("ACC-5")
@pytest.mark.parametrize("kind", [TrainingKind.ALPR_TRAINING, TrainingKind.POLICY_SIGNOFF])
def test_nobody_records_their_own_training(kind):
    """Tried: an administrator whose training had lapsed recorded it themselves and so lifted their own
    block on audit queries of ALPR data."""
    admin = UserFactory(role=Role.ADMINISTRATOR, trained=False)
    with pytest.raises(PolicyDenied, match=r"someone else who may record it \(the system administrator and "
                                           r"the Chief of police\)"):
        training_record(actor=act_as(admin), user_id=admin.pk, kind=kind, completed_on=timezone.localdate(),
                        reference="I say so")
    assert not TrainingRecord.objects.filter(user=admin).exists()
    with pytest.raises(PolicyDenied):
        ensure_alpr_access(admin)
    [row] = audit_rows("account.training_recorded")
    assert row.outcome == "refused" and row.actor_user == admin


@pytest.mark.rule("ACC-5")
@pytest.mark.rule("ACC-7")
def test_the_chief_records_an_administrators_training_and_no_one_elses():
    """Tried: a department with one administrator, whose training nobody else could record."""
    chief, admin = UserFactory(role=Role.CHIEF), UserFactory(role=Role.ADMINISTRATOR, trained=False)
    training_record(actor=act_as(chief), user_id=admin.pk, kind=TrainingKind.ALPR_TRAINING,
                    completed_on=timezone.localdate(), reference="ALPR-101")
    assert TrainingRecord.objects.get(user=admin).recorded_by == chief
    officer = _person()
    with pytest.raises(PolicyDenied, match="Only the system administrator may record the training of"):
        training_record(actor=act_as(chief), user_id=officer.pk, kind=TrainingKind.ALPR_TRAINING,
                        completed_on=timezone.localdate(), reference="ALPR-101")


@pytest.mark.rule("ACC-5")
def test_the_training_form_is_offered_only_to_whoever_may_record_it(make_verified_client):
    admin_client = make_verified_client(Role.ADMINISTRATOR)
    chief_client = make_verified_client(Role.CHIEF)
    admin, officer = admin_client.user, _person()
    assert b"Record training" not in admin_client.get(f"/accounts/people/{admin.pk}/").content
    assert b"Record training" in admin_client.get(f"/accounts/people/{officer.pk}/").content
    assert b"Record training" in chief_client.get(f"/accounts/people/{admin.pk}/").content
    assert b"Record training" not in chief_client.get(f"/accounts/people/{officer.pk}/").content
    response = admin_client.post(f"/accounts/people/{admin.pk}/training/", {
        "training-kind": "alpr_training", "training-completed_on": timezone.localdate().isoformat(),
        "training-reference": "self"})
    assert response.status_code in (400, 403)
    assert TrainingRecord.objects.filter(user=admin, reference="self").count() == 0
