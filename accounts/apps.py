from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and parties")

    def ready(self):
        from django.contrib.auth.models import Permission

        from .labels import permission_label

        # Read-only admin pages (an auditor's view of a group) list permissions
        # by str(); Django's is the English name stored when the table was made.
        Permission.__str__ = permission_label
