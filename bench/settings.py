"""Settings of the gunicorn the bench starts: the test settings (DEBUG off,
quiet logs, the database and broker from the environment) with the bench's
baselines in the URLconf."""

from config.settings.test import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
