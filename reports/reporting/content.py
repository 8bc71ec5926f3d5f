"""What a report builder returns: plain data that the renderers turn into HTML, PDF and CSV."""

from dataclasses import dataclass, field

from reports.charts import bar_chart_svg


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list]
    note: str = ""
    slug: str = ""  # names the table in the CSV


@dataclass
class Chart:
    title: str
    bars: list[tuple[str, int]]
    description: str = ""

    @property
    def svg(self) -> str:
        return bar_chart_svg(self.title, self.bars, description=self.description)


@dataclass
class Section:
    heading: str
    intro: str = ""
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


@dataclass
class ReportContent:
    title: str
    period_label: str
    summary: dict[str, int | str]  # headline figures, label → value
    sections: list[Section]
    notes: list[str] = field(default_factory=list)


def percent(value: float | None, *, digits: int = 1) -> str:
    """A percentage (0 to 100) as text; "n/a" when there is nothing to divide by."""
    return "n/a" if value is None else f"{value:.{digits}f} %"


def rate(part: int | float, whole: int | float) -> str:
    """`part` as a percentage of `whole`; "n/a" when `whole` is zero."""
    return percent(100 * part / whole if whole else None)


def money(amount) -> str:
    """A dollar amount as text, e.g. $1,234.50; "n/a" for None."""
    return "n/a" if amount is None else f"${amount:,.2f}"
