"""The kinds of report, each declared once."""

from collections.abc import Callable
from dataclasses import dataclass

from reports.periods import Period, month, previous_month, previous_quarter, quarter_of
from reports.reporting.content import ReportContent


@dataclass(frozen=True)
class ReportKind:
    code: str
    title: str
    build: Callable[[Period], ReportContent]
    cadence: str = "monthly"  # or "quarterly"
    sign_off_capability: str | None = None  # who must review and sign it off, if anyone
    description: str = ""

    def period_for(self, year: int, month_number: int) -> Period:
        """The period of this kind that contains the given month: the month, or its quarter."""
        chosen = month(year, month_number)
        return quarter_of(chosen.first) if self.cadence == "quarterly" else chosen

    def previous_period(self, today=None) -> Period:
        """The last whole period before `today`: what the scheduler generates."""
        return previous_quarter(today) if self.cadence == "quarterly" else previous_month(today)


class DuplicateReportKind(Exception):
    pass


_kinds: dict[str, ReportKind] = {}


def register(kind: ReportKind) -> ReportKind:
    if kind.code in _kinds:
        raise DuplicateReportKind(kind.code)
    _kinds[kind.code] = kind
    return kind


def get(code: str) -> ReportKind:
    from reports.reporting import kinds  # noqa: F401  (registers the built-in kinds)

    return _kinds[code]


def all_kinds() -> list[ReportKind]:
    from reports.reporting import kinds  # noqa: F401

    return sorted(_kinds.values(), key=lambda kind: kind.title)
