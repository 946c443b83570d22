"""Production: everything that matters must come from the environment."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env


def _required(name: str) -> str:
    value = env(name, default="")
    if not value:
        raise ImproperlyConfigured(
            f"{name} must be set in the environment for production settings."
        )
    return value


SECRET_KEY = _required("SECRET_KEY")
if (
    len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
    or SECRET_KEY.startswith("dev-only")
):
    raise ImproperlyConfigured("SECRET_KEY must be a random value of 50+ characters.")
ALLOWED_HOSTS = [h for h in _required("ALLOWED_HOSTS").split(",") if h.strip()]
_required("DATABASE_URL")  # base built DATABASES from it

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Probes and Prometheus ask the service directly on the inside network, not
# through the TLS proxy: a redirect to https:// would fail every check.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Cookies marked Secure travel only over HTTPS (browsers make an exception for
# http://localhost). SECURE_COOKIES=false is for a first try over plain HTTP
# without a TLS proxy, never for real use (README, Production).
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
if not EMAIL_URL:  # noqa: F405
    EMAIL_BACKEND = env(
        "EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend"
    )
