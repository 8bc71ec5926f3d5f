import pytest

from searches.tests.factories import make_camera, open_justification


@pytest.fixture
def justification(officer):
    """An open justification of the officer, for case 26-004512."""
    return open_justification(officer)


@pytest.fixture
def camera(db):
    return make_camera("Harlem & North")
