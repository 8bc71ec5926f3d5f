"""Reporting periods in the agency's time zone: months (AUD-5, RPT-1) and quarters (RPT-2)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from policy.selectors import current_policy


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # included

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.first, time.min))

    @property
    def end(self) -> datetime:
        """The first moment after the period."""
        return timezone.make_aware(datetime.combine(self.last + timedelta(days=1), time.min))

    @property
    def is_month(self) -> bool:
        return self == month(self.first.year, self.first.month)

    @property
    def is_quarter(self) -> bool:
        return self == quarter_of(self.first)

    @property
    def label(self) -> str:
        if self.is_month:
            return self.first.strftime("%B %Y")
        if self.is_quarter:
            return f"Q{quarter_number(self.first)} {self.first.year} ({self.first:%B} to {self.last:%B})"
        return f"{self.first:%Y-%m-%d} to {self.last:%Y-%m-%d}"

    @property
    def slug(self) -> str:
        if self.is_quarter:
            return f"{self.first.year}-Q{quarter_number(self.first)}"
        return f"{self.first:%Y-%m}" if self.first.month == self.last.month else f"{self.first}_{self.last}"

    def months(self) -> list["Period"]:
        """The calendar months the period covers, oldest first (whole months, even at its edges)."""
        found, year, number = [], self.first.year, self.first.month
        while date(year, number, 1) <= self.last:
            found.append(month(year, number))
            year, number = (year + 1, 1) if number == 12 else (year, number + 1)
        return found


def month(year: int, month_number: int) -> Period:
    first = date(year, month_number, 1)
    following = date(year + (month_number == 12), month_number % 12 + 1, 1)
    return Period(first, following - timedelta(days=1))


def previous_month(today: date | None = None) -> Period:
    today = today or timezone.localdate()
    last = today.replace(day=1) - timedelta(days=1)
    return month(last.year, last.month)


def recent_months(count: int, today: date | None = None) -> list[Period]:
    """The current month (to date) and the `count - 1` before it, newest first."""
    today = today or timezone.localdate()
    periods, year, number = [], today.year, today.month
    for _ in range(count):
        periods.append(month(year, number))
        year, number = (year - 1, 12) if number == 1 else (year, number - 1)
    return periods


def ended_months(today: date | None = None) -> list[Period]:
    """The months that have ended and that the audit log still covers (its retention is policy),
    newest first: the months a report can be generated for."""
    covered = current_policy().audit_retention_days // 31
    return recent_months(covered + 1, today)[1:]


def quarter_number(day: date) -> int:
    return (day.month - 1) // 3 + 1


def quarter(year: int, number: int) -> Period:
    """Calendar quarter `number` (1 to 4) of `year`."""
    if not 1 <= number <= 4:
        raise ValueError("A quarter is numbered 1 to 4.")
    first_month = 3 * (number - 1) + 1
    return Period(date(year, first_month, 1), month(year, first_month + 2).last)


def quarter_of(day: date) -> Period:
    return quarter(day.year, quarter_number(day))


def previous_quarter(today: date | None = None) -> Period:
    today = today or timezone.localdate()
    return quarter_of(quarter_of(today).first - timedelta(days=1))
