from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from accounts.selectors import training_blockers, training_reminders


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
