"""The figures of the oversight report (RPT-1) and the quarterly metrics (RPT-2), one read per section.

Each function takes a period and returns plain data; the builders (``oversight_report``,
``quarterly_report``) turn it into tables and charts. Counts only where the report needs no more:
reads leave the database as numbers per camera, never as rows. Alerts and search outcomes are counted
by when they happened (an alert by when it was raised, an outcome by when it was recorded).
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum

from alpr.audit_actions import CAMERA_STATUS_CHANGED
from alpr.models import Camera, CameraStatus
from audit.models import ActorType, AuditEvent, Outcome
from hotlists.models import CONTACT_ACTIONS, Alert, AlertAction, RaceEthnicity, Sex, VerificationOutcome
from hotlists.selectors import FALSE_POSITIVE_OUTCOMES, alert_outcome_counts
from policy.selectors import policy_in_force_before
from reports.metrics import (
    FIRST_PAGE,
    SEARCH_ACTIONS,
    MonthUsage,
    reads_by_camera,
    usage_by_month,
    usage_over,
)
from reports.models import CameraCost, CameraDistrict, District, Report
from reports.periods import Period
from reports.reporting.audit_report import AuditActivity, audit_activity
from retention.models import ErroneousFlag, FlagStatus
from searches.models import (
    FelonyExceptionRequest,
    FelonyRequestStatus,
    Justification,
    OutcomeKind,
    SearchOutcome,
)
from sharing.selectors import partner_search_counts

NOT_IN_A_DISTRICT = "Not in any district"


def search_usage(period: Period) -> MonthUsage:
    """Searches by purpose, refused searches, reads: the portal's usage figures over the period."""
    return usage_over(period)


def alert_counts(period: Period) -> dict:
    """Hits (alerts raised), verified alerts by outcome, actions taken, hit and false-positive rates."""
    return alert_outcome_counts(period.start, period.end)


def search_outcome_counts(period: Period) -> dict[str, int]:
    """What searches led to, as recorded in the period: {OutcomeKind: n}, every kind present."""
    found = dict(
        SearchOutcome.objects.filter(recorded_at__gte=period.start, recorded_at__lt=period.end)
        .values_list("outcome")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {kind: found.get(kind, 0) for kind in OutcomeKind.values}


@dataclass
class FelonyExceptionUse:
    request: FelonyExceptionRequest
    searches: int  # searches in the period under justifications that cite it


def felony_exception_uses(period: Period) -> list[FelonyExceptionUse]:
    """Other-felony requests the Chief approved in the period or under which anyone searched in it."""
    approved = FelonyExceptionRequest.objects.filter(status=FelonyRequestStatus.APPROVED)
    request_of = dict(
        Justification.objects.filter(felony_request__in=approved).values_list("pk", "felony_request_id")
    )
    searches: Counter = Counter()
    if request_of:
        # A search's audit entry names the justification it ran under (alpr.access).
        for justification_id in AuditEvent.objects.filter(
            FIRST_PAGE,
            action__in=SEARCH_ACTIONS,
            outcome=Outcome.ALLOWED,
            occurred_at__gte=period.start,
            occurred_at__lt=period.end,
            query__justification__in=list(request_of),
        ).values_list("query__justification", flat=True):
            searches[request_of[int(justification_id)]] += 1
    requests = approved.filter(decided_at__gte=period.start, decided_at__lt=period.end) | approved.filter(
        pk__in=list(searches)
    )
    # Valid until: the days granted, or fewer as the policy in force at the period's end said; a later
    # change of the policy does not rewrite a past month.
    requests = requests.with_valid_until(policy_in_force_before(period.end)).distinct()
    return [
        FelonyExceptionUse(request, searches[request.pk])
        for request in requests.select_related("requested_by", "decided_by").order_by("decided_at")
    ]


def outside_agency_searches(period: Period) -> list:
    """Searches by each outside agency in the period, most first (SHR-5): name, ORI and number."""
    return partner_search_counts(since=period.start, until=period.end)


@dataclass
class Adherence:
    activity: AuditActivity
    audit_report: Report | None  # the month's audit report, newest version, if generated

    @property
    def flag_counts(self) -> Counter:
        return Counter(flag[1] for flag in self.activity.flags)


def adherence(period: Period) -> Adherence:
    """The audit report's adherence flags for the period, and whether that report was signed off."""
    audit_report = (
        Report.objects.filter(kind="monthly_audit", period_start=period.first)
        .select_related("sign_off__signed_by")
        .order_by("-version")
        .first()
    )
    return Adherence(audit_activity(period), audit_report)


@dataclass
class GroupOutcomes:
    """Contacts that followed confirmed alerts, for one group of people, by what came of them."""

    code: str
    label: str
    by_action: Counter = field(default_factory=Counter)

    @property
    def contacts(self) -> int:
        return sum(self.by_action.values())


def _population_shares(districts: list[District]) -> dict[str, float | None]:
    """The jurisdiction's population share of each category (percent), from the districts entered."""
    total = sum(d.population for d in districts)
    return {
        category.value: (sum(d.population * d.share(category) for d in districts) / total if total else None)
        for category in RaceEthnicity.recorded()
    }


# The actions that met a person, lightest first: what a stop that led to several of them is counted as.
CONTACT_WEIGHT = (AlertAction.STOP, AlertAction.VEHICLE_RECOVERED, AlertAction.PERSON_LOCATED,
                  AlertAction.ARREST)


@dataclass
class StopDemographics:
    confirmed: int
    acted_on: int
    by_race: list[GroupOutcomes]  # every category, "not recorded" last
    by_sex: list[GroupOutcomes]
    population_share: dict[str, float | None]  # category → percent of the districts' population

    @property
    def contacts(self) -> int:
        return sum(group.contacts for group in self.by_race)


def stop_demographics(period: Period) -> StopDemographics:
    """Alerts → stops → outcomes, by the perceived race or ethnicity and the sex recorded at the stop.

    One stop per read: a car on two hotlists raises two alerts, and the officer who stops it may record
    the stop on both (an arrest on the warrant's, the recovery on the theft's); that is one person
    met, counted once, under the weightiest of the actions recorded (``CONTACT_WEIGHT``).
    """
    alerts = Alert.objects.filter(created_at__gte=period.start, created_at__lt=period.end)
    races = {value: GroupOutcomes(value, label) for value, label in RaceEthnicity.choices}
    sexes = {value: GroupOutcomes(value, label) for value, label in Sex.choices}
    for contact in _one_contact_per_read(alerts):
        races[contact["subject_race"] or RaceEthnicity.NOT_RECORDED].by_action[contact["action"]] += 1
        sexes[contact["subject_sex"] or Sex.NOT_RECORDED].by_action[contact["action"]] += 1
    return StopDemographics(
        confirmed=alerts.filter(verification_outcome=VerificationOutcome.CONFIRMED).count(),
        acted_on=alerts.exclude(action="").count(),
        by_race=list(races.values()),
        by_sex=list(sexes.values()),
        population_share=_population_shares(list(District.objects.all())),
    )


def _one_contact_per_read(alerts) -> list[dict]:
    """The contact recorded on each read's alerts: the weightiest action (the first recorded of equal
    weight), with the person's race and sex as recorded on any of the read's alerts: the chosen alert's
    when it records them, else the weightiest (then first) other alert that does. An officer may record
    the person on the stop and leave them "not recorded" on the arrest of the same car."""
    weight = {action: rank for rank, action in enumerate(CONTACT_WEIGHT)}
    by_read: dict[int, list[dict]] = {}
    for row in (alerts.filter(action__in=CONTACT_ACTIONS)
                .values("read_id", "subject_race", "subject_sex", "action", "action_at", "id")
                .order_by("action_at", "id")):
        by_read.setdefault(row["read_id"], []).append(row)
    contacts = []
    for rows in by_read.values():
        # Stable sort: of equal weight, the first recorded stays first.
        rows = sorted(rows, key=lambda row: weight[row["action"]], reverse=True)
        contact = dict(rows[0])
        for name in ("subject_race", "subject_sex"):
            contact[name] = next((row[name] for row in rows if _recorded(row[name])), contact[name])
        contacts.append(contact)
    return contacts


def _recorded(value: str) -> bool:
    return value not in ("", RaceEthnicity.NOT_RECORDED, Sex.NOT_RECORDED)


def cameras_in_service(period: Period) -> set[int]:
    """Ids of the cameras in service at some time in the period: installed (the placement took effect,
    CAM-2) by its last day, and neither retired when it began nor put back in service during it.
    When a camera was retired is known from the audited status changes, the only record of it."""
    installed = Camera.objects.filter(installed_on__lte=period.last).values_list("pk", flat=True)
    retired_at_start: dict[int, bool] = {}
    reactivated: set[int] = set()
    changes = AuditEvent.objects.filter(
        action=CAMERA_STATUS_CHANGED.code, outcome=Outcome.ALLOWED, occurred_at__lt=period.end
    ).order_by("occurred_at", "id").values_list("occurred_at", "description", "targets")
    for occurred_at, description, targets in changes:
        for camera_id in _camera_ids(targets):
            if occurred_at < period.start:
                retired_at_start[camera_id] = description.startswith(f"{CameraStatus.RETIRED}:")
            elif description.startswith(f"{CameraStatus.ACTIVE}:"):
                reactivated.add(camera_id)
    return {camera_id for camera_id in installed
            if not retired_at_start.get(camera_id) or camera_id in reactivated}


def _camera_ids(targets: list[str]) -> list[int]:
    return [int(target.removeprefix("camera:")) for target in targets if target.startswith("camera:")]


@dataclass
class DistrictPlacement:
    name: str
    district: District | None  # None: cameras in no district
    cameras: list[str] = field(default_factory=list)  # names of cameras in service
    reads: int = 0


def district_placement(period: Period) -> list[DistrictPlacement]:
    """Cameras in service and reads in the period per district, next to each district's population;
    cameras in no district last (the row is left out when there are none)."""
    reads = reads_by_camera(period.start, period.end)
    places = {d.pk: DistrictPlacement(d.name, d) for d in District.objects.order_by("name")}
    unplaced = DistrictPlacement(NOT_IN_A_DISTRICT, None)
    assigned = dict(CameraDistrict.objects.values_list("camera_id", "district_id"))
    in_service = cameras_in_service(period)
    for camera in Camera.objects.order_by("name"):
        place = places.get(assigned.get(camera.pk), unplaced)
        if camera.pk in in_service:
            place.cameras.append(camera.name)
        place.reads += reads.get(camera.pk, 0)
    rows = list(places.values())
    if unplaced.cameras or unplaced.reads:
        rows.append(unplaced)
    return rows


@dataclass
class ErrorFigures:
    verified_alerts: int
    misread_alerts: int
    false_positives: int
    flags_raised: Counter  # ErrorKind → flags raised in the period
    flags_confirmed: Counter  # ErrorKind → flags confirmed (reviewed) in the period
    flags_rejected: Counter
    flags_open: int  # waiting for review now

    @property
    def misread_rate(self) -> float | None:
        return self.misread_alerts / self.verified_alerts if self.verified_alerts else None


def error_figures(period: Period, alerts: dict | None = None) -> ErrorFigures:
    """Misread alerts against verified ones, and the erroneous-read flags raised and reviewed (RET-5)."""
    alerts = alerts or alert_counts(period)
    flags = ErroneousFlag.objects.all()
    raised = Counter(
        dict(
            flags.filter(flagged_at__gte=period.start, flagged_at__lt=period.end)
            .values_list("kind")
            .annotate(n=Count("id"))
            .order_by()
        )
    )
    reviewed = flags.filter(reviewed_at__gte=period.start, reviewed_at__lt=period.end)

    def by_kind(status: str) -> Counter:
        return Counter(
            dict(reviewed.filter(status=status).values_list("kind").annotate(n=Count("id")).order_by())
        )

    outcomes = alerts["outcomes"]
    return ErrorFigures(
        verified_alerts=alerts["verified"],
        misread_alerts=outcomes[VerificationOutcome.MISREAD],
        false_positives=sum(outcomes[outcome] for outcome in FALSE_POSITIVE_OUTCOMES),
        flags_raised=raised,
        flags_confirmed=by_kind(FlagStatus.CONFIRMED),
        flags_rejected=by_kind(FlagStatus.REJECTED),
        flags_open=flags.filter(status=FlagStatus.OPEN).count(),
    )


@dataclass
class PeopleActive:
    using: int  # people with any allowed action
    searching: int  # people who ran a search


def people_active(period: Period) -> PeopleActive:
    events = AuditEvent.objects.filter(
        occurred_at__gte=period.start,
        occurred_at__lt=period.end,
        actor_type=ActorType.USER,
        outcome=Outcome.ALLOWED,
    )
    return PeopleActive(
        using=events.values("actor_user").distinct().count(),
        searching=events.filter(action__in=SEARCH_ACTIONS).values("actor_user").distinct().count(),
    )


@dataclass
class Costs:
    total: Decimal
    by_kind: dict[str, Decimal]  # CostKind label → amount
    by_camera: list[tuple[str, Decimal]]  # camera name (or programme-wide) → amount, largest first


PROGRAMME_WIDE = "Programme-wide"


def programme_costs(period: Period) -> Costs:
    """Costs of the ALPR programme incurred in the period (CAM-4)."""
    costs = CameraCost.objects.filter(incurred_on__gte=period.first, incurred_on__lte=period.last)
    labels = dict(CameraCost._meta.get_field("kind").choices)
    by_kind = {
        labels[row["kind"]]: row["total"]
        for row in costs.values("kind").annotate(total=Sum("amount")).order_by("kind")
    }
    by_camera = [
        (row["camera__name"] or PROGRAMME_WIDE, row["total"])
        for row in costs.values("camera__name")
        .annotate(total=Sum("amount"))
        .order_by("-total", "camera__name")
    ]
    return Costs(costs.aggregate(total=Sum("amount"))["total"] or Decimal("0"), by_kind, by_camera)


# What counts as an arrest or incident related to ALPR use (RPT-2): (label, alert action, search outcome,
# counted as an incident). A lead is reported beside them but is not an incident.
RELATED_OUTCOMES = [
    ("Arrest", AlertAction.ARREST, OutcomeKind.ARREST, True),
    ("Vehicle recovered", AlertAction.VEHICLE_RECOVERED, OutcomeKind.VEHICLE_RECOVERED, True),
    ("Person located", AlertAction.PERSON_LOCATED, OutcomeKind.PERSON_LOCATED, True),
    ("Lead for an investigation", None, OutcomeKind.LEAD, False),
]


@dataclass
class RelatedOutcome:
    label: str
    from_alerts: int
    from_searches: int
    incident: bool

    @property
    def total(self) -> int:
        return self.from_alerts + self.from_searches


@dataclass
class RelatedOutcomes:
    rows: list[RelatedOutcome]

    @property
    def arrests(self) -> int:
        return self.rows[0].total

    @property
    def incidents(self) -> int:
        return sum(row.total for row in self.rows if row.incident)


def related_outcomes(period: Period, alerts: dict | None = None) -> RelatedOutcomes:
    """Arrests, recoveries, people located and leads that followed alerts or searches in the period."""
    actions = (alerts or alert_counts(period))["actions"]
    searched = search_outcome_counts(period)
    return RelatedOutcomes(
        [
            RelatedOutcome(label, actions[action] if action else 0, searched[outcome], incident)
            for label, action, outcome, incident in RELATED_OUTCOMES
        ]
    )


@dataclass
class MonthUse:
    period: Period
    reads: int
    searches: int
    alerts: int
    people: int


def monthly_use(period: Period) -> list[MonthUse]:
    """Reads, searches, alerts raised and people active, for each month of the period."""
    return [
        MonthUse(
            usage.period,
            usage.reads,
            usage.searches,
            alert_counts(usage.period)["alerts"],
            people_active(usage.period).using,
        )
        for usage in usage_by_month(period.months())
    ]
