"""Issue 4 end to end: a patient self-screens and signs consent in the portal; the clinician sees the
result, overrides a relative finding with a reason, and the audit trail shows it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from tests.e2e.helpers import draw_signature, front_range, patient_with_login, person

from needlepoint.accounts.models import Role
from needlepoint.consent import services as consent


@pytest.fixture
def clinic_with_patient(transactional_db: None) -> dict[str, object]:
    clinic = front_range()
    person(clinic, "alice", Role.CLINICIAN, "Alice", "Chen")
    person(clinic, "ada", Role.CLINIC_ADMIN, "Ada", "Morgan")
    record = patient_with_login(clinic)
    consent.ensure_default_form(clinic)
    return {"record": record}


def answer(page: Page, question: str, choice: str) -> None:
    page.get_by_role("radiogroup", name=question).get_by_label(choice, exact=True).check()


def the_answers_that_matter(page: Page) -> None:
    """Frail, with emphysema, willing: relative findings only."""
    answer(page, "Are you pregnant, or could you be?", "No")
    answer(page, "How do you feel about needles?", "They do not bother me")
    answer(page, "Now that dry needling has been explained to you, would you like to have it?", "Yes")
    answer(page, "Are you frail, or very thin or underweight?", "Yes")
    answer(page, "Have you ever had a lung disease?", "Yes")
    page.get_by_label("Emphysema").check()


def test_self_screen_then_clinician_overrides_with_reason(
    page: Page,
    live_server,
    sign_in,  # type: ignore[no-untyped-def]
    clinic_with_patient,
) -> None:
    sign_in("pat", next_path="/portal/")
    page.get_by_role("link", name="Answer the health questions").click()
    page.get_by_label("How old are you?").fill("40")
    # Follow-ups appear only when they apply.
    trimester = page.get_by_role("radiogroup", name="How far along is your pregnancy?")
    expect(trimester).to_be_hidden()
    the_answers_that_matter(page)
    page.get_by_role("button", name="Send my answers").click()
    # Questions left blank are unknown, not "no": the result asks for them instead of a verdict.
    expect(page.get_by_role("heading", name="We need a few more answers before we can say")).to_be_visible()
    expect(page.locator(".unanswered-list")).to_contain_text("thins the blood")
    # Answer every remaining question "no" and send again.
    page.get_by_role("link", name="Answer the questions again", exact=True).click()
    page.get_by_label("How old are you?").fill("40")
    the_answers_that_matter(page)
    answer(page, "Do you feel you understand what the treatment involves, well enough to decide for yourself?", "Yes")
    for group in page.get_by_role("radiogroup").all():
        if not group.locator("input:checked").count() and group.is_visible():
            no = group.get_by_label("No", exact=True)
            (no if no.count() else group.locator("input").first).check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Dry needling may be possible, with some care")).to_be_visible()

    page.goto(f"{live_server.url}/portal/consent/")
    page.get_by_label("Your full name").fill("Pat Kowalski")
    page.get_by_label("I have read this form").check()
    draw_signature(page)
    page.get_by_role("button", name="Sign version 1.0").click()
    expect(page.get_by_text("Consent current")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    sign_in("alice", next_path=f"/patients/{clinic_with_patient['record'].pk}/")
    expect(page.get_by_test_id("readiness")).to_contain_text("Ready for dry needling")
    page.get_by_role("link", name="Open screening").click()
    expect(page.get_by_test_id("screening-status")).to_contain_text("Precautions")
    frailty = page.locator("#finding-frailty")
    frailty.get_by_text("Override with a reason").click()
    frailty.get_by_label("Why is it safe to go ahead?").fill("Examined today: BMI 21, fit for superficial needling.")
    frailty.get_by_role("button", name="Record override").click()
    expect(page.locator("#finding-frailty")).to_contain_text("Overridden by Alice Chen")

    page.get_by_role("button", name="Sign out").click()
    sign_in("ada", next_path="/clinic/audit/")
    row = page.get_by_role("row").filter(has_text="Alice Chen").filter(has_text="Override of frailty")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("created")
