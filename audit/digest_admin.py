"""The auditors' page of the daily chain digest mail, in the admin where they
work: the admin index lists it under the audit trail for everyone who may read
the trail. It shows the chain head now, whether the reader is subscribed (with
one button to change that) and the last mails made for them.

Each person subscribes and unsubscribes only themselves, through the services
in audit/digest.py; nobody adds, changes or deletes other people's rows here.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from config.admin import ReadOnlyAdmin
from config.exceptions import PermissionDenied as DomainPermissionDenied

from .digest import (
    digest_deliveries_for_user,
    digest_schedule,
    digest_subscribe,
    digest_subscription_get,
    digest_unsubscribe,
    may_subscribe,
)
from .models import DigestSubscription
from .sealing import latest_seal

SUBSCRIBE, UNSUBSCRIBE = "subscribe", "unsubscribe"


@admin.register(DigestSubscription)
class DigestSubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["user", "created_at"]
    fields = ["user", "created_at"]
    readonly_fields = ["user", "created_at"]

    def has_view_permission(self, request, obj=None):
        return may_subscribe(request.user)

    def changelist_view(self, request, extra_context=None):
        """The reader's own subscription, not a list of everybody's."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        user = request.user
        if request.method == "POST":
            return self._change_subscription(request)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": capfirst(self.opts.verbose_name_plural),
            "seal": latest_seal(),
            "subscribed": digest_subscription_get(user=user) is not None,
            "email": user.email,
            "schedule": digest_schedule(),
            "deliveries": digest_deliveries_for_user(user=user),
            "subscribe": SUBSCRIBE,
            "unsubscribe": UNSUBSCRIBE,
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/audit/digest.html", context)

    def _change_subscription(self, request):
        user = request.user
        choice = request.POST.get("subscription")
        if choice == SUBSCRIBE:
            try:
                digest_subscribe(user=user)
            except DomainPermissionDenied as exc:
                raise PermissionDenied(str(exc.message)) from exc
            if user.email:
                messages.success(
                    request,
                    _("Subscribed: the chain digest is mailed to %(email)s daily.")
                    % {"email": user.email},
                )
            else:
                messages.warning(
                    request,
                    _(
                        "Subscribed, but your account has no e-mail address: "
                        "no mail is sent until the administrators add one."
                    ),
                )
        elif choice == UNSUBSCRIBE:
            digest_unsubscribe(user=user)
            messages.success(request, _("Unsubscribed: no more chain digest mail."))
        # Post, redirect, get: reloading the page does not post again.
        return redirect(request.path)
