from django.core.exceptions import ValidationError


class TrackerError(Exception):
    """Base of every domain error; the API maps subclasses to problem+json."""

    code = "tracker_error"


class InvalidInput(TrackerError, ValidationError):
    """Input that breaks a rule of the task list; carries field messages."""

    code = "invalid"
