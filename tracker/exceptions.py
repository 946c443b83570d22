from config.exceptions import (  # noqa: F401  (re-exported for the tracker's callers)
    Conflict,
    DomainError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    PreconditionRequired,
    TransitionNotAllowed,
)
