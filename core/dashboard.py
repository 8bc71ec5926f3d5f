"""Each person's start page: the work waiting for them now, as tiles with a figure and a link.

A tile is shown to whoever holds its capability (``policy.roles``), so a role never sees work it may
not do. Its figure comes from a selector of the app that owns the data. Tiles hold counts, staff
names, case numbers and report titles, never a plate or a read: their links lead into the pages that
check the justification and write the audit entry. Adding a tile is one entry in ``TILES``.
"""
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from accounts import selectors as accounts
from alpr import cameras
from audit import selectors as audit
from hotlists import alerts
from policy import selectors as policy
from policy.roles import Capability
from reports import selectors as reports
from retention import selectors as retention
from searches import selectors as searches
from sharing import selectors as sharing

TRAINING_NAMES_SHOWN = 5


@dataclass(frozen=True)
class TileLine:
    """One line of a tile's list (a report, a person, a search), with its own link if it has one."""

    text: str
    url: str = ""
    note: str = ""


@dataclass(frozen=True)
class TileState:
    count: int | None = None  # None: the tile states something rather than counting
    summary: str = ""
    lines: tuple[TileLine, ...] = ()
    query: dict | None = None  # a filter for the page the tile's link opens


@dataclass(frozen=True)
class Viewer:
    """Who is looking: the person, and the open justification their session holds, if any."""

    user: object
    justification_id: int | None = None


@dataclass(frozen=True)
class Tile:
    key: str
    title: str
    capability: str
    load: Callable[[Viewer], TileState]
    link: str  # URL name of the page where the work is done
    link_label: str
    empty: str  # what the tile says when nothing waits
    alpr_data: bool = False  # leads into ALPR data: left out while training blocks the person (ACC-5)


@dataclass(frozen=True)
class ShownTile:
    tile: Tile
    state: TileState
    url: str

    @property
    def waiting(self) -> bool:
        return bool(self.state.count)


def counted(selector: Callable[[], int], summary: str = "") -> Callable[[Viewer], TileState]:
    """A tile's loader for a count that is the same for everyone who sees the tile."""
    return lambda viewer: TileState(count=selector(), summary=summary)


def _alerts(viewer: Viewer) -> TileState:
    waiting = alerts.alerts_waiting_counts()
    to_act = waiting["to_act"]
    days = policy.current_policy().alert_open_days
    summary = f"Raised in the last {days} day{'s' if days > 1 else ''} and not yet checked against the image."
    if to_act:
        summary += f" Also {to_act} confirmed alert{'s' if to_act > 1 else ''} without the action taken."
    return TileState(count=waiting["to_verify"], summary=summary)


def _justification(viewer: Viewer) -> TileState:
    justification = searches.open_justification(user=viewer.user, justification_id=viewer.justification_id)
    if justification is None:
        return TileState()
    return TileState(summary=f"{justification.purpose_label}, case {justification.case_number}: "
                             f"{justification.remaining_minutes()} minute(s) left.")


def _searches(viewer: Viewer) -> TileState:
    lines = tuple(
        TileLine(f"Case {search.case_number}, {search.purpose_label}",
                 url="" if search.outcome_count else reverse("searches:outcome_for", args=[search.pk]),
                 note=f"{timezone.localtime(search.created_at):%Y-%m-%d %H:%M}, "
                      + ("outcome recorded" if search.outcome_count else "record what it led to"))
        for search in searches.recent_searches(user=viewer.user))
    return TileState(count=searches.outcomes_to_record_count(user=viewer.user), lines=lines,
                     summary=f"Your searches of the last {searches.RECENT_SEARCH_DAYS} days that ended "
                             "without an outcome recorded.")


def _policy_changes(viewer: Viewer) -> TileState:
    texts, values = reports.policy_texts_waiting_counts(), policy.policy_changes_waiting_counts()
    in_comment = texts["in_comment"] + values["in_comment"]
    return TileState(count=texts["ready"] + values["ready"],
                     summary=f"Public comment has ended: new policy texts and proposed changes of the "
                             f"enforced values wait for your decision. {in_comment} more still open for "
                             "comment.")


def _discrepancies(viewer: Viewer) -> TileState:
    return TileState(count=reports.discrepancies_unread_count(chief=viewer.user),
                     summary="Found at the sign-off of a monthly audit report and sent to you.")


def _training(viewer: Viewer) -> TileState:
    expiring = accounts.training_expiring()
    lines = tuple(TileLine(item.full_name, url=reverse("accounts:person_detail", args=[item.user_id]),
                           note=f"{item.label}, expires {item.expires_on:%Y-%m-%d}")
                  for item in expiring.trainings[:TRAINING_NAMES_SHOWN])
    return TileState(count=expiring.people, lines=lines,
                     summary=f"Active people whose training, sign-off or certification expires within "
                             f"{expiring.window_days} days.")


def _flags(viewer: Viewer) -> TileState:
    found = audit.flags_since_last_review(user=viewer.user)
    since = found.last_review and timezone.localtime(found.last_review)
    summary = (f"Flagged since you last read the flagged entries ({since:%Y-%m-%d %H:%M})." if since
               else "Flagged for your attention; you have not read the flagged entries yet.")
    query = {"flagged": "yes", **({"date_from": since.date().isoformat()} if since else {})}
    return TileState(count=found.count, summary=summary, query=query)


def _latest_reports(viewer: Viewer) -> TileState:
    lines = tuple(TileLine(report.title, url=reverse("reports:detail", args=[report.pk]),
                           note=f"generated {timezone.localtime(report.generated_at):%Y-%m-%d}")
                  for report in reports.latest_reports())
    return TileState(lines=lines)


TILES: tuple[Tile, ...] = (
    # Searching and verifying (officer, dispatcher, analyst, detective)
    Tile("alerts", "Alerts to verify", Capability.VERIFY_ALERTS, _alerts, "hotlists:alerts",
         "Open the alert inbox", "No alert is waiting.", alpr_data=True),
    Tile("justification", "Your open justification", Capability.SEARCH_PLATES, _justification,
         "searches:home", "Go to the search page", "None is open: state one to search.", alpr_data=True),
    Tile("searches", "Outcomes to record", Capability.SEARCH_PLATES, _searches, "searches:home",
         "Start a new search", "Every search of yours has its outcome.", alpr_data=True),
    # The Chief's decisions
    Tile("accounts", "Accounts waiting", Capability.APPROVE_USERS,
         counted(accounts.pending_account_count,
                 "New accounts and changed roles reach nothing until you decide."),
         "accounts:approvals", "Decide on pending accounts", "No account is waiting."),
    Tile("felony", "Other-felony searches waiting", Capability.APPROVE_FELONY_EXCEPTIONS,
         counted(searches.felony_request_pending_count,
                 "Written requests to search for another significant felony, each waiting for you."),
         "searches:felony_requests", "Decide on felony-exception searches", "No request is waiting."),
    Tile("placements", "Camera placements waiting", Capability.APPROVE_RELOCATIONS,
         counted(reports.placements_pending_count,
                 "Installations and moves, with their crime analysis and nondiscrimination review."),
         "reports:placement_queue", "Decide on placements", "No installation or move is waiting."),
    Tile("online-sharing", "Online sharing waiting", Capability.APPROVE_ONLINE_SHARING,
         counted(sharing.online_sharing_waiting_count,
                 "Requests to let an agency's people search our reads through the partner API: off until "
                 "you approve."),
         "sharing:online_sharing", "Decide on online sharing", "No request is waiting."),
    Tile("policy-changes", "Policy changes waiting", Capability.APPROVE_POLICY_TEXT, _policy_changes,
         "reports:policy_docs", "Review the proposals", "Nothing waits for your decision."),
    # Shown to those the sign-off sends discrepancies to (reports.services.reports._send_discrepancies).
    Tile("discrepancies", "Audit discrepancies", Capability.RECEIVE_AUDIT_DISCREPANCIES, _discrepancies,
         "reports:index", "Read the discrepancies", "No unread discrepancy."),
    # The administrator's queue
    Tile("lockouts", "Locked out", Capability.MANAGE_USERS,
         counted(accounts.locked_out_count,
                 "Login names locked after too many failed sign-ins, until released."),
         "accounts:lockouts", "Release lockouts", "No one is locked out."),
    Tile("training", "Training expiring", Capability.MANAGE_USERS, _training, "accounts:people",
         "Open the list of people", "No training expires soon."),
    Tile("cameras-silent", "Cameras silent", Capability.MANAGE_CAMERAS,
         counted(cameras.silent_camera_count,
                 "Cameras in service with no upload or heartbeat for longer than the policy allows; "
                 "the portal shows them as out of service."),
         "reports:cameras", "See the cameras", "Every camera in service has reported."),
    Tile("sign-off", "Reports to sign off", Capability.SIGN_OFF_AUDIT,
         counted(reports.reports_to_sign_off_count,
                 "Monthly audit reports to review; discrepancies go to the Chief."),
         "reports:index", "Sign off the audit report",
         "Every audit report is signed off."),
    Tile("error-flags", "Reads flagged as erroneous", Capability.MANAGE_RETENTION,
         counted(retention.open_flag_count,
                 "Reads someone flagged as wrong, waiting to be confirmed or rejected."),
         "retention:flags_queue", "Review flagged reads",
         "No flag is waiting."),
    Tile("certificates", "Deletion certificates overdue", Capability.REVIEW_SHARING,
         counted(sharing.overdue_certificate_count,
                 "Agencies past the date to certify deletion receive nothing more until they do."),
         "sharing:certificates", "Chase the certificates", "No certificate is overdue."),
    Tile("records", "Records requests open", Capability.HANDLE_RECORDS_REQUESTS,
         counted(sharing.open_records_request_count, "Public-records requests waiting for an answer."),
         "sharing:records_requests", "Answer open requests",
         "No request is open."),
    # Oversight (auditor, board, and the Chief and administrator too)
    Tile("flags", "New flags", Capability.READ_AUDIT_LOG, _flags, "audit:log", "Review the flagged entries",
         "Nothing flagged since your last review."),
    Tile("complaints", "Complaints open", Capability.HANDLE_COMPLAINTS,
         counted(reports.complaints_open_count, "Reports from the public and staff not yet resolved."),
         "reports:complaints", "Track them to resolution",
         "No complaint is open."),
    Tile("latest-reports", "Latest reports", Capability.READ_REPORTS, _latest_reports, "reports:index",
         "All reports", "No report has been generated yet."),
)


def _url(tile: Tile, state: TileState) -> str:
    url = reverse(tile.link)
    return f"{url}?{urlencode(state.query)}" if state.query else url


def dashboard(viewer: Viewer, *, blocked: bool = False, tiles: tuple[Tile, ...] = TILES) -> list[ShownTile]:
    """Return the tiles `viewer` may see, loaded; `blocked`: their training blocks ALPR data (ACC-5)."""
    shown = []
    for tile in tiles:
        if not viewer.user.can(tile.capability) or (blocked and tile.alpr_data):
            continue
        state = tile.load(viewer)
        shown.append(ShownTile(tile, state, _url(tile, state)))
    return shown
