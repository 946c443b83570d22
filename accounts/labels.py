"""Permissions named in the reader's language, for the admin's pickers and
read-only pages."""

from django.apps import apps
from django.utils.translation import gettext, pgettext_lazy

ACTIONS = {
    "add": pgettext_lazy("permission", "add"),
    "change": pgettext_lazy("permission", "change"),
    "delete": pgettext_lazy("permission", "delete"),
    "view": pgettext_lazy("permission", "view"),
}


def _model_name(model) -> str:
    if model._meta.auto_created:
        # A many-to-many link table, which Django names "group-permission
        # relationship" in English only.
        ends = [f.related_model._meta.verbose_name for f in model._meta.fields[1:]]
        return gettext("link between %(a)s and %(b)s") % {"a": ends[0], "b": ends[1]}
    return gettext(str(model._meta.verbose_name))


def permission_label(permission) -> str:
    """A permission as the reader's language names it ("合作事项清单 | 合作事项 |
    修改"): Django stores the English "Can change task" as the row's name when
    the table is made, and shows that whatever the language."""
    content_type = permission.content_type
    model = content_type.model_class()
    app = apps.get_app_config(content_type.app_label).verbose_name
    if model is None:
        return f"{gettext(str(app))} | {content_type.model} | {permission.name}"
    tracked = getattr(model, "pgh_tracked_model", None)
    if tracked is not None:
        name = gettext("history of %(model)s") % {"model": _model_name(tracked)}
    else:
        name = _model_name(model)
    action, _sep, rest = permission.codename.partition("_")
    if action in ACTIONS and rest == model._meta.model_name:
        what = str(ACTIONS[action])
    else:
        what = gettext(permission.name)
    return f"{gettext(str(app))} | {name} | {what}"
