import pytest

from policy.roles import Role
from searches.tests.factories import DESCRIPTION


@pytest.fixture
def justified_client(make_verified_client):
    """An officer signed in with a second factor, who has stated a justification for case 26-004512."""
    client = make_verified_client(Role.OFFICER)
    client.post("/search/justification/", {"purpose": "violent_crime", "case_number": "26-004512",
                                           "description": DESCRIPTION})
    return client
