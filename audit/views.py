"""The auditor's pages: the filtered log, the searches that look unusual, the CSV export and chain
verification.

Thin: parse the filters, call `audit.selectors` / `audit.services`, which refuse (audited) anyone
whose role may not read the log and audit every reading.
"""
import csv

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from audit import selectors, services
from audit.chain import chain_head
from audit.context import Actor
from audit.forms import AuditFilterForm

PAGE_SIZE = 50


class _Echo:
    """A file-like object whose write() hands the line back, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def _no_store(response):
    response["Cache-Control"] = "no-store, private"
    return response


@require_GET
def log(request):
    form = AuditFilterForm(request.GET or None)
    events = selectors.audit_log_search(actor=Actor.for_request(request), filters=form.filters())
    # Before the page is counted: its own audit entry must not shift the page's rows.
    unusual = selectors.unusual_searches(actor=Actor.for_request(request))
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return _no_store(render(request, "audit/log.html", {
        "form": form, "page": page, "query": query.urlencode(), "head": chain_head(), "unusual": unusual,
        "unusual_days": selectors.UNUSUAL_WINDOW_DAYS}))


@require_GET
def export(request):
    form = AuditFilterForm(request.GET or None)
    rows = selectors.audit_log_export(actor=Actor.for_request(request), filters=form.filters())
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse((writer.writerow(row) for row in rows), content_type="text/csv")
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    return _no_store(response)


@require_POST
def verify(request):
    report = services.audit_chain_verify(actor=Actor.for_request(request))
    return _no_store(render(request, "audit/verify.html", {"report": report, "head": chain_head()},
                            status=200 if report.ok else 409))
