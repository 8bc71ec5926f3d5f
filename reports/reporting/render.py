"""Turn a ``ReportContent`` into the stored files: a self-contained HTML page, a PDF, a CSV."""

import csv
import io

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from core.spreadsheets import spreadsheet_cell
from reports.reporting.content import ReportContent

CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
}


def render_html(content: ReportContent, *, version: int, generated_by: str, generated_at=None) -> bytes:
    return render_to_string(
        "reports/document.html",
        {
            "content": content,
            "version": version,
            "generated_by": generated_by,
            "generated_at": timezone.localtime(generated_at or timezone.now()),
            "agency_name": settings.AGENCY_NAME,
        },
    ).encode("utf-8")


def render_pdf(html: bytes) -> bytes:
    from weasyprint import HTML  # imported here: it is slow to import and only reports need it

    return HTML(string=html.decode("utf-8")).write_pdf()


def render_csv(content: ReportContent) -> bytes:
    """One CSV with every table, each row prefixed by the table's name, so it loads into a spreadsheet
    as one sheet and filters by table."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["table", "report", content.title, content.period_label])
    writer.writerow([])
    writer.writerow(["table", "figure", "value"])
    for label, value in content.summary.items():
        writer.writerow(["summary", label, spreadsheet_cell(value)])
    for section in content.sections:
        for table in section.tables:
            name = table.slug or table.title
            writer.writerow([])
            writer.writerow(["table", *table.columns])
            for row in table.rows:
                writer.writerow([name, *(spreadsheet_cell(value) for value in row)])
    return out.getvalue().encode("utf-8")


