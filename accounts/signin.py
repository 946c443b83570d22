"""Sign-in: the forms of the login page and the admin's, and the username
django-axes records for a failed attempt.

Django's AuthenticationForm sets the username field's ``max_length`` after the
field exists, which changes the HTML attribute but adds no validator; a longer
name went on to ``authenticate()`` and then into axes' table, whose column
holds 255 characters (a 500). The forms here refuse it as a field error, and
axes is never handed more than its column holds, whatever path it comes by.
"""

from __future__ import annotations

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class _UsernameLengthMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class LoginForm(_UsernameLengthMixin, AuthenticationForm):
    pass


class AdminLoginForm(_UsernameLengthMixin, AdminAuthenticationForm):
    pass


def axes_username(request, credentials=None) -> str | None:
    """What axes does by default (AXES_USERNAME_CALLABLE), cut to its column."""
    from axes.conf import settings as axes_settings
    from axes.models import AccessAttempt

    field = axes_settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "data", request.POST).get(field)
    if not isinstance(username, str):
        return username
    return username[: AccessAttempt._meta.get_field("username").max_length]
