import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from ..choices import Direction, Qualifier, VerificationStatus
from .task import NOT_AN_OWNER

EVIDENCE_EXTENSIONS = ["pdf", "jpg", "jpeg", "png", "docx", "xlsx"]

# A period is the last day of a reporting period. Weekly reports and a month's
# figure filed in its last week may name a day a little ahead of today in
# Beijing; anything further is a forecast or a typo, not a reading.
READING_PERIOD_LEAD = dt.timedelta(days=7)
# No work of the service's world is older than this; the floor when an
# initiative has no launch date on record.
READING_PERIOD_FLOOR = dt.date(2000, 1, 1)


def reading_period_bounds(initiative) -> tuple[dt.date, dt.date]:
    """The first and last period end a reading of `initiative` may have.

    Not before the initiative was launched: no task of it could have started
    earlier (its figures from before are the indicator's baseline). The
    tasks' planned starts are not a bound: they are plans, and work often
    begins before them."""
    earliest = max(READING_PERIOD_FLOOR, initiative.launched_on or READING_PERIOD_FLOOR)
    return earliest, timezone.localdate() + READING_PERIOD_LEAD


def _day(value: dt.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


class Indicator(models.Model):
    """A measurable indicator (指标) of a task: target against actual."""

    task = models.ForeignKey(
        "tracker.Task",
        verbose_name=_("task"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    party = models.ForeignKey(
        "accounts.Party",
        verbose_name=_("party"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        help_text=_("Empty for a joint indicator reported by either party."),
    )
    name = models.CharField(_("name"), max_length=128)
    unit = models.CharField(_("unit"), max_length=32)
    baseline = models.DecimalField(
        _("baseline"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    target = models.DecimalField(
        _("target value"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    direction = models.CharField(
        _("direction of good"),
        max_length=8,
        choices=Direction,
        default=Direction.HIGHER,
    )
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["task", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "name"],
                name="indicator_name_unique_in_task",
                violation_error_message=_(
                    "This task already has an indicator of that name."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.unit}）"

    def clean(self):
        if self.task_id and self.party_id and not self.task.has_owner(self.party_id):
            raise ValidationError({"party": NOT_AN_OWNER})


def evidence_path(instance, filename):
    return f"evidence/readings/{timezone.now():%Y/%m}/{filename}"


class IndicatorReading(models.Model):
    """An indicator's value as of the end of one reporting period."""

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="readings",
    )
    period = models.DateField(
        _("period end"), help_text=_("The last day of the reporting period.")
    )
    value = models.DecimalField(_("actual value"), max_digits=20, decimal_places=4)
    qualifier = models.CharField(
        _("qualifier"),
        max_length=16,
        choices=Qualifier,
        default=Qualifier.EXACT,
        help_text=_("Whether the value is exact or a lower bound (超过…, …余)."),
    )
    note = models.TextField(_("note"), blank=True)
    evidence = models.FileField(
        _("evidence file"),
        upload_to=evidence_path,
        blank=True,
        validators=[FileExtensionValidator(EVIDENCE_EXTENSIONS)],
    )
    party = models.ForeignKey(
        "accounts.Party",
        verbose_name=_("reporting party"),
        on_delete=models.PROTECT,
        related_name="readings",
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="readings",
    )
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    verification_status = models.CharField(
        _("verification"),
        max_length=16,
        choices=VerificationStatus,
        default=VerificationStatus.PENDING,
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="verified_readings",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("indicator reading")
        verbose_name_plural = _("indicator readings")
        ordering = ["indicator", "-period"]
        get_latest_by = "period"
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period"],
                name="reading_one_per_period",
                violation_error_message=_(
                    "This indicator already has a reading for that period."
                ),
            ),
            models.CheckConstraint(
                condition=Q(verification_status=VerificationStatus.PENDING)
                | (Q(verified_by__isnull=False) & Q(verified_at__isnull=False)),
                name="reading_verified_has_verifier",
                violation_error_message=_(
                    "A verified or disputed reading names who checked it and when."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.indicator.name} {self.period:%Y-%m-%d}: {self.value}"

    def clean(self):
        errors = {}
        indicator = self.indicator if self.indicator_id else None
        if indicator and self.party_id:
            if indicator.party_id and indicator.party_id != self.party_id:
                errors["party"] = _("Only the indicator's own party reports it.")
            elif not indicator.task.has_owner(self.party_id):
                errors["party"] = NOT_AN_OWNER
        if indicator and isinstance(self.period, dt.date):
            earliest, latest = reading_period_bounds(indicator.task.initiative)
            if self.period > latest:
                errors["period"] = _(
                    "The end of the reporting period cannot be later than %(date)s."
                ) % {"date": _day(latest)}
            elif self.period < earliest:
                launched = indicator.task.initiative.launched_on
                errors["period"] = (
                    _(
                        "The end of the reporting period cannot be earlier than "
                        "%(date)s, when %(initiative)s was launched."
                    )
                    if launched is not None and earliest == launched
                    else _(
                        "The end of the reporting period cannot be earlier than "
                        "%(date)s."
                    )
                ) % {"date": _day(earliest), "initiative": indicator.task.initiative}
        if errors:
            raise ValidationError(errors)
