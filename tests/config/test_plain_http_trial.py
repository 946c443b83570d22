"""README, Production: what to set for a first try over plain HTTP. The
settings it names exist and do what it says."""

import json

import pytest

from tests.config.test_settings import run_production

SHOW = (
    "import json; from django.conf import settings as s; print(json.dumps(["
    "s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
    " s.TRUSTED_PROXIES]))"
)


def _settings(**env):
    result = run_production(["shell", "-c", SHOW], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_defaults_assume_https_and_trust_no_proxy():
    assert _settings(SECURE_SSL_REDIRECT=None, SECURE_COOKIES=None) == [
        True,
        True,
        True,
        [],
    ]


@pytest.mark.parametrize("value", ["false", "0"])
def test_a_plain_http_trial_can_turn_off_the_redirect_and_secure_cookies(value):
    assert _settings(SECURE_SSL_REDIRECT=value, SECURE_COOKIES=value) == [
        False,
        False,
        False,
        [],
    ]


def test_the_proxy_is_named_in_trusted_proxies():
    trusted = _settings(TRUSTED_PROXIES="10.0.0.5,172.18.0.0/16")[3]
    assert trusted == ["10.0.0.5", "172.18.0.0/16"]
