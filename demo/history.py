"""The demo department's past, replayed day by day through the same services the pages call.

Each replayed day is a timeline of what the department did, each step run with the clock at its moment
(``demo.clock.at``): at 03:00 the scheduler's purge, at 07:00 the published chain head, on the 1st the
scheduler's monthly (and quarterly) reports and the month's costs, then the cameras' uploads, the
alerts verified and acted on minutes after they are raised, the searches people run under stated
justifications and what came of them, the refused attempts, and the day's one-off events (the policy
text put to public comment and approved, an other-felony request the Chief approves, an evidence hold,
a written request from the partner agency approved and released, a partner's searches, an erroneous
read flagged and reviewed, the monthly audit signed off). At the end of the day the audit chain is
sealed and a ``demo.day_replayed`` entry says, in the log itself, that the day was a replay.

Nothing is written around the access layer or the audit log: every step is a service call, refused
or allowed as it would be for a person at that moment, and the purge, run each night, removes what
the retention period says (so a history longer than the retention shows purged reads in the reports).
"""
import heapq
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from alpr.models import Camera
from audit.chain import seal_pending
from audit.models import AuditEvent
from demo import audit_actions
from demo.clock import at
from demo.photos import Traffic, Vehicle
from demo.story import CASES, REFUSED_ATTEMPTS, Case
from demo.workday import Department
from hotlists.models import Alert
from reports.tasks import (
    generate_monthly_audit_report,
    generate_monthly_oversight_report,
    generate_quarterly_metrics_report,
    publish_audit_chain_head,
)
from retention.tasks import purge_expired_reads

# The cameras' day: first and last passage (agency time).
TRAFFIC_HOURS = (5, 23)
NAMED_PASS_CHANCE = 0.3  # each named vehicle passes each camera on a day with this chance
QUARTER_FIRST_MONTHS = (1, 4, 7, 10)


def start_of(day: date, hour: int = 0, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def last_replayed_day() -> date | None:
    """The last day a previous seeding replayed, from its own audit entries (so reruns continue)."""
    marker = (AuditEvent.objects.filter(action=audit_actions.DAY_REPLAYED.code)
              .order_by("-id").values_list("description", flat=True).first())
    return date.fromisoformat(marker) if marker else None


@dataclass(order=True)
class Step:
    moment: datetime
    order: int
    run: Callable[[], None] = field(compare=False)


@dataclass
class Replay:
    """Replays days: each day's steps on a timeline, run in time order with the clock at each one."""

    department: Department
    cameras: list[Camera]
    traffic: Traffic
    others_per_camera: int
    first_day: date
    until: datetime  # nothing is replayed at or after this moment (the real now)
    rng: random.Random = field(default_factory=lambda: random.Random(2026))  # noqa: S311 (a repeatable demo)
    _timeline: list[Step] = field(default_factory=list)
    _order: itertools.count = field(default_factory=itertools.count)

    def days(self, first: date, last: date) -> int:
        """Replay every day from `first` to `last` (inclusive); return how many."""
        day, replayed = first, 0
        while day <= last:
            self._replay(day)
            day += timedelta(days=1)
            replayed += 1
        return replayed

    # --- the timeline ---------------------------------------------------------------------------

    def later(self, moment: datetime, run: Callable[[], None]) -> None:
        """Put a step on today's timeline (steps may add steps, e.g. verifying an alert just raised)."""
        if moment < self.until:
            heapq.heappush(self._timeline, Step(moment, next(self._order), run))

    def _replay(self, day: date) -> None:
        self._plan(day)
        while self._timeline:
            step = heapq.heappop(self._timeline)
            with at(step.moment):
                step.run()
        with at(min(start_of(day, 23, 58), self.until)):
            seal_pending()
            self.department.audit_system(audit_actions.DAY_REPLAYED, description=day.isoformat())

    def _plan(self, day: date) -> None:
        index = (day - self.first_day).days
        self.later(start_of(day, 3), purge_expired_reads)
        self.later(start_of(day, 7), publish_audit_chain_head)
        if day.day == 1:
            self._month_begins(day)
        elif index == 0:  # the month's costs, from the day the history begins
            self.later(start_of(day, 9), lambda: self.department.record_costs(self.cameras))
        self.later(start_of(day, 7, 30), self.department.keep_hotlist_current)
        for camera in self.cameras:
            self._camera_day(day, camera)
        self._casework(day, index)
        for when, event in self.department.events_of(day, index):
            self.later(start_of(day, *when), event)

    def _month_begins(self, day: date) -> None:
        self.later(start_of(day, 8), generate_monthly_audit_report)
        self.later(start_of(day, 8, 20), generate_monthly_oversight_report)
        if day.month in QUARTER_FIRST_MONTHS:
            self.later(start_of(day, 8, 40), generate_quarterly_metrics_report)
        self.later(start_of(day, 9), lambda: self.department.record_costs(self.cameras))

    # --- the cameras ------------------------------------------------------------------------------

    def _camera_day(self, day: date, camera: Camera) -> None:
        passing = [v for v in self.traffic.named.values() if self.rng.random() < NAMED_PASS_CHANCE]
        if self.traffic.others:
            count = min(self.others_per_camera, len(self.traffic.others))
            passing += self.rng.sample(self.traffic.others, count)
        first, last = TRAFFIC_HOURS
        for vehicle in passing:
            seconds = self.rng.randrange(first * 3600, last * 3600)
            captured_at = start_of(day) + timedelta(seconds=seconds)
            self.later(captured_at + timedelta(seconds=2), self._passage(vehicle, camera, captured_at))

    def _passage(self, vehicle: Vehicle, camera: Camera, captured_at: datetime) -> Callable[[], None]:
        def upload() -> None:
            read = self.traffic.pass_camera(vehicle, camera, captured_at)
            for alert in Alert.objects.filter(read_id=read.pk):
                minutes = self.rng.randint(4, 25)
                self.later(timezone.now() + timedelta(minutes=minutes),
                           lambda alert_id=alert.pk: self.department.verify_alert(alert_id, self.rng))
        return upload

    # --- people's work ------------------------------------------------------------------------------

    def _casework(self, day: date, index: int) -> None:
        for number in range(2):
            case = CASES[(index * 2 + number) % len(CASES)]
            hour = 9 + 3 * number + self.rng.randint(0, 2)
            self.later(start_of(day, hour, self.rng.randint(0, 59)), self._search(case, day, number))
        attempt = REFUSED_ATTEMPTS[index % len(REFUSED_ATTEMPTS)]
        if index % 2 == 1:
            self.later(start_of(day, 14, self.rng.randint(0, 59)),
                       lambda: self.department.refused_attempt(attempt, case_number=_case_number(day, 9)))

    def _search(self, case: Case, day: date, serial: int) -> Callable[[], None]:
        def work() -> None:
            self.department.search_case(case, case_number=_case_number(day, serial), rng=self.rng)
        return work


def _case_number(day: date, serial: int) -> str:
    """A case number in the agency's format (yy-nnnnnn), one per case of the day (serial 0 to 9)."""
    return f"{day:%y}-{4000 + day.timetuple().tm_yday * 10 + serial:06d}"


def replay_history(*, department: Department, cameras: list[Camera], traffic: Traffic, first_day: date,
                   others_per_camera: int) -> int:
    """Replay from the day after the last replayed one (or `first_day`) up to now; return days replayed."""
    now = timezone.now()
    last = last_replayed_day()
    start = first_day if last is None else last + timedelta(days=1)
    replay = Replay(department, cameras, traffic, others_per_camera, first_day=first_day, until=now)
    return replay.days(start, timezone.localdate(now))
