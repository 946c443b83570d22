"""Progress reports: one row per (initiative, kind, scope, period), frozen once done."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import ReportFormat, ReportKind, ReportStatus, ScopeKind

# The generation steps, in order; `Report.step` counts the ones finished.
STEPS = ("snapshot", "html", "pdf", "xlsx")


class Report(models.Model):
    """A progress report. The request is this row; queuing it is best effort."""

    initiative = models.ForeignKey(
        "tracker.Initiative",
        verbose_name=_("initiative"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ReportKind)
    scope = models.CharField(
        _("scope"), max_length=16, choices=ScopeKind, default=ScopeKind.INITIATIVE
    )
    scope_party = models.ForeignKey(
        "accounts.Party",
        verbose_name=_("party"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    scope_work_stream = models.ForeignKey(
        "tracker.WorkStream",
        verbose_name=_("work stream"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus, default=ReportStatus.QUEUED
    )
    step = models.PositiveSmallIntegerField(_("steps done"), default=0)
    steps_total = models.PositiveSmallIntegerField(
        _("steps in all"), default=len(STEPS)
    )
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for scheduled reports."),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    queued_at = models.DateTimeField(_("last queued at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    snapshot = models.JSONField(_("data snapshot"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-period_end", "kind", "scope", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "initiative",
                    "kind",
                    "scope",
                    "scope_party",
                    "scope_work_stream",
                    "period_start",
                    "period_end",
                ],
                nulls_distinct=False,
                name="report_one_per_kind_scope_period",
                violation_error_message=_(
                    "A report of this kind, scope and period already exists."
                ),
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        scope=ScopeKind.INITIATIVE,
                        scope_party__isnull=True,
                        scope_work_stream__isnull=True,
                    )
                    | Q(
                        scope=ScopeKind.PARTY,
                        scope_party__isnull=False,
                        scope_work_stream__isnull=True,
                    )
                    | Q(
                        scope=ScopeKind.WORK_STREAM,
                        scope_party__isnull=True,
                        scope_work_stream__isnull=False,
                    )
                ),
                name="report_scope_matches_target",
                violation_error_message=_(
                    "Name a party for a party report, a work stream for a work "
                    "stream report, and neither for the whole initiative."
                ),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="report_period_in_order",
                violation_error_message=_("The period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.DONE) | Q(snapshot__isnull=False),
                name="report_done_has_snapshot",
                violation_error_message=_("A finished report has its data."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["initiative", "kind", "scope", "-period_end"],
                name="report_library",
            ),
            models.Index(
                fields=["status", "queued_at"],
                condition=Q(status__in=["queued", "running"]),
                name="report_unfinished",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.scope_label} · {self.period_label}"

    @property
    def period_label(self) -> str:
        return f"{self.period_start:%Y-%m-%d} – {self.period_end:%Y-%m-%d}"

    @property
    def scope_label(self) -> str:
        if self.scope == ScopeKind.PARTY and self.scope_party_id:
            return str(self.scope_party)
        if self.scope == ScopeKind.WORK_STREAM and self.scope_work_stream_id:
            return str(self.scope_work_stream)
        return str(self.get_scope_display())

    @property
    def is_finished(self) -> bool:
        return self.status in (ReportStatus.DONE, ReportStatus.FAILED)


class ReportFile(models.Model):
    """One rendered file of a report, written under a temporary name and renamed.

    The files in the default language are made with the report; those in
    another language by a ReportRendition, from the same frozen snapshot."""

    report = models.ForeignKey(
        Report,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="files",
    )
    format = models.CharField(_("format"), max_length=8, choices=ReportFormat)
    language = models.CharField(
        _("language"),
        max_length=16,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    file = models.FileField(_("file"), upload_to="reports/", max_length=255)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report file")
        verbose_name_plural = _("report files")
        ordering = ["report", "language", "format"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "format", "language"],
                name="reportfile_one_per_format_language",
                violation_error_message=_(
                    "The report already has a file of this format in this language."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.report} · {self.get_format_display()} · {self.language}"


class ReportRendition(models.Model):
    """A finished report's files in another language, asked for by a download.

    The worker renders them once from the frozen snapshot: one row per report
    and language (a unique constraint), however many people ask at once."""

    report = models.ForeignKey(
        Report,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="renditions",
    )
    language = models.CharField(
        _("language"), max_length=16, choices=settings.LANGUAGES
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus, default=ReportStatus.QUEUED
    )
    step = models.PositiveSmallIntegerField(_("steps done"), default=0)
    steps_total = models.PositiveSmallIntegerField(
        _("steps in all"), default=len(ReportFormat)
    )
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    queued_at = models.DateTimeField(_("last queued at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report translation")
        verbose_name_plural = _("report translations")
        ordering = ["report", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "language"],
                name="reportrendition_one_per_language",
                violation_error_message=_(
                    "The report is already being made in this language."
                ),
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "queued_at"],
                condition=Q(status__in=["queued", "running"]),
                name="rendition_unfinished",
            ),
        ]

    def __str__(self):
        return f"{self.report} · {self.language}"

    @property
    def is_finished(self) -> bool:
        return self.status in (ReportStatus.DONE, ReportStatus.FAILED)


class ReportSubscription(models.Model):
    """Someone who wants an e-mail (link and PDF) when a report of a kind is ready."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="report_subscriptions",
    )
    initiative = models.ForeignKey(
        "tracker.Initiative",
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="report_subscriptions",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ReportKind)
    scope = models.CharField(
        _("scope"), max_length=16, choices=ScopeKind, default=ScopeKind.INITIATIVE
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report subscription")
        verbose_name_plural = _("report subscriptions")
        ordering = ["initiative", "kind", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "initiative", "kind", "scope"],
                name="reportsubscription_unique",
                violation_error_message=_("This subscription already exists."),
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()} · {self.get_scope_display()}"


class ReportDelivery(models.Model):
    """A report e-mailed to one subscriber; the row makes sending idempotent."""

    report = models.ForeignKey(
        Report,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    email = models.EmailField(_("e-mail address"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report delivery")
        verbose_name_plural = _("report deliveries")
        ordering = ["report", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "user"],
                name="reportdelivery_once_per_user",
                violation_error_message=_("This report was already sent to this user."),
            ),
        ]

    def __str__(self):
        return f"{self.report} → {self.email}"
