import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_sends_visitors_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    body = client.get("/", follow=True).content.decode()
    assert 'lang="zh-Hans"' in body
    assert 'name="password"' in body


def test_home_shows_the_initiative_to_members(client, superuser, task):
    client.force_login(superuser)
    body = client.get("/").content.decode()
    assert task.initiative.name in body


def test_home_in_english(client):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en", follow=True).content.decode()
    assert 'lang="en"' in body
    assert "Log in" in body


def test_login_page(client, superuser):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(
        reverse("login"), {"username": "root", "password": "pw-for-tests-1"}
    )
    assert response.status_code == 302


def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_admin_login_page(client):
    assert client.get("/admin/login/").status_code == 200


def test_api_schema_and_docs(client, superuser):
    client.force_login(superuser)
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200
