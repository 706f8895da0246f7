from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from tests.e2e.helpers import front_range, person

from needlepoint.accounts.models import Role, User


@pytest.fixture
def clinician(transactional_db: None) -> User:
    return person(front_range(), "alice", Role.CLINICIAN, "Alice", "Chen")


def test_draw_pain_rank_muscles_open_one_and_see_its_zones(page: Page, sign_in, clinician) -> None:  # type: ignore[no-untyped-def]
    sign_in("alice", next_path="/atlas/finder/")
    expect(page.get_by_role("heading", name="Pain-pattern finder")).to_be_visible()

    # Tennis-elbow pattern on the patient's right: one region by mouse, one by keyboard.
    page.locator("#painmap-front").get_by_role("button", name="outer elbow (lateral epicondyle), right").click()
    thumb_web = page.locator("#painmap-back").get_by_role("button", name="web between thumb and index finger, right")
    thumb_web.focus()
    page.keyboard.press("Enter")
    expect(thumb_web).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_text("2 regions selected")).to_be_visible()

    ranked = page.get_by_test_id("suggestions").locator("li > .head a")
    # The textbook muscles for this pattern lead once both regions are ranked (auto-waits for htmx).
    expect(ranked.nth(0)).to_have_text(re.compile(r"^(Supinator|Brachioradialis), right$"))
    expect(ranked.nth(1)).to_have_text(re.compile(r"^(Supinator|Brachioradialis), right$"))

    page.get_by_role("link", name="Supinator, right").click()
    expect(page.get_by_role("heading", name="Supinator", exact=True)).to_be_visible()
    chart = page.get_by_test_id("referral-chart")
    painted = chart.locator('[data-region="elbow.lateral"][data-side="right"][data-mark="primary"]')
    expect(painted.first).to_be_visible()
    assert chart.locator('[data-mark="primary"][data-side="left"]').count() == 0  # the right side only

    # Unselecting a region re-ranks
    page.go_back()
    page.locator("#painmap-front").get_by_role("button", name="outer elbow (lateral epicondyle), right").click()
    expect(page.get_by_text("1 region selected")).to_be_visible()
