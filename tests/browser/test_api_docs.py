"""The API docs (Swagger UI) in a real browser: everything from our own origin,
under the site's Content-Security-Policy, with no console or CSP error."""

from urllib.parse import urlsplit

import pytest

from accounts.services import membership_grant, user_create

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_api_docs_load_from_the_project_under_the_csp(
    visitors, initiative, live_server
):
    from tests.browser.conftest import PASSWORD

    coordinator = user_create(username="cq_coord", password=PASSWORD, full_name="王芳")
    membership_grant(
        user=coordinator, party=initiative.parties.get(code="cq"), role="coordinator"
    )
    visitor = visitors("cq_coord")
    visitor.login("cq_coord")
    page = visitor.page
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )

    response = page.goto("/api/docs/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy

    # Swagger UI ran: it fetched the schema and drew the operations.
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() > 10
    assert "成渝地区双城经济圈合作事项清单 API" in page.locator(".title").inner_text()
    visitor.shot("api-docs")

    ours = urlsplit(live_server.url).netloc
    strangers = [u for u in requested if urlsplit(u).netloc not in ("", ours)]
    assert strangers == []
    assert any("/static/drf_spectacular_sidecar/" in u for u in requested)
    assert any("/api/schema/" in u for u in requested)
    assert refused == []
