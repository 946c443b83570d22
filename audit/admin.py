"""The admin for auditors: one log of every change, a history page per object,
exports, and the security events. All of it read-only, for everybody."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Party, User
from config.admin import ReadOnlyAdmin

from . import admin_display, attribution, exports, history, log_details
from .models import AuditLog, RefusedEvent
from .sealing import latest_seal
from .security import can_read_audit, install_admin_guards

install_admin_guards(admin.site)

EXPORT_LIMIT = 100_000
HISTORY_PAGE_SIZE = 100
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


# --- filters -----------------------------------------------------------------------


class DateRangeFilter(admin.ListFilter):
    """From and to dates (inclusive, Asia/Shanghai days) on one datetime field."""

    title = _("date")
    field_name = "pgh_created_at"
    template = "admin/audit/date_range_filter.html"
    from_param, to_param = "date_from", "date_to"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        for name in self.expected_parameters():
            if name in params:
                value = params.pop(name)
                self.used_parameters[name] = (
                    value[-1] if isinstance(value, list) else value
                )

    def expected_parameters(self):
        return [self.from_param, self.to_param]

    def has_output(self):
        return True

    def _day(self, name):
        raw = (self.used_parameters.get(name) or "").strip()
        if not raw:
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError as exc:
            raise IncorrectLookupParameters(exc) from exc

    def queryset(self, request, queryset):
        start, end = self._day(self.from_param), self._day(self.to_param)
        zone = timezone.get_current_timezone()
        if start:
            since = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
            queryset = queryset.filter(**{f"{self.field_name}__gte": since})
        if end and end < dt.date.max:  # up to 9999-12-31 is no bound at all
            until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, zone)
            queryset = queryset.filter(**{f"{self.field_name}__lt": until})
        return queryset

    def choices(self, changelist):
        own = set(self.expected_parameters())
        yield {
            "from_param": self.from_param,
            "to_param": self.to_param,
            "date_from": self.used_parameters.get(self.from_param, ""),
            "date_to": self.used_parameters.get(self.to_param, ""),
            "hidden": [
                (key, value)
                for key, values in changelist.params.items()
                if key not in own
                for value in (values if isinstance(values, list) else [values])
            ],
            "reset_url": changelist.get_query_string(remove=list(own)),
        }


class SecurityDateRangeFilter(DateRangeFilter):
    field_name = "created_at"


class ActorFilter(admin.SimpleListFilter):
    title = _("actor")
    parameter_name = "actor"
    NONE = "none"

    def lookups(self, request, model_admin):
        people = User.objects.filter(Q(is_staff=True) | Q(memberships__isnull=False))
        choices = [(str(u.pk), str(u)) for u in people.distinct().order_by("username")]
        return [*choices, (self.NONE, _("nobody (system)"))]

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.NONE:
            # The application's own work (jobs, commands), not direct changes.
            return queryset.filter(user__isnull=True, pgh_context__isnull=False)
        if value and value.isdigit():
            return queryset.filter(user_id=int(value))
        return queryset


class PartyFilter(admin.SimpleListFilter):
    title = _("actor's party")
    parameter_name = "party"

    def lookups(self, request, model_admin):
        return [(str(p.pk), p.name) for p in Party.objects.all()]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            members = Membership.objects.filter(party_id=int(value)).values("user_id")
            return queryset.filter(user_id__in=members)
        return queryset


def model_choices() -> list[tuple[str, str]]:
    return sorted(
        (
            (m._meta.label_lower, history.model_label(m))
            for m in history.tracked_models()
        ),
        key=lambda choice: choice[1],
    )


class ModelFilter(admin.SimpleListFilter):
    title = _("record type")
    parameter_name = "model"

    def lookups(self, request, model_admin):
        return model_choices()

    def queryset(self, request, queryset):
        model = history.model_from_label(self.value())
        if model is None:
            return queryset
        event_models = history.event_models_by_tracked().get(model._meta.concrete_model)
        if not event_models:
            return queryset.none()
        return queryset.across(*event_models)


class ActionFilter(admin.SimpleListFilter):
    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return list(history.ACTION_LABELS.items())

    def queryset(self, request, queryset):
        if self.value() in history.ACTION_LABELS:
            return queryset.filter(pgh_label=self.value())
        return queryset


class WrittenFilter(admin.SimpleListFilter):
    """Direct database changes (no application context) or the rest. A
    condition on a column of the union, so as cheap as the other filters."""

    title = _("how it was written")
    parameter_name = "written"
    DIRECT, SERVICE = "direct", "service"

    def lookups(self, request, model_admin):
        return [
            (self.DIRECT, attribution.DIRECT_LABEL),
            (self.SERVICE, _("through the service (context recorded)")),
        ]

    def queryset(self, request, queryset):
        if self.value() == self.DIRECT:
            return queryset.filter(pgh_context__isnull=True)
        if self.value() == self.SERVICE:
            return queryset.filter(pgh_context__isnull=False)
        return queryset


class SourceFilter(admin.SimpleListFilter):
    title = _("source")
    parameter_name = "source"

    def lookups(self, request, model_admin):
        return list(history.SOURCE_LABELS.items())

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(source=self.value())
        return queryset


# --- read-only base ---------------------------------------------------------------


class ReadOnlyAuditAdmin(ReadOnlyAdmin):
    """Nobody adds, changes or deletes history, superusers included."""

    view_permission = "audit.view_auditlog"
    show_facets = admin.ShowFacets.NEVER

    def changelist_view(self, request, extra_context=None):
        # Its name, not "Select … to view": nothing here is for choosing.
        extra_context = {
            "title": capfirst(self.model._meta.verbose_name_plural),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def has_view_permission(self, request, obj=None):
        return can_read_audit(request.user, self.view_permission)


# --- the audit log ------------------------------------------------------------------


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAuditAdmin):
    list_display = [
        "time",
        "actor",
        "actor_party",
        "session",
        "source_label",
        "action_label",
        "model_label",
        "object_link",
        "changed_fields",
        "reason",
        admin_display.request_id,
    ]
    list_display_links = None
    list_filter = [
        DateRangeFilter,
        ActorFilter,
        PartyFilter,
        ModelFilter,
        ActionFilter,
        SourceFilter,
        WrittenFilter,
    ]
    # The search itself is get_search_results; this only shows the box.
    search_fields = ["pgh_data"]
    search_help_text = _(
        "Searches the recorded values, the context (reason, request id, path), "
        "the actor's name, and object ids."
    )
    ordering = ["-pgh_created_at", "-pgh_id"]
    list_per_page = 50
    # Counting the whole union once per page is enough.
    show_full_result_count = False
    actions = None
    change_list_template = "admin/audit/auditlog/change_list.html"

    def get_queryset(self, request):
        memberships = Prefetch(
            "user__memberships",
            queryset=Membership.objects.filter(is_active=True).select_related("party"),
        )
        # The snapshot and the diff are loaded for the page only (LogChangeList).
        return (
            AuditLog.objects.select_related("user")
            .prefetch_related(memberships)
            .defer("pgh_data", "pgh_diff")
            .order_by(*self.ordering)
        )

    def get_changelist(self, request, **kwargs):
        return LogChangeList

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        people = User.objects.filter(
            Q(username__icontains=term) | Q(full_name__icontains=term)
        ).values("pk")
        match = (
            Q(pgh_data__icontains=term)
            | Q(pgh_context__icontains=term)
            | Q(user_id__in=people)
            | Q(pgh_obj_id=term)
        )
        return queryset.filter(match), False

    # columns

    @admin.display(description=_("time"), ordering="pgh_created_at")
    def time(self, obj):
        return timezone.localtime(obj.pgh_created_at).strftime(TIME_FORMAT)

    @admin.display(description=_("actor"))
    def actor(self, obj):
        written = _attribution(obj)
        if not written.through_service:
            return format_html(
                '<strong class="audit-direct">{}</strong>', written.label
            )
        if obj.user_id is None:
            name = gettext("nobody (system)")
        else:
            name = str(obj.user) if obj.user else f"#{obj.user_id}"
        return format_html("{}{}", name, _warning(written.warning))

    @admin.display(description=_("object"))
    def object_link(self, obj):
        model = history.model_from_label(obj.pgh_obj_model)
        name = history.object_label(model, obj.pgh_data, obj.pgh_obj_id)
        refusal = getattr(obj, "refusal", None)
        refused = ""
        if refusal is not None:
            refused = _warning(
                gettext("refused by the sealer: %(reason)s")
                % {"reason": refusal.get_reason_display()}
            )
        if model is None or obj.pgh_obj_id is None:
            return format_html("{}{}", name, refused)
        owner = history.link_owner(model, obj.pgh_data)
        url = history_url(*owner) if owner else history_url(model, obj.pgh_obj_id)
        return format_html('<a href="{}#{}">{}</a>{}', url, obj.pgh_slug, name, refused)

    @admin.display(description=_("party"))
    def actor_party(self, obj):
        if not _attribution(obj).through_service:
            return None
        return history.party_names(obj.user) or None

    @admin.display(description=_("database session"))
    def session(self, obj):
        written = _attribution(obj)
        if written.session is None:
            return None
        # Folded: the summary names the database user and the program; the
        # event's entry in its history shows every field.
        return render_to_string(
            "admin/audit/session.html", {"session": written.session}
        )

    @admin.display(description=_("source"))
    def source_label(self, obj):
        return history.SOURCE_LABELS.get(obj.source, obj.source)

    @admin.display(description=_("action"))
    def action_label(self, obj):
        return history.ACTION_LABELS.get(obj.pgh_label, obj.pgh_label)

    @admin.display(description=_("record type"))
    def model_label(self, obj):
        model = history.model_from_label(obj.pgh_obj_model)
        return history.model_label(model) if model else obj.pgh_obj_model

    @admin.display(description=_("changed fields"))
    def changed_fields(self, obj):
        return (
            "、".join(history.changed_field_labels(obj.pgh_model, obj.pgh_diff)) or None
        )

    # pages

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "history/",
                view(self.history_lookup_view),
                name="audit_auditlog_history_lookup",
            ),
            path(
                "history/<str:app_label>/<str:model_name>/<str:object_id>/",
                view(self.history_view),
                name="audit_auditlog_history",
            ),
            path(
                "export/<str:fmt>/",
                view(self.export_view),
                name="audit_auditlog_export",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "latest_seal": latest_seal(),
            "refused_count": RefusedEvent.objects.count(),
            "refused_url": reverse("admin:audit_refusedevent_changelist"),
            "lookup_models": model_choices(),
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """An event is read on its object's history page, at its own entry."""
        if request.method != "GET" or not self.has_view_permission(request):
            raise PermissionDenied
        label, _sep, pgh_id = unquote(object_id).partition(":")
        event_model = history.model_from_label(label)
        tracked = getattr(event_model, "pgh_tracked_model", None)
        if tracked is None or not tracked._meta.managed or not pgh_id.isdigit():
            raise Http404
        event = event_model.objects.filter(pgh_id=int(pgh_id)).first()
        if event is None or event.pgh_obj_id is None:
            raise Http404
        # A row read in another object's history (an urge on its item) opens
        # there.
        snapshot = {
            f.column: f.value_from_object(event)
            for f in history.snapshot_fields(event_model)
        }
        shown_in = history.history_parent(tracked, snapshot) or (
            tracked,
            event.pgh_obj_id,
        )
        url = history_url(*shown_in)
        anchor = f"{event_model._meta.label}:{event.pgh_id}"
        # The history opens at its latest page: name the event's own.
        entries = history.object_history(*shown_in)
        slugs = [entry.anchor for entry in entries]
        if anchor in slugs:
            paginator = _history_paginator(entries)
            # Orphans only ever join the last page.
            number = min(
                slugs.index(anchor) // HISTORY_PAGE_SIZE + 1, paginator.num_pages
            )
            if number != paginator.num_pages:
                url = f"{url}?page={number}"
        return HttpResponseRedirect(f"{url}#{anchor}")

    def history_lookup_view(self, request):
        """The history of an object given by type and id (also when deleted)."""
        model = history.model_from_label(request.GET.get("model"))
        object_id = (request.GET.get("id") or "").strip()
        if model is None or not object_id:
            return redirect("admin:audit_auditlog_changelist")
        return redirect(history_url(model, object_id))

    def history_view(self, request, app_label, model_name, object_id):
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError as exc:
            raise Http404 from exc
        object_id = unquote(object_id)
        if not self.has_view_permission(request) or not history.is_tracked(model):
            # Not ours to show: Django's own (admin-only) history, if any.
            try:
                return redirect(
                    f"admin:{model._meta.app_label}_{model._meta.model_name}_history",
                    quote(object_id),
                )
            except NoReverseMatch as exc:
                if not self.has_view_permission(request):
                    raise PermissionDenied from exc
                raise Http404 from exc
        pk = history.parse_pk(model, object_id)
        if pk is None:
            raise Http404
        entries = history.object_history(model, pk)
        current = model._default_manager.filter(pk=pk).first()
        if current is None and not entries:
            raise Http404
        # In time order; a long history opens at its latest page.
        paginator = _history_paginator(entries)
        page = paginator.get_page(request.GET.get("page") or paginator.num_pages)
        history.describe(page.object_list)
        history.mark_refused(page.object_list)
        if current is not None and not model._meta.auto_created:
            name = str(current)
        else:
            name = history.object_label(model, history.last_snapshot(model, pk), pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("History: %(name)s") % {"name": name},
            "subtitle": history.model_label(model),
            "object_name": name,
            "object_id": object_id,
            "model_label": history.model_label(model),
            "deleted": current is None,
            "change_url": change_url(request, model, current),
            "entries": page.object_list,
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number),
            "log_url": reverse("admin:audit_auditlog_changelist")
            + f"?model={model._meta.label_lower}",
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/audit/history.html", context)

    def export_view(self, request, fmt):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if fmt not in ("csv", "xlsx"):
            raise Http404
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return redirect("admin:audit_auditlog_changelist")
        queryset = changelist.get_queryset(request).prefetch_related(None)
        headers, rows = exports.audit_log_table(queryset[:EXPORT_LIMIT])
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        name = gettext("audit-log")
        filename = f"{name}-{stamp}.{fmt}"
        if fmt == "csv":
            return exports.csv_response(filename, headers, rows)
        return exports.xlsx_response(
            filename, headers, rows, title=str(AuditLog._meta.verbose_name_plural)
        )


class LogChangeList(ChangeList):
    def get_results(self, request):
        super().get_results(request)
        log_details.load_details(self.result_list)


def _history_paginator(entries) -> Paginator:
    return Paginator(entries, HISTORY_PAGE_SIZE, orphans=HISTORY_PAGE_SIZE // 2)


def _attribution(event) -> attribution.Attribution:
    """How a row of the log was written (read from the row, once)."""
    found = getattr(event, "_attribution", None)
    if found is None:
        found = attribution.attribute(
            event.pgh_context, getattr(event, "pgh_session", None)
        )
        event._attribution = found
    return found


def _warning(text) -> str:
    if not text:
        return ""
    return format_html('<br><span class="audit-warning">⚠ {}</span>', text)


def history_url(model, object_id) -> str:
    return reverse(
        "admin:audit_auditlog_history",
        args=[model._meta.app_label, model._meta.model_name, quote(str(object_id))],
    )


def change_url(request, model, obj) -> str | None:
    """The object's own admin page, when it exists and the user may see it."""
    if obj is None:
        return None
    model_admin = admin.site._registry.get(model)
    if model_admin is None or not model_admin.has_view_permission(request, obj):
        return None
    opts = model._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)]
    )


# The security events, the ledger, the sealer's runs and refusals; the auditors'
# page of the daily chain digest mail.
from . import digest_admin, sealing_admin  # noqa: E402, F401
