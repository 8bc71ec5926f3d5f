"""The main menu: a few labelled groups, each role's pages and no other (ACC-7)."""
import re

import pytest
from django.urls import reverse

from core.navigation import MENU, menu_for
from policy.roles import ROLE_CAPABILITIES, Role

pytestmark = pytest.mark.django_db


def labels(groups) -> list[tuple[str, list[str]]]:
    return [(group.label, [item.label for item in group.items]) for group in groups]


@pytest.mark.rule("ACC-7")
def test_the_administrators_fourteen_pages_fall_into_four_menus_between_home_and_my_account(administrator):
    assert labels(menu_for(administrator, "/")) == [
        ("Home", ["Home"]),
        ("Casework", ["Search", "Evidence"]),
        ("People", ["People", "Locked accounts"]),
        ("Operations", ["Cameras", "Error reports", "Sharing"]),
        ("Oversight", ["Reports", "Compliance", "Audit log", "Complaints", "Policy"]),
        ("My account", ["My account"]),
    ]


@pytest.mark.rule("ACC-7")
def test_each_role_sees_only_its_own_pages(user_factory):
    officer = labels(menu_for(user_factory(role=Role.OFFICER), "/"))
    assert officer == [("Home", ["Home"]), ("Casework", ["Search", "Alerts", "Hotlists", "Evidence"]),
                       ("Oversight", ["Policy"]), ("My account", ["My account"])]
    chief = labels(menu_for(user_factory(role=Role.CHIEF), "/"))
    assert ("Casework", ["Felony requests"]) in chief and ("People", ["People", "Approvals"]) in chief
    assert ("Operations", ["Cameras", "Online sharing"]) in chief
    board = labels(menu_for(user_factory(role=Role.OVERSIGHT), "/"))
    assert board == [("Home", ["Home"]), ("Oversight", ["Reports", "Compliance", "Policy"]),
                     ("My account", ["My account"])]


@pytest.mark.rule("ACC-7")
@pytest.mark.parametrize("role", list(ROLE_CAPABILITIES))
def test_every_page_of_a_roles_menu_opens_for_it(role, make_verified_client):
    client = make_verified_client(role)
    for group in menu_for(client.user, "/"):
        for item in group.items:
            assert client.get(item.url).status_code == 200, (role, item.label)


def test_every_menu_entry_names_a_page():
    for group in MENU:
        for item in group.items:
            assert reverse(item.url_name)


def test_a_group_of_several_pages_is_a_disclosure_and_a_group_of_one_a_plain_link(make_verified_client):
    content = make_verified_client(Role.OFFICER).get("/").content.decode()
    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', content, re.S).group(1)
    menu = r'<details class="nav-menu" data-nav-menu>\s*<summary id="nav-casework">Casework</summary>'
    assert re.search(menu, nav)
    assert f'<a href="{reverse("searches:home")}">Search</a>' in nav
    assert f'<li><a href="{reverse("policy:detail")}">Policy</a></li>' in nav  # alone in its group
    assert "<summary" not in nav.split("Policy")[1]  # no menu for one page
    assert f'<a href="{reverse("home")}" aria-current="page">Home</a>' in nav


def test_the_page_shown_marks_its_item_and_a_page_below_it_marks_the_group(administrator):
    [casework] = [group for group in menu_for(administrator, reverse("sharing:certificates"))
                  if group.label == "Operations"]
    assert casework.current and not any(item.current for item in casework.items)
    [people] = [group for group in menu_for(administrator, reverse("accounts:lockouts"))
                if group.label == "People"]
    assert people.current and [item.label for item in people.items if item.current] == ["Locked accounts"]
    groups = menu_for(administrator, reverse("accounts:lockouts"))
    assert [group.label for group in groups if group.current] == ["People"]  # "/" is not every page's


@pytest.mark.rule("ACC-7")
def test_the_section_of_the_page_shown_is_announced_not_only_underlined(make_verified_client):
    """Tried with a screen reader: on Locked accounts the People menu is closed, so its link marked as the
    page is not heard, and the underline of People was the only sign of where one is."""
    admin = make_verified_client(Role.ADMINISTRATOR)
    nav = _main_nav(admin.get(reverse("accounts:lockouts")).content.decode())
    assert '<summary id="nav-people" aria-current="true">People</summary>' in nav
    assert '<summary id="nav-casework">Casework</summary>' in nav
    # A group of one page below whose link the page lies: the link says the section is current.
    nav = _main_nav(admin.get(reverse("accounts:password_change")).content.decode())
    assert f'<a href="{reverse("accounts:me")}" aria-current="true">My account</a>' in nav


def _main_nav(content: str) -> str:
    return re.search(r'<nav aria-label="Main">(.*?)</nav>', content, re.S).group(1)
