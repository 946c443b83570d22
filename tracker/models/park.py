from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ..choices import EvaluationResult


class IndustrialPark(models.Model):
    """An industrial cooperation park (产业合作园区) in one party."""

    party = models.ForeignKey(
        "accounts.Party",
        verbose_name=_("party"),
        on_delete=models.PROTECT,
        related_name="parks",
    )
    name = models.CharField(_("name"), max_length=128, unique=True)
    city_county = models.CharField(_("city or county"), max_length=64)
    batch = models.PositiveSmallIntegerField(
        _("batch (year)"), help_text=_("Year of the batch that designated the park.")
    )
    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("management agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parks",
    )

    class Meta:
        verbose_name = _("industrial park")
        verbose_name_plural = _("industrial parks")
        ordering = ["party__sort_order", "city_county", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(batch__gte=2020) & Q(batch__lte=2100),
                name="park_batch_year",
                violation_error_message=_("The batch year must be 2020 or later."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.agency_id and self.party_id and self.agency.party_id != self.party_id:
            raise ValidationError(
                {"agency": _("The management agency must belong to the park's party.")}
            )


class ParkPair(models.Model):
    """Two paired parks (结对园区) from different parties."""

    initiative = models.ForeignKey(
        "tracker.Initiative",
        verbose_name=_("initiative"),
        on_delete=models.PROTECT,
        related_name="park_pairs",
    )
    park_a = models.OneToOneField(
        IndustrialPark,
        verbose_name=_("park"),
        on_delete=models.PROTECT,
        related_name="pair_as_a",
    )
    park_b = models.OneToOneField(
        IndustrialPark,
        verbose_name=_("paired park"),
        on_delete=models.PROTECT,
        related_name="pair_as_b",
    )
    name = models.CharField(_("name"), max_length=128, blank=True)
    paired_on = models.DateField(_("paired on"), null=True, blank=True)

    class Meta:
        verbose_name = _("park pair")
        verbose_name_plural = _("park pairs")
        ordering = ["initiative", "park_a__party__sort_order", "park_a__name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(park_a=F("park_b")),
                name="parkpair_two_parks",
                violation_error_message=_("A park cannot be paired with itself."),
            ),
        ]

    def __str__(self):
        return self.name or f"{self.park_a} ⇄ {self.park_b}"

    def clean(self):
        errors = {}
        if self.park_a_id and self.park_b_id:
            if self.park_a.party_id == self.park_b.party_id:
                errors["park_b"] = _("Paired parks must be in different parties.")
            taken = ParkPair.objects.exclude(pk=self.pk).filter(
                Q(park_a__in=[self.park_a_id, self.park_b_id])
                | Q(park_b__in=[self.park_a_id, self.park_b_id])
            )
            if taken.exists():
                errors["park_b"] = _("One of these parks is already paired.")
        if errors:
            raise ValidationError(errors)


class ParkEvaluation(models.Model):
    """A published performance evaluation (绩效评价) result of one park."""

    park = models.ForeignKey(
        IndustrialPark,
        verbose_name=_("park"),
        on_delete=models.CASCADE,
        related_name="evaluations",
    )
    round = models.PositiveSmallIntegerField(_("evaluation round (year)"))
    announced_on = models.DateField(_("announced on"))
    result = models.CharField(_("result"), max_length=16, choices=EvaluationResult)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("park evaluation")
        verbose_name_plural = _("park evaluations")
        ordering = ["-round", "park"]
        get_latest_by = "announced_on"
        constraints = [
            models.UniqueConstraint(
                fields=["park", "round"],
                name="parkevaluation_one_per_round",
                violation_error_message=_(
                    "This park already has a result for that round."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.park} {self.round}: {self.get_result_display()}"
