"""The notification centre and the preferences page. Plumbing only: the
selectors read the user's own rows, the services write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.exceptions import InvalidInput

from . import mail, preferences, selectors, services
from .forms import PreferencesForm

PAGE_SIZE = 20


@login_required
@require_GET
def centre(request):
    unread_only = request.GET.get("show") == "unread"
    page = Paginator(
        selectors.notification_list_for_user(
            user=request.user, unread=True if unread_only else None
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/centre.html",
        {"page_obj": page, "unread_only": unread_only},
    )


def _destination(notification) -> str:
    """Where a notification leads: its link when it is a path of this site,
    else its task, else back to the centre."""
    link = notification.link
    if link.startswith("/") and url_has_allowed_host_and_scheme(
        link, allowed_hosts=None
    ):
        return link
    if notification.task_id:
        return reverse("tracker:task_detail", args=[notification.task_id])
    return reverse("notifications:centre")


@login_required
@require_GET
def open_notification(request, pk):
    """Opening a notification (from the centre or a mail) marks it read and
    goes on to its item."""
    notification = selectors.notification_get_for_user(
        user=request.user, notification_id=pk
    )
    services.notification_mark_read(user=request.user, notification=notification)
    return redirect(_destination(notification))


@login_required
@require_POST
def read_all(request):
    marked = services.notification_mark_all_read(user=request.user)
    if marked:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:centre")


@login_required
@require_http_methods(["GET", "POST"])
def preferences_page(request):
    user = request.user
    choices = preferences.choices_for(user)
    digest = preferences.daily_digest_for(user)
    form = PreferencesForm(
        request.POST if request.method == "POST" else None,
        choices=choices,
        daily_digest=digest,
    )
    status = 200
    if form.is_bound:
        if form.is_valid():
            try:
                services.notification_preferences_set(
                    user=user, **form.service_arguments()
                )
            except InvalidInput as exc:
                form.add_error(None, exc.message)
                for errors in exc.field_errors.values():
                    for error in errors:
                        form.add_error(None, error)
            else:
                messages.success(request, _("Your notification settings are saved."))
                return redirect("notifications:preferences")
        status = 400
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "rows": form.rows(),
            "has_email": bool(user.email),
            "digest_time": mail.digest_time(),
        },
        status=status,
    )
