"""RPT-1 (disparate impact): with the action on a confirmed alert, the officer may record the perceived race
or ethnicity and the sex of the person stopped, in the Illinois stop-study categories; never without a
person met."""

import pytest
from django.db import IntegrityError, transaction

from core.errors import ApplicationError
from hotlists import alerts
from hotlists.models import Alert, RaceEthnicity
from hotlists.tests.conftest import act_as, audit_rows
from hotlists.tests.test_alerts import CONFIRM, alert, look  # noqa: F401  (the `alert` fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.rule("RPT-1")]

ILLINOIS_CATEGORIES = [
    "White",
    "Black or African American",
    "American Indian or Alaska Native",
    "Hispanic or Latino",
    "Asian",
    "Native Hawaiian or Other Pacific Islander",
    "Not recorded",
]


@pytest.fixture
def confirmed(officer, alert):  # noqa: F811
    look(officer, alert)
    alerts.alert_verify(actor=act_as(officer), alert_id=alert.pk, **CONFIRM)
    return alert


def test_the_categories_are_the_illinois_stop_study_ones():
    assert [label for _, label in RaceEthnicity.choices] == ILLINOIS_CATEGORIES


def test_an_arrest_records_the_person_as_perceived_and_audits_it(officer, confirmed):
    alerts.alert_record_action(
        actor=act_as(officer),
        alert_id=confirmed.pk,
        action="arrest",
        subject_race="hispanic",
        subject_sex="female",
    )
    confirmed.refresh_from_db()
    assert (confirmed.action, confirmed.subject_race, confirmed.subject_sex) == (
        "arrest",
        "hispanic",
        "female",
    )
    [row] = audit_rows("hotlist.alert_action")
    assert row.query == {"subject_race": "hispanic", "subject_sex": "female"}


def test_without_a_choice_it_is_not_recorded(officer, confirmed):
    alerts.alert_record_action(actor=act_as(officer), alert_id=confirmed.pk, action="stop")
    confirmed.refresh_from_db()
    assert (confirmed.subject_race, confirmed.subject_sex) == ("not_recorded", "not_recorded")


def test_no_demographics_when_no_one_was_met(officer, confirmed):
    with pytest.raises(ApplicationError, match="No one was met"):
        alerts.alert_record_action(
            actor=act_as(officer), alert_id=confirmed.pk, action="no_action", subject_race="black"
        )
    assert Alert.objects.get(pk=confirmed.pk).action == ""
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.filter(pk=confirmed.pk).update(action="no_action", subject_sex="male")


def test_a_category_outside_the_list_is_refused(officer, confirmed):
    with pytest.raises(ApplicationError, match="from the list"):
        alerts.alert_record_action(
            actor=act_as(officer), alert_id=confirmed.pk, action="stop", subject_race="other"
        )


def test_the_alert_page_records_them_with_the_action(officer, confirmed, make_verified_client):
    client = make_verified_client(user=officer)
    page = client.get(f"/hotlists/alerts/{confirmed.pk}/").content.decode()
    assert "Perceived race or ethnicity of the person stopped" in page and "Native Hawaiian" in page
    response = client.post(
        f"/hotlists/alerts/{confirmed.pk}/action/",
        {"action": "stop", "subject_race": "black", "subject_sex": "male", "notes": ""},
    )
    assert response.status_code == 302
    confirmed.refresh_from_db()
    assert (confirmed.subject_race, confirmed.subject_sex) == ("black", "male")
    page = client.get(f"/hotlists/alerts/{confirmed.pk}/").content.decode()
    assert "Black or African American" in page
