from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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
    """Paired parks (结对园区): two or more parks of different parties, paired in
    one batch. A park is in at most one pair per batch, so it may be paired
    again in a later batch; the parks are its members."""

    initiative = models.ForeignKey(
        "tracker.Initiative",
        verbose_name=_("initiative"),
        on_delete=models.PROTECT,
        related_name="park_pairs",
    )
    name = models.CharField(_("name"), max_length=128, blank=True)
    batch = models.PositiveSmallIntegerField(
        _("batch (year)"), help_text=_("Year of the batch that made the pairing.")
    )
    paired_on = models.DateField(_("paired on"), null=True, blank=True)
    parks = models.ManyToManyField(
        IndustrialPark,
        through="ParkPairMember",
        verbose_name=_("parks"),
        related_name="pairs",
    )

    class Meta:
        verbose_name = _("park pair")
        verbose_name_plural = _("park pairs")
        ordering = ["initiative", "-batch", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(batch__gte=2020) & Q(batch__lte=2100),
                name="parkpair_batch_year",
                violation_error_message=_("The batch year must be 2020 or later."),
            ),
        ]

    def __str__(self):
        if self.name:
            return self.name
        if self.pk is None:
            return str(_("park pair"))
        return " ⇄ ".join(member.park.name for member in self.ordered_members())

    def ordered_members(self):
        """The members in the parties' order (Sichuan before Chongqing)."""
        return self.members.select_related("park__party").order_by(
            "park__party__sort_order", "park__name"
        )


class ParkPairMember(models.Model):
    """One park of a pair. ``batch`` repeats the pair's batch so that the
    database can hold a park to one pair per batch."""

    pair = models.ForeignKey(
        ParkPair,
        verbose_name=_("park pair"),
        on_delete=models.CASCADE,
        related_name="members",
    )
    park = models.ForeignKey(
        IndustrialPark,
        verbose_name=_("park"),
        on_delete=models.PROTECT,
        related_name="pair_memberships",
    )
    batch = models.PositiveSmallIntegerField(_("batch (year)"))

    class Meta:
        verbose_name = _("paired park")
        verbose_name_plural = _("paired parks")
        ordering = ["pair", "park__party__sort_order", "park__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["park", "batch"],
                name="parkpairmember_one_pair_per_batch",
                violation_error_message=_("This park is already paired in that batch."),
            ),
            models.UniqueConstraint(
                fields=["pair", "park"], name="parkpairmember_once_per_pair"
            ),
        ]

    def __str__(self):
        return f"{self.pair_id}: {self.park}"
