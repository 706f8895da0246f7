"""Browser-test helpers."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page

from needlepoint.accounts.models import Clinic, Role, User
from needlepoint.patients.models import Patient


def draw_signature(page: Page) -> None:
    canvas = page.locator("canvas[data-signature-canvas]")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + 0.08 * w, y + 0.7 * h)
    page.mouse.down()
    for px, py in ((0.2, 0.3), (0.3, 0.65), (0.45, 0.3), (0.6, 0.6), (0.8, 0.4)):
        page.mouse.move(x + px * w, y + py * h, steps=6)
    page.mouse.up()


PASSWORD = "correct-horse-battery"


def front_range() -> Clinic:
    return Clinic.objects.create(name="Front Range Physical Therapy", slug="front-range", time_zone="America/Denver")


def person(clinic: Clinic, username: str, role: str, first: str, last: str) -> User:
    return User.objects.create_user(
        username, password=PASSWORD, clinic=clinic, role=role, first_name=first, last_name=last
    )


def patient_with_login(clinic: Clinic, first: str = "Pat", last: str = "Kowalski") -> Patient:
    login = person(clinic, first.lower(), Role.PATIENT, first, last)
    return Patient.objects.create(
        clinic=clinic,
        chart_number="NP-000001",
        given_name=first,
        family_name=last,
        date_of_birth=dt.date(1986, 4, 12),
        sex="female",
        user=login,
    )
