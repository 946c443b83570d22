"""A developer's machine: `make run`."""

from .base import *  # noqa: F403

if not DATABASES:  # noqa: F405
    DATABASES = {"default": database_settings("")}  # noqa: F405
from .base import env

DEBUG = env.bool("DEBUG", default=True)
REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] = [  # noqa: F405
    "rest_framework.renderers.JSONRenderer",
    "rest_framework.renderers.BrowsableAPIRenderer",
]
