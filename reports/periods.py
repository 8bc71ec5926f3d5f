"""Reporting periods in the agency's time zone."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone


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
    def label(self) -> str:
        if (
            self.first.day == 1
            and (self.last + timedelta(days=1)).day == 1
            and self.first.month == self.last.month
        ):
            return self.first.strftime("%B %Y")
        return f"{self.first:%Y-%m-%d} to {self.last:%Y-%m-%d}"

    @property
    def slug(self) -> str:
        return f"{self.first:%Y-%m}" if self.first.month == self.last.month else f"{self.first}_{self.last}"


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
