from functools import cache

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from accounts.decorators import capability_required
from accounts.selectors import training_blockers, training_reminders
from core.compliance import build_matrix, matrix_areas
from policy.roles import Capability


def health(request):
    """Liveness for load balancers: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def home(request):
    user = request.user
    return render(request, "home.html", {
        "blockers": training_blockers(user),
        "reminders": training_reminders(user),
    })


@cache
def _matrix():
    """The matrix of the code this process runs: built once, since the source does not change under it."""
    return build_matrix()


@capability_required(Capability.READ_REPORTS, message="The compliance matrix is published to the oversight "
                                                       "board and those who answer to it.")
def compliance(request):
    """The compliance matrix (META-1): each rule, where the code enforces it, which tests prove it."""
    rows = _matrix()
    return render(request, "compliance.html", {
        "areas": matrix_areas(rows), "proven": sum(1 for row in rows if row.tests), "total": len(rows)})
