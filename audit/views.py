"""The auditor's pages: the filtered log, the searches that look unusual, the CSV export and chain
verification.

Thin: parse the filters, call `audit.selectors` / `audit.services`, which refuse (audited) anyone
whose role may not read the log and audit every reading. Under the reader's open audit justification
(stated at the search gate) the log is read through ``alpr.access``, which shows the plate text its
entries carry; without one it is withheld (``audit.disclosure``, USE-4).
"""
import csv

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from alpr import access
from audit import selectors, services
from audit.chain import chain_head
from audit.context import Actor
from audit.forms import AuditFilterForm
from searches.selectors import open_justification
from searches.views import SESSION_KEY


class _Echo:
    """A file-like object whose write() hands the line back, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def _no_store(response):
    response["Cache-Control"] = "no-store, private"
    return response


def _audit_justification(request):
    """The audit justification the reader opened at the search gate, if it is still open."""
    justification = open_justification(user=request.user, justification_id=request.session.get(SESSION_KEY))
    return justification if justification is not None and justification.is_audit else None


def _read_log(request, form, justification, plain, with_plates, **kwargs):
    """Read the log with `with_plates` under the reader's audit justification, else with `plain`."""
    filters = form.filters()
    actor = Actor.for_request(request)
    if justification is None:
        return plain(actor=actor, filters=filters, **kwargs)
    return with_plates(actor=actor, justification=justification, filters=filters, **kwargs)


@require_GET
def log(request):
    form = AuditFilterForm(request.GET or None)
    justification = _audit_justification(request)
    page = _read_log(request, form, justification, selectors.audit_log_page,
                     access.audit_log_page_with_plates, number=request.GET.get("page"))
    unusual = selectors.unusual_searches(actor=Actor.for_request(request))
    query = request.GET.copy()
    query.pop("page", None)
    return _no_store(render(request, "audit/log.html", {
        "form": form, "page": page, "query": query.urlencode(),
        "head": chain_head(), "unusual": unusual, "unusual_days": selectors.UNUSUAL_WINDOW_DAYS,
        "justification": justification}))


@require_GET
def export(request):
    rows = _read_log(request, AuditFilterForm(request.GET or None), _audit_justification(request),
                     selectors.audit_log_export, access.audit_log_export_with_plates)
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
