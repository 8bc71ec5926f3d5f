"""The portal's public forms take at most PORTAL_SUBMISSION_RATE submissions per client address and form.

The counters live in the test Redis database under a prefix of each test's own (the root conftest).
"""

import pytest
from django.conf import settings

from audit.context import Actor
from reports.models import Complaint, PolicyComment
from reports.services.policy_docs import policy_doc_draft, policy_doc_open_comment

pytestmark = pytest.mark.django_db

COMPLAINT = "/portal/report-a-problem/"
LIMIT = int(settings.PORTAL_SUBMISSION_RATE.split("/")[0])


def _report(client, n: int = 0, **extra):
    data = {"kind": "complaint", "description": f"A camera points into a back garden ({n})."}
    return client.post(COMPLAINT, data, **extra)


@pytest.fixture
def open_document(administrator):
    acting = Actor.for_user(administrator)
    document = policy_doc_draft(actor=acting, title="ALPR policy", text="# Purpose\nListed purposes only.")
    policy_doc_open_comment(actor=acting, document_id=document.pk)
    return document


def test_the_submission_over_the_limit_is_refused_and_stores_nothing(client):
    for n in range(LIMIT):
        assert _report(client, n).status_code == 302
    response = _report(client, LIMIT)
    assert response.status_code == 429
    assert Complaint.objects.count() == LIMIT
    text = response.content.decode()
    assert 'role="alert"' in text and "Too many reports have come from your address recently" in text
    assert "this one was not stored" in text and f"({LIMIT})" in text  # what they wrote is kept
    assert "<h1>Report a problem</h1>" in text


def test_another_address_can_still_submit(client):
    for n in range(LIMIT + 1):
        _report(client, n)
    assert _report(client, REMOTE_ADDR="198.51.100.7").status_code == 302
    assert Complaint.objects.count() == LIMIT + 1


def test_the_addresses_of_one_ipv6_network_share_one_allowance(client):
    """Before, each address counted apart: a client given a /64 (any home line) had 2**64 allowances."""
    for n in range(LIMIT):
        assert _report(client, n, REMOTE_ADDR=f"2001:db8:5:7::{n + 1:x}").status_code == 302
    assert _report(client, LIMIT, REMOTE_ADDR="2001:db8:5:7:ffff::9").status_code == 429
    assert _report(client, LIMIT, REMOTE_ADDR="2001:db8:5:8::1").status_code == 302  # the next /64
    assert Complaint.objects.count() == LIMIT + 1


def test_a_form_that_fails_validation_uses_none_of_the_allowance(client):
    for _ in range(LIMIT + 2):
        assert client.post(COMPLAINT, {"kind": "complaint"}).status_code == 400
    assert _report(client).status_code == 302


def test_behind_a_trusted_proxy_each_forwarded_client_is_counted_apart(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(LIMIT):
        _report(client, n, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert _report(client, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    assert _report(client, HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 302


def test_policy_comments_have_their_own_limit(client, open_document):
    url = f"/portal/policy/v{open_document.version}/"
    for n in range(LIMIT):
        assert client.post(url, {"text": f"Comment {n}"}).status_code == 302
    response = client.post(url, {"text": "One too many"})
    assert response.status_code == 429
    assert "Too many comments have come from your address recently" in response.content.decode()
    assert PolicyComment.objects.count() == LIMIT
    assert client.post(url, {"text": "From elsewhere"}, REMOTE_ADDR="198.51.100.7").status_code == 302
    assert _report(client).status_code == 302  # the report form counts apart


def test_without_redis_a_report_is_let_through(client, settings):
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {**settings.CACHES["ratelimit"], "LOCATION": "redis://127.0.0.1:9/0"},
    }
    for n in range(LIMIT + 1):
        assert _report(client, n).status_code == 302
    assert Complaint.objects.count() == LIMIT + 1


@pytest.mark.parametrize("mask", [0, 129])
def test_an_ipv6_mask_no_address_has_stops_the_start(settings, mask):
    """Before, 129 was taken, and every portal submission from an IPv6 client was a server error."""
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.RATELIMIT_IPV6_MASK = mask
    with pytest.raises(SystemCheckError, match="RATELIMIT_IPV6_MASK"):
        call_command("check")
