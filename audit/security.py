"""Auditors' rights, and the security events auditors read.

* The auditors' group (审计) holds every ``view_*`` permission of every
  installed model and nothing else; :func:`auditor_group_sync` keeps it so after
  every ``migrate`` (new models bring new permissions). The one exception is
  API tokens: DRF stores them in clear, and whoever reads one can act as its
  owner, so reading them is no auditor's business.
* Failed sign-ins and lockouts (django-axes) and refused writes (a 403 answer to
  a POST, PUT, PATCH or DELETE in the API or the admin) become
  :class:`~audit.models.SecurityEvent` rows.
* The admin site is guarded: a refused write is recorded, and an admin action
  that does not say which permission it needs is treated as a change (so a
  read-only user is never offered, say, "disable tasks").
"""

from __future__ import annotations

import functools
import ipaddress
import logging
from typing import Any

from axes.signals import user_locked_out
from django.contrib import admin
from django.contrib.auth import get_permission_codename
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from accounts import services as account_services
from accounts.choices import Role
from accounts.models import Membership, User
from accounts.permissions import grants

from .models import SecurityEvent

logger = logging.getLogger(__name__)

AUDITOR_GROUP = "审计"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# (app_label, model) whose rows are credentials: never readable by auditors.
CREDENTIAL_MODELS = frozenset(
    {("authtoken", "token"), ("authtoken", "tokenproxy"), ("sessions", "session")}
)


# --- who may read the audit trail ---------------------------------------------------


def can_read_audit(user, perm: str = "audit.view_auditlog") -> bool:
    """Auditors (by their group's permission), superusers, and the joint
    office's administrators when they have admin access."""
    if not (user and user.is_active and user.is_staff):
        return False
    return user.has_perm(perm) or grants(user).administrator


def audit_readers(perm: str = "audit.view_auditlog"):
    """The users for whom `can_read_audit` is true, as one query: for lists
    (the chain digest's recipients) that must not ask user by user. Django's
    ModelBackend is the only backend that grants model permissions here (rules
    answers object permissions only); tests/audit/test_digest.py holds the two
    to the same answer."""
    app_label, codename = perm.split(".", 1)
    granted = Q(permission__content_type__app_label=app_label) & Q(
        permission__codename=codename
    )
    held = User.user_permissions.through.objects.filter(granted).values("user_id")
    via_group = User.groups.through.objects.filter(
        group__in=Group.permissions.through.objects.filter(granted).values("group_id")
    ).values("user_id")
    administrators = Membership.objects.filter(
        is_active=True, role=Role.ADMINISTRATOR
    ).values("user_id")
    return User.objects.filter(is_active=True, is_staff=True).filter(
        Q(is_superuser=True)
        | Q(pk__in=held)
        | Q(pk__in=via_group)
        | Q(pk__in=administrators)
    )


# --- the auditors' group --------------------------------------------------------------


def auditor_permissions(using: str = "default"):
    hidden = Q()
    for app_label, model in CREDENTIAL_MODELS:
        hidden |= Q(content_type__app_label=app_label, content_type__model=model)
    return (
        Permission.objects.using(using)
        .filter(codename__startswith="view_")
        .exclude(hidden)
    )


@transaction.atomic
def auditor_group_sync(*, using: str = "default") -> dict[str, int]:
    """Give the auditors' group exactly the view permissions (adding those of
    new models, taking away anything else), and put every active auditor in it.
    Safe to run any number of times."""
    wanted = {p.pk: p for p in auditor_permissions(using)}
    group = Group.objects.using(using).filter(name=AUDITOR_GROUP).first()
    created = group is None
    if created:
        group = account_services.group_create(
            name=AUDITOR_GROUP, permissions=wanted.values()
        )
        added = len(wanted)
    else:
        added = account_services.group_permissions_add(
            group=group, permissions=wanted.values()
        )
    extra = list(group.permissions.exclude(pk__in=list(wanted)))
    if extra:
        group.permissions.remove(*extra)
    members = 0
    auditors = User.objects.using(using).filter(
        pk__in=Membership.objects.filter(role=Role.AUDITOR, is_active=True).values(
            "user_id"
        ),
        is_active=True,
    )
    for user in auditors.exclude(groups=group):
        members += int(account_services.group_member_add(group=group, user=user))
    return {
        "created": int(created),
        "added": added,
        "removed": len(extra),
        "members": members,
    }


@receiver(post_migrate, dispatch_uid="audit.auditor_group_sync")
def _sync_auditor_group_after_migrate(sender, using="default", **kwargs):
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    # post_migrate is sent once per app; act after the last one, when every
    # app's permissions exist (that last app's own are made here first, since
    # auth's receiver may run after this one).
    last = [c for c in apps.get_app_configs() if c.models_module is not None][-1]
    if sender.label != last.label:
        return
    create_permissions(sender, verbosity=0, using=using)
    auditor_group_sync(using=using)


# --- security events ---------------------------------------------------------------


def _client_ip(request) -> str | None:
    """The address axes locks by: the peer, or the client a trusted proxy
    names (never what a client claims of itself)."""
    if request is None:
        return None
    from config.proxies import client_ip

    raw = getattr(request, "axes_ip_address", None) or client_ip(request)
    try:
        return str(ipaddress.ip_address(raw)) if raw else None
    except ValueError:
        return None


def _request_user(request) -> User | None:
    try:
        user = getattr(request, "user", None)
    except Exception:  # an API request whose authentication itself failed
        return None
    return user if user is not None and user.is_authenticated else None


def security_event_record(
    *,
    kind: str,
    request: Any = None,
    username: str = "",
    user: User | None = None,
    detail: str = "",
) -> SecurityEvent | None:
    """Write one security event. Never lets the recording break the answer the
    user gets: a failure here is logged, and the savepoint keeps the caller's
    transaction usable."""
    if user is None and request is not None:
        user = _request_user(request)
    event = SecurityEvent(
        kind=kind,
        username=(username or (user.get_username() if user else ""))[:150],
        user=user,
        ip=_client_ip(request),
        method=(getattr(request, "method", "") or "")[:8],
        path=(getattr(request, "path", "") or "")[:500],
        request_id=(getattr(request, "request_id", "") or "")[:64],
        detail=detail[:2000],
    )
    try:
        with transaction.atomic():
            event.save()
    except DatabaseError:
        logger.exception("Could not record security event %s", kind)
        return None
    return event


def record_write_refused(request, *, detail: str = "") -> SecurityEvent | None:
    """A 403 to an unsafe method: somebody tried to change what they may not."""
    if request is None or request.method in SAFE_METHODS:
        return None
    return security_event_record(
        kind=SecurityEvent.Kind.WRITE_REFUSED, request=request, detail=detail
    )


@receiver(user_login_failed, dispatch_uid="audit.login_failed")
def _login_failed(sender, credentials=None, request=None, **kwargs):
    username = str((credentials or {}).get("username") or "")
    user = User.objects.filter(username=username).first() if username else None
    security_event_record(
        kind=SecurityEvent.Kind.LOGIN_FAILED,
        request=request,
        username=username,
        user=user,
        detail=str(getattr(request, "path", "") or ""),
    )


@receiver(user_locked_out, dispatch_uid="audit.lockout")
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    username = str(username or "")
    security_event_record(
        kind=SecurityEvent.Kind.LOCKOUT,
        request=request,
        username=username,
        user=User.objects.filter(username=username).first() if username else None,
        detail=str(getattr(request, "path", "") or ""),
    )


# --- the admin site's guards -------------------------------------------------------


def _filter_actions(model_admin, request, actions):
    """Django's own filter, except that an action declaring no permissions
    needs the model's change permission (the permission itself: an admin that
    refuses edits on its forms may still offer its users a service action)."""
    opts = model_admin.opts
    may_change = request.user.has_perm(
        f"{opts.app_label}.{get_permission_codename('change', opts)}"
    )
    allowed = []
    for action in actions:
        needs = getattr(action[0], "allowed_permissions", None)
        if needs is None:
            ok = may_change
        else:
            ok = any(
                getattr(model_admin, f"has_{p}_permission")(request) for p in needs
            )
        if ok:
            allowed.append(action)
    return allowed


def _harden(model_admin: admin.ModelAdmin) -> None:
    if getattr(model_admin, "_audit_hardened", False):
        return
    model_admin._filter_actions_by_permissions = functools.partial(
        _filter_actions, model_admin
    )
    model_admin._audit_hardened = True


def _recording_refusals(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            match = getattr(request, "resolver_match", None)
            record_write_refused(
                request, detail=f"admin: {getattr(match, 'view_name', '') or ''}"
            )
            raise

    return wrapped


def install_admin_guards(site: admin.AdminSite) -> None:
    """Wrap every admin view of `site` (ModelAdmins call ``site.admin_view`` for
    each of their views, on every request): refused writes are recorded and
    undeclared actions need the change permission."""
    original = site.admin_view
    if getattr(original, "_audit_guarded", False):
        return

    def admin_view(view, cacheable=False):
        model_admin = getattr(view, "__self__", None)
        if isinstance(model_admin, admin.ModelAdmin):
            _harden(model_admin)
        return _recording_refusals(original(view, cacheable))

    admin_view._audit_guarded = True
    site.admin_view = admin_view
