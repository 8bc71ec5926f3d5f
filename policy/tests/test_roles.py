"""ACC-7: the role table says who may do what, and accounts obey it."""
import pytest

from conftest import UserFactory
from policy.roles import (
    ROLE_CAPABILITIES,
    ROLE_PEOPLE,
    Capability,
    Role,
    TrainingKind,
    capability_table,
    only_who_may,
    role_has,
    trainings_required,
    who_may,
)

QUERY = {Role.OFFICER, Role.DISPATCHER, Role.ANALYST, Role.DETECTIVE}


def _holders(capability) -> set[str]:
    return {role for role in Role if role_has(role, capability)}


@pytest.mark.rule("ACC-7")
def test_every_role_of_the_general_order_exists():
    assert set(Role.values) == {"officer", "dispatcher", "analyst", "detective", "administrator", "chief",
                                "auditor", "oversight", "records"}
    assert set(ROLE_CAPABILITIES) == set(Role.values)


@pytest.mark.rule("ACC-7")
def test_officers_dispatchers_and_analysts_query():
    assert {Role.OFFICER, Role.DISPATCHER, Role.ANALYST} <= _holders(Capability.SEARCH_PLATES)
    assert _holders(Capability.SEARCH_PLATES) <= QUERY


@pytest.mark.rule("ACC-7")
def test_only_detectives_and_analysts_create_hotlists():
    assert _holders(Capability.CREATE_HOTLIST) == {Role.DETECTIVE, Role.ANALYST}


@pytest.mark.rule("ACC-7")
@pytest.mark.parametrize("capability", [Capability.MANAGE_CAMERAS, Capability.MANAGE_RETENTION])
def test_only_the_administrator_manages_cameras_and_retention(capability):
    assert _holders(capability) == {Role.ADMINISTRATOR}


@pytest.mark.rule("ACC-7")
@pytest.mark.parametrize("capability", [Capability.APPROVE_USERS, Capability.APPROVE_RELOCATIONS,
                                        Capability.APPROVE_FELONY_EXCEPTIONS])
def test_only_the_chief_approves_users_relocations_and_felony_exceptions(capability):
    assert _holders(capability) == {Role.CHIEF}


@pytest.mark.rule("ACC-7")
def test_only_the_chief_decides_online_sharing_which_the_administrator_asks_for():
    """Oak Park GO 4-68 VII.D: online sharing with an outside agency is at the Chief's discretion."""
    assert _holders(Capability.APPROVE_ONLINE_SHARING) == {Role.CHIEF}
    assert _holders(Capability.REVIEW_SHARING).isdisjoint(_holders(Capability.APPROVE_ONLINE_SHARING))
    assert only_who_may(Capability.APPROVE_ONLINE_SHARING, doing="switch partner searches on") == (
        "Only the Chief of police may switch partner searches on.")


@pytest.mark.rule("ACC-7")
def test_oversight_and_records_never_query_plates():
    for role in (Role.OVERSIGHT, Role.RECORDS, Role.CHIEF, Role.AUDITOR):
        assert not role_has(role, Capability.SEARCH_PLATES)


@pytest.mark.rule("ACC-7")
@pytest.mark.django_db
@pytest.mark.parametrize("status", ["pending", "suspended", "separated", "inactive", "denied"])
def test_an_account_that_is_not_active_holds_no_capability(status):
    chief = UserFactory(role=Role.CHIEF, status=status)
    assert not any(chief.can(capability) for capability in Capability)


@pytest.mark.rule("ACC-7")
def test_the_table_shown_to_administrators_matches_the_roles():
    table = dict(capability_table())
    row = table[Capability.APPROVE_USERS.label]
    assert [granted for granted in row] == [role == Role.CHIEF for role in Role]


@pytest.mark.rule("ACC-5")
def test_every_role_has_its_trainings_and_only_alert_verifiers_need_leads():
    everyone = [TrainingKind.ALPR_TRAINING, TrainingKind.POLICY_SIGNOFF]
    leads = [*everyone, TrainingKind.LEADS_CERTIFICATION]
    expected = {
        Role.OFFICER: leads, Role.DISPATCHER: leads, Role.ANALYST: leads, Role.DETECTIVE: leads,
        Role.ADMINISTRATOR: everyone, Role.CHIEF: everyone, Role.AUDITOR: everyone, Role.OVERSIGHT: everyone,
        Role.RECORDS: everyone,
    }
    assert set(expected) == set(Role)
    assert {role: trainings_required(role) for role in Role} == expected


@pytest.mark.rule("ACC-5")
def test_a_role_given_alert_verification_needs_a_leads_certification(regrant):
    regrant(Capability.VERIFY_ALERTS, Role.AUDITOR)
    assert TrainingKind.LEADS_CERTIFICATION in trainings_required(Role.AUDITOR)
    assert TrainingKind.LEADS_CERTIFICATION not in trainings_required(Role.OFFICER)


def test_every_role_is_named_in_sentences():
    assert set(ROLE_PEOPLE) == set(Role)


@pytest.mark.rule("ACC-7")
def test_who_may_names_the_roles_the_table_grants_in_role_order():
    assert who_may(Capability.CREATE_HOTLIST) == "crime analysts and detectives"
    assert who_may(Capability.APPROVE_USERS) == "the Chief of police"
    assert who_may(Capability.READ_REPORTS) == (
        "the system administrator, the Chief of police, auditors and oversight board members")
    assert only_who_may(Capability.MANAGE_CAMERAS, doing="manage cameras") == (
        "Only the system administrator may manage cameras.")


@pytest.mark.rule("ACC-7")
def test_a_refusal_follows_the_role_table_when_it_changes(regrant):
    regrant(Capability.MANAGE_CAMERAS, Role.RECORDS, Role.OFFICER)
    assert only_who_may(Capability.MANAGE_CAMERAS, doing="manage cameras") == (
        "Only officers and the records supervisor may manage cameras.")
    regrant(Capability.MANAGE_CAMERAS)
    assert only_who_may(Capability.MANAGE_CAMERAS, doing="manage cameras") == "Nobody may manage cameras."
