"""The one base class of domain errors, shared by every app.

The API's exception handler maps each subclass to an RFC 9457 problem with a
stable `code` and the HTTP status below; web views show `message`."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "domain_error"
    status = 400
    default_message = _("The request breaks a rule of the task list.")

    def __init__(self, message=None, *, field_errors: dict | None = None):
        self.message = message or self.default_message
        self.field_errors = field_errors or {}
        super().__init__(str(self.message))


class InvalidInput(DomainError):
    code = "invalid"
    status = 400
    default_message = _("Some of the input is not valid.")


class NotFound(DomainError, Http404):
    """Also what a caller gets for what it may not see. An Http404 too, so a web
    page that lets it through answers with the site's 404 page, as the API
    answers with its problem."""

    code = "not_found"
    status = 404
    default_message = _("Not found.")


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403
    default_message = _("You may see this but not change it.")


class TransitionNotAllowed(DomainError):
    code = "transition_not_allowed"
    status = 409
    default_message = _("This action is not allowed in the task's current state.")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = _("This conflicts with the current state.")


class PreconditionRequired(DomainError):
    code = "precondition_required"
    status = 428
    default_message = _("Send If-Match with the ETag you last read.")


class PreconditionFailed(DomainError):
    code = "precondition_failed"
    status = 412
    default_message = _("Someone else changed this since you read it; reload it.")
