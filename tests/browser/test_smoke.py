"""The browser harness itself: a login, a page under the strict CSP, no errors."""

import pytest

from accounts.services import membership_grant, user_create

pytestmark = pytest.mark.django_db(transaction=True)


def test_leadership_logs_in_and_opens_the_report_library(visitors, initiative):
    from tests.browser.conftest import PASSWORD

    leader = user_create(username="sc_leader", password=PASSWORD, full_name="李明")
    membership_grant(
        user=leader, party=initiative.parties.get(code="sc"), role="leadership"
    )
    visitor = visitors("sc_leader")
    visitor.login("sc_leader")
    visitor.page.goto("/reports/")
    assert visitor.page.locator("h1").first.inner_text()
    visitor.shot("report-library")
