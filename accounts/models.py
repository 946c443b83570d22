from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import AgencyKind, PartyKind, Role


class User(AbstractUser):
    """A person who signs in. What they may do comes from their memberships."""

    full_name = models.CharField(_("full name"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        # The one name field (Chinese names are not split into first and last).
        return self.full_name.strip()


class Party(models.Model):
    """A provincial-level government taking part in joint initiatives (省市)."""

    code = models.SlugField(
        _("code"),
        max_length=16,
        unique=True,
        help_text=_("Short stable code, e.g. SC."),
    )
    name = models.CharField(_("name"), max_length=64, unique=True)
    short_name = models.CharField(_("short name"), max_length=8)
    kind = models.CharField(
        _("kind"), max_length=16, choices=PartyKind, default=PartyKind.PROVINCE
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class Agency(models.Model):
    """A responsible unit (责任单位) belonging to one party."""

    party = models.ForeignKey(
        Party,
        verbose_name=_("party"),
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=128)
    short_name = models.CharField(_("short name"), max_length=32, blank=True)
    kind = models.CharField(
        _("kind"), max_length=16, choices=AgencyKind, default=AgencyKind.DEPARTMENT
    )
    is_lead = models.BooleanField(
        _("lead agency"),
        default=False,
        help_text=_("The party's lead agency for the task force."),
    )

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["party__sort_order", "-is_lead", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["party", "name"],
                name="agency_name_unique_in_party",
                violation_error_message=_(
                    "This party already has an agency of that name."
                ),
            ),
            # Target of the composite foreign keys that keep an owner's agency in the
            # owner's party (see tracker migrations).
            models.UniqueConstraint(fields=["id", "party"], name="agency_id_party_key"),
            models.UniqueConstraint(
                fields=["party"],
                condition=Q(is_lead=True),
                name="agency_one_lead_per_party",
                violation_error_message=_("This party already has a lead agency."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.parent_id and self.party_id and self.parent.party_id != self.party_id:
            raise ValidationError(
                {"parent": _("The parent agency must belong to the same party.")}
            )


class Membership(models.Model):
    """A user's role in a party: what they may see and change."""

    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    party = models.ForeignKey(
        Party,
        verbose_name=_("party"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["party__sort_order", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "party", "role"],
                name="membership_unique_role",
                violation_error_message=_(
                    "This user already has that role in that party."
                ),
            ),
        ]
        indexes = [models.Index(fields=["party", "role"], name="membership_party_role")]

    def __str__(self):
        return f"{self.user} · {self.party} · {self.get_role_display()}"

    def clean(self):
        if self.agency_id and self.party_id and self.agency.party_id != self.party_id:
            raise ValidationError(
                {"agency": _("The agency must belong to the membership's party.")}
            )
