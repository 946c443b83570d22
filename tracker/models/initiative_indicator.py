"""Indicators of a whole initiative (全域指标): figures of the economic circle
as a whole (GDP growth, new high-tech enterprises), owned by no task and no
party. The joint office records them from published statistics; they take no
part in a task's progress, lights or completion."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import Direction, Qualifier
from .indicator import READING_PERIOD_FLOOR, reading_period_bounds


class InitiativeIndicator(models.Model):
    """A circle-wide indicator of an initiative."""

    initiative = models.ForeignKey(
        "tracker.Initiative",
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="indicators",
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
        verbose_name = _("circle-wide indicator")
        verbose_name_plural = _("circle-wide indicators")
        ordering = ["initiative", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "name"],
                name="initiative_indicator_name_unique",
                violation_error_message=_(
                    "This initiative already has an indicator of that name."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.unit}）"


class InitiativeIndicatorReading(models.Model):
    """A circle-wide indicator's value as of the end of one period, with the
    published source it was taken from."""

    indicator = models.ForeignKey(
        InitiativeIndicator,
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
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("Where the figure was published."),
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="initiative_readings",
    )
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)

    class Meta:
        verbose_name = _("circle-wide indicator reading")
        verbose_name_plural = _("circle-wide indicator readings")
        ordering = ["indicator", "-period"]
        get_latest_by = "period"
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period"],
                name="initiative_reading_one_per_period",
                violation_error_message=_(
                    "This indicator already has a reading for that period."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.indicator.name} {self.period:%Y-%m-%d}: {self.value}"

    def clean(self):
        if not self.indicator_id or self.period is None:
            return
        _earliest, latest = reading_period_bounds(self.indicator.initiative)
        # Circle-wide figures are statistics of years before the initiative
        # (a baseline year), so only the service's floor bounds them below.
        if not READING_PERIOD_FLOOR <= self.period <= latest:
            raise ValidationError(
                {"period": _("The end of the reporting period is out of range.")}
            )
