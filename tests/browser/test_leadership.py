"""Leadership reads the overview in English on a phone."""

import pytest

from tracker.demo import DEMO_PASSWORD, load_demo

from .conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)


def _fits_the_screen(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth + 1"
    )


def test_leadership_opens_the_overview_in_english_at_phone_width(visitors):
    load_demo()
    leader = visitors("sc_leader", viewport=PHONE, is_mobile=True, has_touch=True)
    leader.login("sc_leader", DEMO_PASSWORD)
    page = leader.page
    leader.shot("home-zh")

    # The language switch in the header, as a person would use it.
    page.select_option("#language", "en")
    with page.expect_navigation():
        page.locator("form.lang-form button[type=submit]").last.click()
    page.goto("/overview/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Leadership overview"
    assert _fits_the_screen(page), "the overview scrolls sideways at 375 px"
    leader.shot("overview-en")

    # The figures are there, in English words: totals, streams, parties, lights.
    assert page.locator("#total-tasks").inner_text().strip() == "27"
    assert page.locator("[data-testid=stream-row]").count() == 10
    assert page.locator("[data-testid=party-row]").count() == 2
    overdue = page.locator("#most-overdue [data-testid=overdue-item]")
    assert 1 <= overdue.count() <= 10
    assert "overdue" in page.locator("#most-overdue").inner_text().lower()
    body = page.locator("main").inner_text()
    assert "逾期" not in body and "红灯" not in body and "绿灯" not in body

    # The other pages read at phone width too.
    for path, label in (("/tasks/", "task-list-en"), ("/reports/", "reports-en")):
        page.goto(path)
        assert _fits_the_screen(page), f"{path} scrolls sideways at 375 px"
        leader.shot(label)
