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
