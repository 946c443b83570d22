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


@pytest.mark.django_db
def test_password_change_in_the_sites_own_page(sc_coord):
    from django.test import Client

    sc_coord.set_password("old-Passw0rd-x")
    sc_coord.save()
    client = Client()
    client.force_login(sc_coord)
    page = client.get("/accounts/password/")
    assert page.status_code == 200
    assert 'id="password-change-form"' in page.content.decode()
    wrong = client.post(
        "/accounts/password/",
        {
            "old_password": "not-it",
            "new_password1": "New-Passw0rd-2026",
            "new_password2": "New-Passw0rd-2026",
        },
    )
    assert wrong.status_code == 200 and 'role="alert"' in wrong.content.decode()
    done = client.post(
        "/accounts/password/",
        {
            "old_password": "old-Passw0rd-x",
            "new_password1": "New-Passw0rd-2026",
            "new_password2": "New-Passw0rd-2026",
        },
    )
    assert done.status_code == 302 and done["Location"] == "/accounts/password/done/"
    sc_coord.refresh_from_db()
    assert sc_coord.check_password("New-Passw0rd-2026")


@pytest.mark.django_db
def test_error_pages_are_the_sites_own_in_chinese(sc_coord, settings):
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.force_login(sc_coord)
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    body = missing.content.decode()
    assert "<h1>页面不存在</h1>" in body and 'id="language"' in body
