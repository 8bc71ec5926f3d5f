"""The read page in a real browser: "Back to results" works under the site's CSP (it was
`javascript:history.back()`, which the CSP blocks), and the read leads to a hold and to an error report
(RET-2, RET-5)."""
import re

import pytest
from playwright.sync_api import expect

from conftest import UserFactory
from policy.roles import Role
from retention.models import ErroneousFlag
from searches.tests.factories import make_camera, make_read
from tests.browser.conftest import (
    assert_accessible,
    browser_sign_in,
    browser_state_justification,
    csp_refusals,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SPECIFIC = "Armed robbery at the Oak Street pharmacy, suspect fled in a silver Honda sedan"


@pytest.mark.rule("RET-2")
@pytest.mark.rule("RET-5")
def test_from_a_read_back_to_the_results_to_an_error_report_and_to_a_hold(page, live_server):
    officer = UserFactory(role=Role.OFFICER)
    camera = make_camera("Harlem & North")
    read = make_read(camera=camera, plate="KRN5562")
    make_read(camera=camera, plate="KRN5563")
    refused = csp_refusals(page)
    browser_sign_in(page, live_server, officer)
    browser_state_justification(page, live_server, SPECIFIC)
    page.get_by_label("Plate", exact=True).fill("KRN556*")
    page.get_by_role("button", name="Search", exact=True).click()
    results = page.get_by_role("heading", name=re.compile(r"Reads 1–2 of 2"))
    expect(results).to_be_visible()
    results_url = page.url

    page.get_by_role("link", name=re.compile(f"Open read {read.pk}")).click()
    expect(page.get_by_role("heading", name=re.compile(f"Read {read.pk}"))).to_be_visible()
    assert_accessible(page, "the read page with its actions")
    page.get_by_role("link", name="Back to results").click()
    expect(results).to_be_visible()
    assert page.url == results_url and refused == []

    page.get_by_role("link", name=re.compile(f"Open read {read.pk}")).click()
    page.get_by_role("link", name=f"Report read {read.pk} as erroneous").click()
    page.get_by_label("What is wrong").select_option(label="Misread plate")
    page.get_by_label("Note").fill("The crop shows KRN5582")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("heading", name=re.compile(f"Read {read.pk}"))).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("goes to the system administrator")
    assert ErroneousFlag.objects.filter(read_id=read.pk, flagged_by=officer).exists()

    page.get_by_role("link", name=f"Place an evidence hold on read {read.pk}").click()
    expect(page.get_by_label("Read numbers")).to_have_value(str(read.pk))
