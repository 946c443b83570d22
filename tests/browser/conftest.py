"""Browser tests: Playwright driving Debian's Chromium against a live server.

The browser is the machine's /usr/bin/chromium (the Debian package `chromium`,
installed by `make test`'s set-up); Playwright's own browser download is never
used. A missing browser fails the tests with a clear message, never skips them.
Screenshots of every page the tests visit are saved under
test-artifacts/screenshots/ (BROWSER_ARTIFACTS overrides)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(
    os.environ.get(
        "BROWSER_ARTIFACTS",
        Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots",
    )
)
PASSWORD = "browser-Test-2026"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def browser():
    """One browser per test module. Playwright's sync API runs an event loop in
    the test's thread while the browser lives; Django refuses database access
    from a thread with a running loop unless told it is safe, which it is here
    (the loop only drives the browser). The permission lasts exactly as long as
    the loop, so no other test, nor a subprocess it starts, inherits it."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield from _browser()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.fail(
            f"Chromium is not at {CHROMIUM}: install the Debian package chromium "
            "(make test does, through scripts/debian-packages.sh) or set CHROMIUM."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


class Visitor:
    """One person in one browser context (own cookies), with screenshots."""

    def __init__(self, browser, base_url: str, name: str, test_name: str, **context):
        self.context = browser.new_context(
            base_url=base_url, locale="zh-CN", **({"viewport": DESKTOP} | context)
        )
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.name = name
        self.test_name = re.sub(r"[^\w.-]+", "_", test_name)
        self.shots = 0
        self.console_errors: list[str] = []
        self.page.on("console", self._console)

    def _console(self, message) -> None:
        # A refused or conflicting form answers 400, 403 or 409 on purpose, and
        # the browser logs the page's status; anything else is a real error.
        expected = re.search(r"status of (400|403|409) ", message.text)
        if message.type == "error" and not expected:
            self.console_errors.append(message.text)

    def login(self, username: str, password: str = PASSWORD) -> None:
        page = self.page
        page.goto("/accounts/login/")
        form = page.locator("#login-form")
        form.locator("input[name=username]").fill(username)
        form.locator("input[name=password]").fill(password)
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert "/accounts/login/" not in page.url, f"{username} could not log in"

    def shot(self, label: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.shots += 1
        path = ARTIFACTS / f"{self.test_name}-{self.shots:02d}-{self.name}-{label}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def csrf_token(self) -> str:
        cookies = {c["name"]: c["value"] for c in self.context.cookies()}
        return cookies["csrftoken"]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visitors(browser, live_server, request):
    """visitors("cq_coord") opens a new browser context for that person."""
    opened: list[Visitor] = []

    def open_visitor(name: str, **context) -> Visitor:
        visitor = Visitor(browser, live_server.url, name, request.node.name, **context)
        opened.append(visitor)
        return visitor

    yield open_visitor
    for visitor in opened:
        visitor.close()
    # A page that broke its own script (CSP refusals included) fails the test.
    errors = [f"{v.name}: {e}" for v in opened for e in v.console_errors]
    assert not errors, "browser console errors:\n" + "\n".join(errors)
