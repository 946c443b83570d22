from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Initiative(models.Model):
    """A joint programme among two or more parties (e.g. 成渝地区双城经济圈)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=128, unique=True)
    short_name = models.CharField(_("short name"), max_length=32, blank=True)
    description = models.TextField(_("description"), blank=True)
    launched_on = models.DateField(_("launched on"), null=True, blank=True)
    parties = models.ManyToManyField(
        "accounts.Party",
        through="Participation",
        related_name="initiatives",
        verbose_name=_("parties"),
    )

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Participation(models.Model):
    """A party taking part in an initiative, with its lead agency."""

    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="participations",
    )
    party = models.ForeignKey(
        "accounts.Party",
        verbose_name=_("party"),
        on_delete=models.PROTECT,
        related_name="participations",
    )
    lead_agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("lead agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("participating party")
        verbose_name_plural = _("participating parties")
        ordering = ["initiative", "sort_order", "party__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "party"],
                name="participation_unique",
                violation_error_message=_(
                    "This party already takes part in the initiative."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.initiative} · {self.party}"

    def clean(self):
        if (
            self.lead_agency_id
            and self.party_id
            and self.lead_agency.party_id != self.party_id
        ):
            raise ValidationError(
                {"lead_agency": _("The lead agency must belong to this party.")}
            )


class WorkStream(models.Model):
    """A work stream (工作领域) grouping the tasks of an initiative."""

    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="work_streams",
    )
    code = models.SlugField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=64)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("work stream")
        verbose_name_plural = _("work streams")
        ordering = ["initiative", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "code"],
                name="workstream_code_unique",
                violation_error_message=_(
                    "A work stream with this code already exists."
                ),
            ),
            models.UniqueConstraint(
                fields=["initiative", "name"],
                name="workstream_name_unique",
                violation_error_message=_(
                    "A work stream with this name already exists."
                ),
            ),
            models.UniqueConstraint(
                fields=["id", "initiative"], name="workstream_id_initiative_key"
            ),
        ]

    def __str__(self):
        return self.name
