from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from needlepoint.accounts.models import Clinic, Role, User
from needlepoint.patients.models import Patient


@pytest.fixture
def front_range(transactional_db: None) -> dict[str, object]:
    clinic = Clinic.objects.create(name="Front Range Physical Therapy", slug="front-range", time_zone="America/Denver")
    other = Clinic.objects.create(name="Yarra Myotherapy", slug="yarra")
    User.objects.create_user(
        "alice",
        password="correct-horse-battery",
        clinic=clinic,
        role=Role.CLINICIAN,
        first_name="Alice",
        last_name="Chen",
    )
    olive = Patient.objects.create(
        clinic=clinic,
        chart_number="NP-000001",
        given_name="Olive",
        family_name="Brennan",
        date_of_birth=dt.date(1971, 9, 3),
        sex="female",
        height_cm=170,
        weight_kg=68,
    )
    Patient.objects.create(
        clinic=other,
        chart_number="NP-000001",
        given_name="Bruno",
        family_name="Rossi",
        date_of_birth=dt.date(1990, 1, 20),
        sex="male",
    )
    return {"olive": olive}


def test_clinician_logs_in_searches_and_opens_a_patient(page: Page, live_server, front_range) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/login/?next=/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Today: your patients")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Patients").click()
    expect(page.get_by_role("link", name="Brennan, Olive")).to_be_visible()
    expect(page.get_by_text("Rossi")).to_have_count(0)  # another clinic's patient never shows

    page.get_by_label("Search patients").fill("bren")  # htmx live search
    expect(page.get_by_role("status")).to_contain_text("1 patient matching")
    page.get_by_role("link", name="Brennan, Olive").click()
    expect(page.get_by_role("heading", name="Olive Brennan")).to_be_visible()
    expect(page.get_by_text("23.5")).to_be_visible()  # BMI: 68 / 1.70^2


def test_layout_works_on_a_tablet(page: Page, live_server, sign_in, front_range) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 768, "height": 1024})
    sign_in("alice")
    page.goto(f"{live_server.url}/patients/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 768  # nothing overflows sideways
