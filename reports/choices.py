from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    WEEKLY = "weekly", _("weekly")
    MONTHLY = "monthly", _("monthly")
    QUARTERLY = "quarterly", _("quarterly")
    ON_DEMAND = "on_demand", _("on demand")


class ScopeKind(models.TextChoices):
    INITIATIVE = "initiative", _("whole initiative")
    PARTY = "party", _("one party")
    WORK_STREAM = "work_stream", _("one work stream")


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("being generated")
    DONE = "done", _("ready")
    FAILED = "failed", _("failed")


class ReportFormat(models.TextChoices):
    HTML = "html", "HTML"
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "XLSX"
