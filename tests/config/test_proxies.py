"""Forwarding headers count only from TRUSTED_PROXIES: the HTTPS a client
claims, and the address django-axes locks by and the security events record.
Responses to a signed-in user are never cached."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from rest_framework.authtoken.models import Token

from audit.models import SecurityEvent
from config.proxies import client_ip
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"
STRANGER = "203.0.113.9"
BEHIND_PROXY = "198.51.100.7"


@pytest.fixture
def production_https(settings):
    settings.TRUSTED_PROXIES = [PROXY, "fd00::/8"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True


def test_a_client_that_claims_https_is_still_redirected(production_https):
    response = Client().get(
        "/accounts/login/", REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_PROTO="https"
    )
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


@pytest.mark.parametrize("proxy", [PROXY, "fd00::1"])
def test_the_trusted_proxys_https_is_believed(production_https, proxy):
    response = Client().get(
        "/accounts/login/", REMOTE_ADDR=proxy, HTTP_X_FORWARDED_PROTO="https"
    )
    assert response.status_code == 200


def test_no_proxy_is_trusted_unless_configured(production_https, settings):
    settings.TRUSTED_PROXIES = []
    response = Client().get(
        "/accounts/login/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https"
    )
    assert response.status_code == 301


# --- the client's address ----------------------------------------------------------


class _Request:
    def __init__(self, remote, forwarded=None):
        self.META = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            self.META["HTTP_X_FORWARDED_FOR"] = forwarded


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        (STRANGER, BEHIND_PROXY, STRANGER),  # not a proxy of ours: ignored
        (PROXY, BEHIND_PROXY, BEHIND_PROXY),
        (PROXY, f"1.2.3.4, {BEHIND_PROXY}", BEHIND_PROXY),  # left part invented
        (PROXY, f"{BEHIND_PROXY}, 10.0.0.6", BEHIND_PROXY),  # two proxies of ours
        (PROXY, "garbage", PROXY),
        (PROXY, None, PROXY),
        ("fd00::1", "2001:db8::7", "2001:db8::7"),
    ],
)
def test_client_ip(settings, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = [PROXY, "10.0.0.6", "fd00::/8"]
    assert client_ip(_Request(remote, forwarded)) == expected


def _fail_login(client, username, **extra):
    return client.post(
        "/accounts/login/", {"username": username, "password": "wrong-pass-1"}, **extra
    )


def test_axes_and_the_audit_record_the_client_behind_the_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    UserFactory(username="cq_coord")
    _fail_login(
        Client(), "cq_coord", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=BEHIND_PROXY
    )
    assert AccessAttempt.objects.get().ip_address == BEHIND_PROXY
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOGIN_FAILED)
    assert event.ip == BEHIND_PROXY


def test_a_stranger_cannot_choose_the_address_it_is_locked_by(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    UserFactory(username="cq_coord")
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT + 2):
        response = _fail_login(
            client, "cq_coord", REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_FOR=f"1.1.1.{n}"
        )
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {STRANGER}
    assert set(SecurityEvent.objects.values_list("ip", flat=True)) == {STRANGER}


def test_colleagues_behind_one_proxy_do_not_lock_each_other_out(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    UserFactory(username="cq_coord")
    attacker = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        response = _fail_login(
            attacker, "cq_coord", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=STRANGER
        )
    assert response.status_code == 429
    response = Client().post(
        "/accounts/login/",
        {"username": "cq_coord", "password": "pw-for-tests-1"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=BEHIND_PROXY,
    )
    assert response.status_code == 302


def test_a_misspelt_trusted_proxy_stops_the_start(settings):
    from django.core.management.base import SystemCheckError

    settings.TRUSTED_PROXIES = ["10.0.0.300"]
    with pytest.raises(SystemCheckError, match="TRUSTED_PROXIES"):
        call_command("check")


# --- caching ---------------------------------------------------------------------------


def _directives(response) -> set[str]:
    return {d.strip() for d in response.get("Cache-Control", "").split(",") if d}


@pytest.mark.parametrize("path", ["/", "/tasks/", "/reports/", "/api/v1/tasks/"])
def test_signed_in_pages_and_api_are_private_and_not_stored(sc_coord, path):
    client = Client()
    client.force_login(sc_coord)
    response = client.get(path)
    assert response.status_code == 200
    assert {"private", "no-store"} <= _directives(response)
    assert "public" not in _directives(response)


def test_token_authenticated_api_answers_are_private_and_not_stored(sc_coord):
    token = Token.objects.create(user=sc_coord)
    response = Client().get("/api/v1/tasks/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert {"private", "no-store"} <= _directives(response)


def test_anonymous_answers_are_not_marked_private(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert "private" not in _directives(response)
