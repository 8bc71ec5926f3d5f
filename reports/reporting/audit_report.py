"""The monthly audit of system use (AUD-5): every user's activity and the policy-adherence flags.

Built from the audit log alone. Flags raised for the administrator's review:
- a refused attempt (the policy said no);
- an event flagged for audit (e.g. a vague or prohibited reason given);
- a partner agency's person refused or flagged at the partner API (listed under their agency);
- the same plate searched the policy's ``repeated_plate_searches`` times or more by one person without a
  case number;
- activity outside the person's normal hours: the hours of day in which they acted during the policy's
  ``audit_baseline_days`` before the month (at least ``audit_baseline_min_events`` actions), or, with too
  little history, the hours outside the policy's off-hours.
The thresholds, the baseline and the off-hours are those of the policy version in force at the end of the
period.
Plates appear masked: the report is read by the oversight board.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from accounts.models import AccountStatus, User
from audit import actions as registry
from audit.models import ActorType, AuditEvent, Outcome
from core.compliance import enforces
from policy.directions import off_hours
from policy.selectors import policy_in_force_before, purpose_labels_before
from reports.metrics import PLATE_LOOKUP_ACTIONS, SEARCH_ACTIONS, category_of
from reports.periods import Period
from reports.reporting.content import Chart, ReportContent, Section, Table
from searches.models import AUDIT_QUERY_PURPOSE

FLAG_REFUSED = "Refused attempt"
FLAG_AUDIT = "Flagged for audit (vague or prohibited reason)"
FLAG_REPEAT_PLATE = "Same plate searched repeatedly without a case number"
FLAG_OFF_HOURS = "Activity outside normal hours"


def is_view(code: str) -> bool:
    return ".view" in code or code.endswith("viewed")


def is_download(code: str) -> bool:
    return "download" in code


def is_alert_verification(code: str) -> bool:
    return category_of(code) == "alert" and "verif" in code


def searched_plate(event: dict) -> str:
    """The plate a search asked for: ``query['plate']``, else a ``plate:...`` target."""
    plate = (event["query"] or {}).get("plate") if isinstance(event["query"], dict) else None
    if not plate:
        plate = next((t.split(":", 1)[1] for t in event["targets"] or [] if str(t).startswith("plate:")), "")
    return str(plate or "").upper()


def mask_plate(plate: str) -> str:
    return (plate[:1] + "•" * max(len(plate) - 2, 1) + plate[-1:]) if len(plate) > 2 else "•••"


@dataclass
class PersonActivity:
    user: User
    events: int = 0
    searches: int = 0
    refused: int = 0
    flagged: int = 0
    views: int = 0
    downloads: int = 0
    alerts_verified: int = 0
    off_hours: int = 0
    by_category: Counter = field(default_factory=Counter)
    by_purpose: Counter = field(default_factory=Counter)
    case_numbers: set = field(default_factory=set)
    normal_hours: str = ""

    @property
    def label(self) -> str:
        return self.user.audit_label


_FIELDS = (
    "id",
    "occurred_at",
    "actor_user_id",
    "action",
    "outcome",
    "purpose",
    "case_number",
    "flagged",
    "query",
    "targets",
    "reason",
)


@dataclass
class AuditActivity:
    """What the audit log says of a period: each person's activity and the policy-adherence flags."""

    people: list[PersonActivity]  # most active first
    flags: list[list]  # [person, flag, when, action, detail]
    total: int  # audit events by people
    repeated_plate_searches: int  # the policy's: lookups of one plate without a case number that are flagged
    default_hours: str  # the normal hours of people with little history: outside the policy's off-hours
    baseline_days: int  # the policy's: days of history before the period that set a person's normal hours
    baseline_min_events: int  # the policy's: actions in those days before a person's own hours count

    def flags_of(self, kind: str) -> list[list]:
        return [flag for flag in self.flags if flag[1] == kind]


def _rests_on_a_case(event: dict) -> bool:
    """Whether a plate lookup ran under a case. An audit query's reference is free text, never checked
    as a case number (USE-4): typing one must not take its lookups out of the repeated-plate watch."""
    return bool(event["case_number"]) and event["purpose"] != AUDIT_QUERY_PURPOSE


@enforces("AUD-5")
def build_monthly_audit(period: Period) -> ReportContent:
    activity = audit_activity(period)
    return _content(period, activity)


@enforces("AUD-5", "RPT-1")
def audit_activity(period: Period) -> AuditActivity:
    """Every person's activity in the period and the adherence flags raised for review, judged by the
    policy in force at the period's end."""
    events = list(
        AuditEvent.objects.filter(
            occurred_at__gte=period.start, occurred_at__lt=period.end, actor_user__isnull=False
        )
        .order_by("occurred_at", "id")
        .values(*_FIELDS)
    )
    users = {u.pk: u for u in User.objects.filter(status=AccountStatus.ACTIVE)}
    users.update({u.pk: u for u in User.objects.filter(pk__in={e["actor_user_id"] for e in events})})
    people = {pk: PersonActivity(user) for pk, user in users.items()}
    policy = policy_in_force_before(period.end)  # a later change of the policy does not rewrite a past month
    hours = _normal_hours(period, list(people), policy)
    labels, repeated = purpose_labels_before(period.end), policy.repeated_plate_searches
    flags: list[list] = []
    plate_searches: dict[tuple[int, str], list[dict]] = defaultdict(list)

    for event in events:
        person = people[event["actor_user_id"]]
        code, category = event["action"], category_of(event["action"])
        person.events += 1
        person.by_category[category] += 1
        if event["case_number"]:
            person.case_numbers.add(event["case_number"])
        if code in SEARCH_ACTIONS and event["outcome"] == Outcome.ALLOWED:
            person.searches += 1
            purpose = event["purpose"]
            person.by_purpose[labels.get(purpose, purpose) if purpose else "No purpose (audit query)"] += 1
        if code in PLATE_LOOKUP_ACTIONS and event["outcome"] == Outcome.ALLOWED \
                and not _rests_on_a_case(event):
            plate = searched_plate(event)
            if plate:
                plate_searches[(person.user.pk, plate)].append(event)
        if event["outcome"] == Outcome.ALLOWED:
            person.views += is_view(code)
            person.downloads += is_download(code)
            person.alerts_verified += is_alert_verification(code)
        person.refused += event["outcome"] == Outcome.REFUSED
        person.flagged += event["flagged"]
        flags += _event_flags(person.label, event)
        if timezone.localtime(event["occurred_at"]).hour not in hours[person.user.pk][0]:
            person.off_hours += 1
    flags += _partner_flags(period)

    for (user_pk, plate), found in sorted(plate_searches.items(), key=lambda item: item[1][0]["id"]):
        if len(found) >= repeated:
            first = timezone.localtime(found[0]["occurred_at"])
            flags.append(
                [
                    people[user_pk].label,
                    FLAG_REPEAT_PLATE,
                    f"{first:%Y-%m-%d %H:%M}",
                    "Plate search",
                    f"{len(found)} searches of plate {mask_plate(plate)} without a case number",
                ]
            )
    for person in people.values():
        person.normal_hours = hours[person.user.pk][1]
        if person.off_hours:
            flags.append(
                [
                    person.label,
                    FLAG_OFF_HOURS,
                    "",
                    "",
                    f"{person.off_hours} action(s) outside {person.normal_hours}",
                ]
            )
    people_by_activity = sorted(people.values(), key=lambda p: (-p.events, p.label))
    return AuditActivity(people_by_activity, flags, len(events), repeated, _policy_hours(policy),
                         policy.audit_baseline_days, policy.audit_baseline_min_events)


def _event_flags(label: str, event: dict) -> list[list]:
    """The flags one audit event raises: refused by the policy, flagged for audit, or both."""
    when = f"{timezone.localtime(event['occurred_at']):%Y-%m-%d %H:%M}"
    raised = [FLAG_REFUSED] if event["outcome"] == Outcome.REFUSED else []
    raised += [FLAG_AUDIT] if event["flagged"] else []
    return [[label, flag, when, _label(event["action"]), event["reason"]] for flag in raised]


def _partner_flags(period: Period) -> list[list]:
    """Refused or flagged attempts by partner agencies' people (SHR-4, SHR-5): the partner API audits
    them under the agency, not under an account of ours, so the loop over people never sees them."""
    events = (
        AuditEvent.objects.filter(occurred_at__gte=period.start, occurred_at__lt=period.end,
                                  actor_type=ActorType.AGENCY)
        .filter(Q(outcome=Outcome.REFUSED) | Q(flagged=True))
        .order_by("occurred_at", "id")
        .values("actor_label", *_FIELDS)
    )
    return [flag for event in events for flag in _event_flags(event["actor_label"], event)]


def _label(code: str) -> str:
    try:
        return registry.get(code).label
    except KeyError:
        return code


def _normal_hours(period: Period, user_ids: list[int], policy) -> dict[int, tuple[set[int], str]]:
    """Each person's normal hours of day: those they acted in during `policy`'s ``audit_baseline_days``
    before the month, or, with fewer than ``audit_baseline_min_events`` actions in them, the hours outside
    its off-hours (``off_hours_start`` to ``off_hours_end``)."""
    since = period.start - timedelta(days=policy.audit_baseline_days)
    seen: dict[int, Counter] = defaultdict(Counter)
    for user_id, occurred_at in AuditEvent.objects.filter(
        actor_user_id__in=user_ids, occurred_at__gte=since, occurred_at__lt=period.start
    ).values_list("actor_user_id", "occurred_at"):
        seen[user_id][timezone.localtime(occurred_at).hour] += 1
    usual = set(range(24)) - off_hours(policy.off_hours_start, policy.off_hours_end)
    default = (usual, _policy_hours(policy))
    result = {}
    for user_id in user_ids:
        history = seen.get(user_id)
        if history and sum(history.values()) >= policy.audit_baseline_min_events:
            result[user_id] = (set(history), f"their usual hours ({_hours_text(set(history))})")
        else:
            result[user_id] = default
    return result


def _policy_hours(policy) -> str:
    """The hours outside the policy's off-hours, in words."""
    if policy.off_hours_start == policy.off_hours_end:
        return "any hour (the policy sets no off-hours)"
    return f"the policy's hours {policy.off_hours_end:02d}:00–{policy.off_hours_start:02d}:00"


def _hours_text(hours: set[int]) -> str:
    return ", ".join(f"{hour:02d}h" for hour in sorted(hours))


def _content(period: Period, audit: AuditActivity) -> ReportContent:
    people, flags, total = audit.people, audit.flags, audit.total
    categories = sorted({c for p in people for c in p.by_category})
    active = [p for p in people if p.events]
    purposes = Counter()
    for person in people:
        purposes.update(person.by_purpose)
    summary = {
        "People with activity": len(active),
        "Accounts covered": len(people),
        "Audit events by people": total,
        "Searches": sum(p.searches for p in people),
        "Refused attempts": sum(p.refused for p in people),
        "Events flagged for audit": sum(p.flagged for p in people),
        "Adherence flags to review": len(flags),
    }
    activity = Table(
        "Activity of every user",
        [
            "Person",
            "Role",
            "Events",
            "Searches",
            "Case numbers",
            "Views",
            "Downloads",
            "Alerts verified",
            "Refused",
            "Flagged",
            "Outside normal hours",
        ],
        [
            [
                p.label,
                p.user.get_role_display(),
                p.events,
                p.searches,
                len(p.case_numbers),
                p.views,
                p.downloads,
                p.alerts_verified,
                p.refused,
                p.flagged,
                p.off_hours,
            ]
            for p in people
        ],
        slug="activity",
    )
    by_category = Table(
        "Actions by category",
        ["Person", *categories],
        [[p.label, *(p.by_category.get(c, 0) for c in categories)] for p in active],
        slug="categories",
    )
    by_purpose = Table(
        "Searches by purpose",
        ["Person", "Purpose", "Searches"],
        [[p.label, purpose, n] for p in active for purpose, n in sorted(p.by_purpose.items())],
        slug="purposes",
    )
    cases = Table(
        "Case numbers used",
        ["Person", "Case numbers"],
        [[p.label, ", ".join(sorted(p.case_numbers))] for p in active if p.case_numbers],
        slug="cases",
    )
    flag_table = Table(
        "Policy-adherence flags",
        ["Person", "Flag", "When", "Action", "Detail"],
        flags,
        note="Each flag needs the administrator's review before sign-off.",
        slug="flags",
    )
    return ReportContent(
        title="Monthly audit of system use",
        period_label=period.label,
        summary=summary,
        sections=[
            Section(
                "Who did what",
                "Every account active in the month, and anyone who acted in it.",
                [activity, by_category],
                [Chart("Actions per person", [(p.label, p.events) for p in active[:25]])],
            ),
            Section(
                "Searches",
                "",
                [by_purpose, cases],
                [Chart("Searches by purpose", sorted(purposes.items(), key=lambda item: -item[1]))],
            ),
            Section(
                "Policy adherence",
                "Refused attempts (partner agencies' included), reasons flagged as vague or prohibited, "
                "repeated searches of one plate without a case number, and use outside a person's "
                "normal hours.",
                [flag_table],
            ),
        ],
        notes=[
            f"Repeated-plate flag: {audit.repeated_plate_searches} or more searches of one plate without a "
            f"case number. Normal hours: the hours a person acted in during the {audit.baseline_days} days "
            f"before the month (at least {audit.baseline_min_events} actions), otherwise "
            f"{audit.default_hours}. All as the policy in force at the end of the month set them."
        ],
    )
