"""`make test`: the same real PostgreSQL and broker as local, made fast and quiet."""

import os

from .base import *  # noqa: F403

if not DATABASES:  # noqa: F405
    DATABASES = {"default": database_settings("")}  # noqa: F405

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests never mail anyone, whatever EMAIL_URL says (a worker started by a test
# may be pointed at a local server: tests/notifications/worker_settings.py).
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (whitenoise looks)
# Quiet unless a test asks for more (the JSON log test reads INFO lines).
LOGGING["root"]["level"] = env("LOG_LEVEL", default="WARNING")  # noqa: F405
# Tests make many requests per second from one user and one address; they must
# never be throttled unless a test asks for it.
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {  # noqa: F405
    "user": "1000000/second",
    "anon": "1000000/second",
}
# Reports requested by tests go to a queue no service worker reads; the test
# session empties it when it ends (tests/conftest.py).
REPORTS_QUEUE = env("REPORTS_QUEUE", default="tracker-tests")  # noqa: F405

# `make test` runs the suite in several processes (pytest-xdist). Each has its
# own database (pytest-django names it test_<name>_gw<n>); what the processes
# would otherwise share on the broker, the cache and the disk gets the
# process's name too, so no test sees another's queue, counters or files.
# The variable is taken out of the environment here: the worker and manage.py
# processes that tests start are told their queue and media directory
# explicitly and must not add the suffix a second time.
TEST_PROCESS = os.environ.pop("PYTEST_XDIST_WORKER", "")
os.environ.pop("PYTEST_XDIST_WORKER_COUNT", None)
if TEST_PROCESS:
    REPORTS_QUEUE = f"{REPORTS_QUEUE}-{TEST_PROCESS}"
    if CACHES["default"].get("KEY_PREFIX"):  # noqa: F405
        CACHES["default"]["KEY_PREFIX"] += f"-{TEST_PROCESS}"  # noqa: F405
    MEDIA_ROOT = str(Path(str(MEDIA_ROOT)) / "tests" / TEST_PROCESS)  # noqa: F405
