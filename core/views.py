from functools import cache

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from accounts.decorators import capability_required
from accounts.selectors import training_blockers, training_reminders
from core.compliance import build_matrix, matrix_areas
from core.dashboard import Viewer, dashboard
from policy.roles import Capability
from searches.views import SESSION_KEY as JUSTIFICATION_SESSION_KEY


def health(request):
    """Liveness for load balancers: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def home(request):
    """The start page: what blocks the person, what to renew, and the work waiting for them."""
    user = request.user
    blockers = training_blockers(user)
    viewer = Viewer(user=user, justification_id=request.session.get(JUSTIFICATION_SESSION_KEY))
    return render(request, "home.html", {
        "blockers": blockers,
        "reminders": training_reminders(user),
        "tiles": dashboard(viewer, blocked=bool(blockers)),
    })


@cache
def _matrix():
    """The matrix of the code this process runs: built once, since the source does not change under it."""
    return build_matrix()


@capability_required(Capability.READ_REPORTS, doing="read the compliance matrix")
def compliance(request):
    """The compliance matrix (META-1): each rule, where the code enforces it, which tests prove it."""
    rows = _matrix()
    return render(request, "compliance.html", {
        "areas": matrix_areas(rows), "proven": sum(1 for row in rows if row.tests), "total": len(rows)})
