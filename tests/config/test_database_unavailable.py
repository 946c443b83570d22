"""With the database out of reach (restarting, or the network to it down),
the web answers at once with 503 and Retry-After: problem+json under /api/,
the site's error page elsewhere. Gunicorn here is pointed at a port where no
server listens; `make drills` (postgres-restart) checks the same across a
real restart under load."""

import requests

from tests.processes import WebServer, free_port

PROBLEM = "application/problem+json"


def test_without_a_database_the_web_answers_503_at_once():
    web = WebServer(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{free_port()}/nowhere"
    ).start()
    try:
        api = requests.get(
            f"{web.url}/api/v1/tasks/",
            headers={
                "Authorization": "Token 0123456789abcdef",
                "Accept-Language": "zh-hans",
            },
            timeout=30,
        )
        # A signed-in user's page: the session is read from the database.
        page = requests.get(f"{web.url}/", cookies={"sessionid": "x" * 32}, timeout=30)
    finally:
        web.stop()
    assert api.status_code == 503, api.text[:500]
    assert api.headers["Content-Type"] == PROBLEM
    assert api.headers["Retry-After"] == "5"
    body = api.json()
    assert (body["status"], body["code"]) == (503, "database_unavailable")
    assert body["title"] == "服务暂时不可用"
    assert "数据库暂时无法访问" in body["detail"]
    assert page.status_code == 503
    assert page.headers["Retry-After"] == "5"
    assert "text/html" in page.headers["Content-Type"]
