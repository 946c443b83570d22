from django.db import models
from django.utils.translation import gettext_lazy as _


class PartyKind(models.TextChoices):
    PROVINCE = "province", _("province")
    MUNICIPALITY = "municipality", _("municipality")
    AUTONOMOUS_REGION = "region", _("autonomous region")


class AgencyKind(models.TextChoices):
    DEPARTMENT = "department", _("provincial department")
    CITY_BUREAU = "city_bureau", _("city or county bureau")
    PARK = "park", _("park management committee")
    ENTERPRISE = "enterprise", _("enterprise")
    INSTITUTE = "institute", _("research institute")
    OTHER = "other", _("other")


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("coordinator")
    LEADERSHIP = "leadership", _("leadership")
    AUDITOR = "auditor", _("auditor")
    ADMINISTRATOR = "administrator", _("administrator")
