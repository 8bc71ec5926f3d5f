"""META-1: the compliance matrix is published to the oversight board, from the running code."""
import pytest

from core.compliance import build_matrix
from policy.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.rule("META-1")]


def test_the_board_reads_the_matrix_built_from_the_code(make_verified_client):
    client = make_verified_client(role=Role.OVERSIGHT)
    response = client.get("/compliance/")
    assert response.status_code == 200
    page = response.content.decode()
    rows = build_matrix()
    assert f"<strong>{sum(1 for r in rows if r.tests)} of {len(rows)}</strong>" in page
    for row in rows:
        assert f'id="rule-{row.rule.id}"' in page
    assert "sharing/services/agencies.py:agency_revoke" in page
    assert "sharing/tests/test_partner_api.py::test_after_revocation_the_key_no_longer_works" in page


@pytest.mark.parametrize("role", [Role.OFFICER, Role.RECORDS])
def test_roles_without_reports_are_refused(make_verified_client, role):
    assert make_verified_client(role=role).get("/compliance/").status_code == 403


def test_every_rule_of_the_requirements_is_proven_by_a_test():
    """The shipped matrix has no rule without a test (the strict form of `compliance_matrix`)."""
    untested = [row.rule.id for row in build_matrix() if not row.tests]
    assert untested == []
