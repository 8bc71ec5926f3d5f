"""The main menu: a few labelled groups of the pages each role may use (ACC-7).

An item is shown to whoever holds one of its capabilities (``None``: everyone signed in). A group
with several items to show is a disclosure menu; a group with one is that item's own link, so no
one opens a menu to reach a single page.
"""
from dataclasses import dataclass

from django.urls import reverse

from policy.roles import Capability as C


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    capabilities: tuple[str, ...] | None  # any one of them shows the item; None: everyone


@dataclass(frozen=True)
class NavGroup:
    label: str
    items: tuple[NavItem, ...]


@dataclass(frozen=True)
class ShownItem:
    label: str
    url: str
    current: bool  # the page shown is this item's own page


@dataclass(frozen=True)
class ShownGroup:
    label: str
    key: str
    items: tuple[ShownItem, ...]
    current: bool  # the page shown belongs to one of the items


MENU: tuple[NavGroup, ...] = (
    NavGroup("Home", (NavItem("Home", "home", None),)),
    NavGroup("Casework", (
        NavItem("Search", "searches:home", (C.SEARCH_PLATES, C.AUDIT_QUERY)),
        NavItem("Alerts", "hotlists:alerts", (C.VERIFY_ALERTS,)),
        NavItem("Hotlists", "hotlists:index", (C.CREATE_HOTLIST, C.VERIFY_ALERTS)),
        NavItem("Evidence", "retention:holds_list", (C.HANDLE_EVIDENCE, C.MANAGE_RETENTION)),
        NavItem("Felony requests", "searches:felony_requests", (C.APPROVE_FELONY_EXCEPTIONS,)),
    )),
    NavGroup("People", (
        NavItem("People", "accounts:people", (C.MANAGE_USERS, C.SUSPEND_USERS, C.APPROVE_USERS)),
        NavItem("Approvals", "accounts:approvals", (C.APPROVE_USERS,)),
        NavItem("Locked accounts", "accounts:lockouts", (C.MANAGE_USERS,)),
    )),
    NavGroup("Operations", (
        NavItem("Cameras", "reports:cameras", (C.MANAGE_CAMERAS, C.APPROVE_RELOCATIONS)),
        NavItem("Error reports", "retention:flags_queue", (C.MANAGE_RETENTION,)),
        NavItem("Sharing", "sharing:requests", (C.REVIEW_SHARING,)),
        NavItem("Online sharing", "sharing:online_sharing", (C.APPROVE_ONLINE_SHARING,)),
        NavItem("Records requests", "sharing:records_requests", (C.HANDLE_RECORDS_REQUESTS,)),
    )),
    NavGroup("Oversight", (
        NavItem("Reports", "reports:index", (C.READ_REPORTS,)),
        NavItem("Compliance", "compliance", (C.READ_REPORTS,)),
        NavItem("Audit log", "audit:log", (C.READ_AUDIT_LOG,)),
        NavItem("Complaints", "reports:complaints", (C.HANDLE_COMPLAINTS,)),
        NavItem("Policy", "policy:detail", None),
    )),
    NavGroup("My account", (NavItem("My account", "accounts:me", None),)),
)


def _may_see(user, item: NavItem) -> bool:
    return item.capabilities is None or any(user.can(capability) for capability in item.capabilities)


def _section_of(path: str, urls: list[str]) -> str | None:
    """The item URL the page at `path` belongs to: its own, or the longest one it lies under."""
    under = [url for url in urls if path == url or (url != "/" and path.startswith(url))]
    return max(under, key=len, default=None)


def menu_for(user, path: str, menu: tuple[NavGroup, ...] = MENU) -> list[ShownGroup]:
    """Return the groups of `menu` with the items `user` may use; empty groups are left out."""
    visible = [(group, [item for item in group.items if _may_see(user, item)]) for group in menu]
    urls = {item.url_name: reverse(item.url_name) for _, items in visible for item in items}
    section = _section_of(path, list(urls.values()))
    shown = []
    for group, items in visible:
        if not items:
            continue
        entries = tuple(ShownItem(item.label, urls[item.url_name], urls[item.url_name] == path)
                        for item in items)
        shown.append(ShownGroup(group.label, group.label.lower().replace(" ", "-"), entries,
                                any(entry.url == section for entry in entries)))
    return shown
