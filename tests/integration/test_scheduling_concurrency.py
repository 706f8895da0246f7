"""Two people booking the same clinician for the same time at the same moment: one wins, the
other is told the time is taken. The clinician's row is locked for the clash check (PostgreSQL);
SQLite's IMMEDIATE transactions queue the second writer behind the first."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from needlepoint.accounts.models import Clinic, Role, Site, User
from needlepoint.errors import InvalidInput
from needlepoint.patients.models import Patient
from needlepoint.scheduling import rules, services
from needlepoint.scheduling.models import Appointment
from needlepoint.scheduling.services import booking as booking_service


def _person(username: str, clinic: Clinic, role: str) -> User:
    return User.objects.create_user(
        username=username, password="correct-horse-battery", clinic=clinic, role=role, first_name=username.title()
    )


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_bookings_of_one_slot_cannot_both_succeed(monkeypatch: pytest.MonkeyPatch) -> None:
    clinic = Clinic.objects.create(name="Race Clinic", slug="race", time_zone="America/Denver")
    site = Site.objects.create(clinic=clinic, name="Main")
    clinician = _person("rhea", clinic, Role.CLINICIAN)
    desks = [_person("desk1", clinic, Role.FRONT_DESK), _person("desk2", clinic, Role.FRONT_DESK)]
    patients = [
        Patient.objects.create(
            clinic=clinic,
            chart_number=f"R-{i}",
            given_name=f"P{i}",
            family_name="Race",
            date_of_birth=dt.date(1980, 1, 1),
            sex="female",
        )
        for i in range(2)
    ]
    booking = rules.BookingRules.of(clinic)
    day = rules.next_open_day(booking, timezone.localdate(timezone=booking.tz) + dt.timedelta(days=3))
    start = rules.at(booking, day, dt.time(10, 0))
    # Widen the window between the clash check and the insert, so that without the lock both
    # bookings would see a free slot.
    check = booking_service.clinician_clash

    def slow_check(*args: object, **kwargs: object) -> Appointment | None:
        found = check(*args, **kwargs)  # type: ignore[arg-type]
        time.sleep(0.3)
        return found

    monkeypatch.setattr(booking_service, "clinician_clash", slow_check)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def book(desk: User, patient: Patient) -> None:
        try:
            barrier.wait(timeout=10)
            services.book_appointment(
                desk, patient_id=patient.pk, clinician_id=clinician.pk, site_id=site.pk, starts_at=start
            )
            result = "booked"
        except InvalidInput as exc:
            result = "refused: " + exc.errors["starts_at"][0]
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=book, args=(desks[i], patients[i])) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(o.split(":")[0] for o in outcomes) == ["booked", "refused"], outcomes
    assert Appointment.objects.filter(clinician=clinician, starts_at=start).count() == 1
