"""A developer's machine: `make run`."""

from .base import *  # noqa: F403

if not DATABASES:  # noqa: F405
    DATABASES = {"default": database_settings("")}  # noqa: F405
from .base import env

DEBUG = env.bool("DEBUG", default=True)
# On a developer's machine the anchor file lives beside the embedded database.
AUDIT_ANCHOR_PATH = env(
    "AUDIT_ANCHOR_PATH",
    default=str(VAR_DIR / "audit-anchors.log"),  # noqa: F405
)
REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] = [  # noqa: F405
    "rest_framework.renderers.JSONRenderer",
    "rest_framework.renderers.BrowsableAPIRenderer",
]
