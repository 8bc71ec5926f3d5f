"""Hints and errors are tied to their inputs, and the error summary links to each field (WCAG 1.3.1, 3.3.1).

Django gives each input aria-describedby="<id>_helptext <id>_error" and aria-invalid; these tests check
that our templates put those ids on the hint and the errors, on real forms rendered by the test client.
"""

from html.parser import HTMLParser

import pytest

from audit.context import Actor
from policy.roles import Role

pytestmark = pytest.mark.django_db


class _Page(HTMLParser):
    """Collect every element's attributes by id, the ids that aria-describedby names, and in-page links."""

    def __init__(self, html: str):
        super().__init__()
        self.by_id, self.described, self.links, self.duplicates = {}, [], [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = {"tag": tag, **dict(attrs)}
        if "id" in attributes:
            if attributes["id"] in self.by_id:
                self.duplicates.append(attributes["id"])
            self.by_id[attributes["id"]] = attributes
        self.described += (attributes.get("aria-describedby") or "").split()
        if tag == "a" and (attributes.get("href") or "").startswith("#"):
            self.links.append(attributes["href"][1:])

    def assert_references_resolve(self):
        assert self.duplicates == []
        assert [ref for ref in self.described if ref not in self.by_id] == []
        assert [ref for ref in self.links if ref and ref not in self.by_id] == []


def _page(response) -> _Page:
    return _Page(response.content.decode())


def test_a_hint_describes_its_input_before_any_error(client):
    page = _page(client.get("/portal/report-a-problem/"))
    assert page.by_id["id_description"]["aria-describedby"] == "id_description_helptext"
    assert "aria-invalid" not in page.by_id["id_description"]
    assert page.by_id["id_description_helptext"]["class"] == "hint"
    page.assert_references_resolve()


def test_complaint_errors_are_tied_to_their_inputs_and_listed_with_links(client):
    response = client.post("/portal/report-a-problem/", {"email": "not an address"})
    assert response.status_code == 400
    page = _page(response)
    description = page.by_id["id_description"]
    assert description["aria-invalid"] == "true"
    assert description["aria-describedby"] == "id_description_helptext id_description_error"
    assert page.by_id["id_email"]["aria-describedby"] == "id_email_error"
    assert "aria-describedby" not in page.by_id["id_name"]
    # A radio group is described as a whole, on its fieldset; each choice is marked invalid.
    assert page.by_id["id_kind_0"]["aria-invalid"] == "true"
    assert "id_kind_error" in page.described
    assert {"id_kind_0", "id_description", "id_email"} <= set(page.links)
    page.assert_references_resolve()
    text = response.content.decode()
    assert '<a href="#id_email">Your email (optional, for updates)</a> — Enter a valid email address.' in text


def test_the_error_summary_links_each_invalid_field_once_in_form_order(client):
    text = client.post("/portal/report-a-problem/", {"name": ""}).content.decode()
    summary = text[text.index("Please correct these fields") :]
    summary = summary[: summary.index("</ul>")]
    assert summary.count("<li>") == 2
    assert summary.index('href="#id_kind_0"') < summary.index('href="#id_description"')


def test_a_policy_comment_error_is_tied_to_its_textarea(client, administrator):
    from reports.services.policy_docs import policy_doc_draft, policy_doc_open_comment

    acting = Actor.for_user(administrator)
    document = policy_doc_draft(actor=acting, title="ALPR policy", text="# Purpose\nListed purposes only.")
    policy_doc_open_comment(actor=acting, document_id=document.pk)
    response = client.post(f"/portal/policy/v{document.version}/", {"text": ""})
    assert response.status_code == 400
    page = _page(response)
    assert page.by_id["id_text"]["aria-invalid"] == "true"
    assert page.by_id["id_text"]["aria-describedby"] == "id_text_error"
    assert "id_text" in page.links
    page.assert_references_resolve()


def test_sign_in_fields_are_described_by_their_errors(client):
    page = _page(client.post("/accounts/login/", {"username": "", "password": ""}))
    assert page.by_id["id_username"]["aria-describedby"] == "id_username_error"
    assert page.by_id["id_username"]["aria-invalid"] == "true"
    assert {"id_username", "id_password"} <= set(page.links)
    page.assert_references_resolve()


def test_the_unticked_notice_checkbox_is_described_by_its_error(client, officer):
    response = client.post("/accounts/login/", {"username": officer.username, "password": "whatever"})
    page = _page(response)
    assert page.by_id["id_notice_acknowledged"]["aria-invalid"] == "true"
    assert page.by_id["id_notice_acknowledged"]["aria-describedby"] == "id_notice_acknowledged_error"
    assert "id_notice_acknowledged" in page.links
    page.assert_references_resolve()


def test_a_staff_form_with_a_checkbox_and_hints_resolves_every_reference(make_verified_client):
    client = make_verified_client(Role.ADMINISTRATOR)
    response = client.post("/reports/incidents/", {"public_notice_required": "on"})
    assert response.status_code == 400
    page = _page(response)
    assert page.by_id["id_title"]["aria-describedby"] == "id_title_error"
    assert page.by_id["id_public_notice"]["aria-describedby"].startswith("id_public_notice_helptext")
    page.assert_references_resolve()
