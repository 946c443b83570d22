"""/healthz says the process is alive without asking anything else; /readyz
asks the database, the broker, the storage and the migrations, and says 503
with the failing check named when one fails."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.processes import free_port

pytestmark = pytest.mark.django_db


def test_healthz_asks_nothing_of_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_lists_every_check(client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "broker", "storage", "migrations"}
    assert all(check["ok"] for check in body["checks"].values())
    assert "no-cache" in response["Cache-Control"]


def test_readyz_is_503_when_the_broker_is_unreachable(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"]["ok"] is False
    assert "Connection" in body["checks"]["broker"]["detail"]
    assert body["checks"]["database"]["ok"] is True


def test_readyz_is_503_while_a_migration_is_unapplied(client):
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations WHERE id = ("
            " SELECT max(id) FROM django_migrations WHERE app = 'reports')"
            " RETURNING name"
        )
        (name,) = cursor.fetchone()
    response = client.get("/readyz")
    assert response.status_code == 503
    check = response.json()["checks"]["migrations"]
    assert check["ok"] is False
    assert f"reports.{name}" in check["detail"]


def test_readyz_is_503_when_the_storage_is_not_there(client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "not" / "mounted")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"]["ok"] is False


def test_readyz_and_healthz_need_no_sign_in_and_no_language_prefix(client):
    for url in ("/healthz", "/readyz"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code in (200, 503)
        assert response["Content-Type"] == "application/json"


def test_production_answers_probes_and_scrapes_over_plain_http():
    """Probes and Prometheus come from the inside network, not through the
    TLS proxy: no redirect to https:// for them, for everything else yes."""
    from tests.config.test_settings import run_production

    script = (
        "from django.test import Client; "
        "c = Client(HTTP_HOST='tracker.example.gov.cn'); "
        "print([c.get(p).status_code for p in "
        "('/healthz', '/metrics', '/accounts/login/')])"
    )
    result = run_production(["shell", "-c", script])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[200, 200, 301]"


def test_readyz_asks_any_other_storage_for_a_listing(client, settings):
    """Not the disk (S3 and the like): the check lists the storage's root,
    through the storage API, whatever the backend."""
    from django.core.files.storage import InMemoryStorage, default_storage

    class Unreachable(InMemoryStorage):
        def listdir(self, path):
            raise ConnectionError("the bucket does not answer")

    default_storage._wrapped = Unreachable()
    try:
        check = client.get("/readyz").json()["checks"]["storage"]
        assert check["ok"] is False
        assert "the bucket does not answer" in check["detail"]
        default_storage._wrapped = InMemoryStorage()
        assert client.get("/readyz").json()["checks"]["storage"]["ok"] is True
    finally:
        from django.utils.functional import empty

        default_storage._wrapped = empty
