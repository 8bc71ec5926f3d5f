"""A NUL character in a query string is refused with 400 before any view parses it.

PostgreSQL refuses NUL in text, so a NUL that reached a filter (e.g. `GET /hotlists/?q=%00`) ended
as a server error.
"""
import pytest

from core.middleware import QueryStringMiddleware

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["q=%00", "q=abc%00def", "%00=1", "page=1&since=%00"])
def test_a_nul_in_the_query_string_is_a_clear_400(verified_client, client, query):
    # Tried: a staff page with a search box, the public portal, a camera endpoint.
    assert verified_client.get(f"/hotlists/?{query}").status_code == 400
    assert client.get(f"/portal/cameras/?{query}").status_code == 400
    assert client.get(f"/api/v1/cameras/reads/1/?{query}").status_code == 400


def test_other_query_strings_go_through(verified_client, client):
    assert verified_client.get("/hotlists/?q=%2500").status_code == 200  # the text "%00", not a NUL
    assert client.get("/portal/cameras/?q=caf%C3%A9").status_code == 200


def test_it_is_the_first_middleware_after_security():
    from django.conf import settings

    stack = settings.MIDDLEWARE
    assert stack.index(f"{QueryStringMiddleware.__module__}.QueryStringMiddleware") == 1
