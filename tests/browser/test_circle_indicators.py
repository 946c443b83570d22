"""Leadership reads the circle-wide figures (全域指标) on the overview, on a
desk (1366 px) and on a phone (375 px), as the article writes them."""

import pytest

from tracker.demo import DEMO_PASSWORD, load_demo

from .conftest import ARTIFACTS, PHONE

pytestmark = pytest.mark.django_db(transaction=True)

WIDE = {"width": 1366, "height": 900}


def _fits_the_screen(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth + 1"
    )


@pytest.mark.parametrize(
    ("label", "context"),
    [
        ("desk", {"viewport": WIDE}),
        ("phone", {"viewport": PHONE, "is_mobile": True, "has_touch": True}),
    ],
)
def test_the_overview_shows_the_circle_wide_figures(visitors, label, context):
    load_demo()
    leader = visitors(f"sc_leader-{label}", **context)
    leader.login("sc_leader", DEMO_PASSWORD)
    page = leader.page
    page.goto("/overview/")
    block = page.locator("#circle-indicators")
    assert block.locator("h2").inner_text() == "全域指标"
    figures = block.locator("[data-testid=circle-indicator]")
    assert figures.count() == 5
    text = block.inner_text()
    for printed in ("0.8百分点", "3752家", "22%", "1个", "成都是唯一的中西部城市"):
        assert printed in text, printed
    assert _fits_the_screen(page), f"the overview scrolls sideways at {label} width"
    leader.shot(f"overview-{label}")
    # The block alone, to look at without scrolling through the page.
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    block.screenshot(path=str(ARTIFACTS / f"circle-indicators-{label}.png"))
