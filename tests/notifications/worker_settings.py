"""The test settings, with mail going to the SMTP server named by
TESTS_SMTP_URL (a local one a test started): for a worker process, whose mail
a locmem outbox in another process cannot show."""

from config.settings.base import env
from config.settings.test import *  # noqa: F403

globals().update(
    {
        key: value
        for key, value in env.email_url("TESTS_SMTP_URL").items()
        if key.startswith("EMAIL_")
    }
)
