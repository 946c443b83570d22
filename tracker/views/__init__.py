from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from .. import selectors


def home(request):
    """Landing page: the initiative at a glance, with the way in for each role."""
    return render(
        request,
        "tracker/home.html",
        {"overview": selectors.home_overview(user=request.user)},
    )


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
