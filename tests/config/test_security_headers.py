"""Every page carries a Content-Security-Policy that allows no inline script."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
        for part in (p.strip() for p in header.split(";"))
        if part
    }


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/accounts/login/", 302),
        ("/reports/", 200),
        ("/healthz", 200),
        ("/readyz", 200),
        ("/metrics", 200),
    ],
)
def test_pages_allow_only_their_own_scripts(path, status, sc_coord):
    client = Client()
    client.force_login(sc_coord)
    response = client.get(path)
    # A signed-in user is sent on from the sign-in page; the rest are pages.
    assert response.status_code == status
    policy = _policy(response)
    assert policy["script-src"] == "'self'"
    assert "unsafe-inline" not in policy["style-src"]
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_admin_may_use_inline_styles_but_never_inline_scripts(superuser):
    client = Client()
    client.force_login(superuser)
    policy = _policy(client.get("/admin/"))
    assert policy["script-src"] == "'self'"
    assert "'unsafe-inline'" in policy["style-src"]


def test_the_api_docs_are_under_the_same_policy():
    """Swagger UI from our static files, its start-up script a script of its
    own, which other origins may not include (it carries the CSRF token)."""
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["script-src"] == "'self'"
    assert "unsafe-inline" not in policy["style-src"]
    page = response.content.decode()
    assert "<style" not in page and "cdn." not in page
    assert (
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    )
    script = Client().get("/api/docs/", {"script": ""})
    assert script["Content-Type"] == "application/javascript"
    assert script["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "no-store" in script["Cache-Control"]


POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
ADMIN_POLICY = POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


@pytest.mark.parametrize(
    ("path", "policy"),
    [
        ("/accounts/login/", POLICY),
        ("/no-such-page/", POLICY),
        ("/api/v1/tasks/", POLICY),
        ("/api/docs/", POLICY),
        ("/api/docs/?script", POLICY),
        ("/admin/login/", ADMIN_POLICY),
    ],
)
def test_the_security_headers_are_the_agreed_ones_byte_for_byte(path, policy):
    """Whoever writes them (our middleware, Django's, a library's), the bytes
    stay these: a proxy, a scanner or a reviewer comparing them sees no drift."""
    response = Client().get(path)
    assert response["Content-Security-Policy"] == policy
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Permissions-Policy"] == (
        "camera=(), microphone=(), geolocation=()"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
