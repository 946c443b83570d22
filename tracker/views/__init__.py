from django.db import connection
from django.http import JsonResponse

from .dashboards import home

__all__ = ["healthz", "home"]


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
