"""Helpers of the auditors' admin tests."""

from django.contrib import admin
from django.urls import reverse
from rest_framework.test import APIClient

from audit import models as audit_models
from audit.models import AuditLog, SecurityEvent

PASSWORD = "pw-for-tests-1"  # tests.factories.UserFactory
REFUSED = SecurityEvent.Kind.WRITE_REFUSED
REGISTRY = sorted(admin.site._registry, key=lambda m: m._meta.label)
HISTORY_MODELS = {AuditLog, SecurityEvent}
if hasattr(audit_models, "AuditSeal"):
    HISTORY_MODELS.add(audit_models.AuditSeal)


def api_client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def patch_milestone(user, milestone, request_id, reason="", **data):
    client = api_client(user)
    url = f"/api/v1/milestones/{milestone.pk}/"
    headers = {
        "HTTP_IF_MATCH": client.get(url)["ETag"],
        "HTTP_X_REQUEST_ID": request_id,
    }
    if reason:
        headers["HTTP_X_CHANGE_REASON"] = reason
    return client.patch(url, data, format="json", **headers)


def admin_url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)
