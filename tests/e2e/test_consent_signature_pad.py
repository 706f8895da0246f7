"""Signing consent in a real browser: the canvas signature pad, and its error when nothing is drawn."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from tests.e2e.helpers import draw_signature, front_range, patient_with_login

from needlepoint.consent import services
from needlepoint.consent.models import ConsentRecord
from needlepoint.patients.models import Patient


@pytest.fixture
def pat(transactional_db: None) -> Patient:
    clinic = front_range()
    services.ensure_default_form(clinic)
    return patient_with_login(clinic)


def test_patient_draws_a_signature_and_signs(page: Page, live_server, sign_in, pat) -> None:  # type: ignore[no-untyped-def]
    sign_in("pat", next_path="/portal/consent/")
    expect(page.get_by_role("heading", name="Consent to trigger-point dry needling")).to_be_visible()
    page.get_by_label("Your full name").fill("Pat Kowalski")
    page.get_by_label("I have read this form").check()

    page.get_by_role("button", name="Sign version 1.0").click()  # nothing drawn yet: stopped in the browser
    expect(page.get_by_role("alert")).to_contain_text("Draw your signature in the box")
    assert not ConsentRecord.objects.exists()

    draw_signature(page)
    expect(page.get_by_text("Signature drawn.")).to_be_visible()
    page.get_by_role("button", name="Sign version 1.0").click()
    expect(page.get_by_text("Consent current")).to_be_visible()
    record = ConsentRecord.objects.get()
    assert bytes(record.signature_png).startswith(b"\x89PNG")
    assert bytes(record.pdf).startswith(b"%PDF")


def test_clear_empties_the_pad(page: Page, live_server, sign_in, pat) -> None:  # type: ignore[no-untyped-def]
    sign_in("pat", next_path="/portal/consent/")
    draw_signature(page)
    assert page.locator("input[name=signature]").input_value().startswith("data:image/png;base64,")
    page.get_by_role("button", name="Clear").click()
    assert page.locator("input[name=signature]").input_value() == ""
    expect(page.get_by_text("Nothing drawn yet.")).to_be_visible()
