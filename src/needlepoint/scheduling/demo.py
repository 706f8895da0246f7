"""Demo appointments: a realistic working week around today, booked through the services.

:mod:`needlepoint.demo.seed` books today (six per clinician) and one follow-up a week ahead; this
adds the rest of the week: the open days of the coming week, and the past week's visits (most
seen, one missed, one cancelled), plus a few of the portal patient's own, so the day view, the
portal's list and its cancel rules all have something to show. A day on which a clinician already
has three or more appointments is left alone, so running it again adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from needlepoint.accounts.models import Clinic, Role, User
from needlepoint.patients.models import Patient
from needlepoint.scheduling import rules
from needlepoint.scheduling.models import Appointment
from needlepoint.scheduling.services.booking import book_appointment, cancel, set_status
from needlepoint.scheduling.services.common import clinician_clash, clinicians, patient_clash, rules_for
from needlepoint.scheduling.services.day import day_bounds

PER_DAY = 5
BUSY_ENOUGH = 3
NEW_REASONS = [
    "New: lateral elbow pain",
    "New: plantar heel pain",
    "New: knee pain on stairs",
    "New: hip and buttock pain",
    "New: headaches and neck pain",
]
FOLLOW_UP_REASONS = ["Follow-up: neck", "Follow-up: low back", "Follow-up: shoulder", "Follow-up: heel", "Follow-up"]
CANCEL_REASONS = ["Patient unwell", "Work clash, will rebook", "Clinician on a course"]

Progress = Callable[[str], None]


def _open_days(booking: rules.BookingRules, start: dt.date, step: int, count: int) -> list[dt.date]:
    days: list[dt.date] = []
    day = start
    while len(days) < count:
        day += dt.timedelta(days=step)
        if rules.is_open_on(booking, day):
            days.append(day)
    return days


def _busy_enough(clinician: User, day: dt.date, tz_name: str) -> bool:
    start, end = day_bounds(day, tz_name)
    return (
        Appointment.objects.filter(clinician=clinician, starts_at__gte=start, starts_at__lt=end).count() >= BUSY_ENOUGH
    )


def _book_day(
    desk: User, clinician: User, day: dt.date, booking: rules.BookingRules, pool: list[Patient], rng: random.Random
) -> list[Appointment]:
    booked: list[Appointment] = []
    times = rules.grid(booking, day, 60)
    rng.shuffle(times)  # spread over the day
    for start in times:
        if len(booked) >= PER_DAY:
            break
        kind = Appointment.Kind.EVALUATION if rng.random() < 0.25 else Appointment.Kind.FOLLOW_UP
        minutes = rules.default_minutes(kind)
        patient = rng.choice(pool)
        if clinician_clash(clinician.pk, start, minutes) or patient_clash(patient.pk, start, minutes):
            continue
        site = patient.home_site_id or clinician.clinic.sites.values_list("pk", flat=True).first()
        booked.append(
            book_appointment(
                desk,
                patient_id=patient.pk,
                clinician_id=clinician.pk,
                site_id=site,  # type: ignore[arg-type]
                starts_at=start,
                kind=kind,
                reason=rng.choice(NEW_REASONS if kind == Appointment.Kind.EVALUATION else FOLLOW_UP_REASONS),
            )
        )
    return booked


def _portal_patient(clinic: Clinic, desk: User, booking: rules.BookingRules, people: list[User]) -> int:
    """The portal patient: a visit seen last week, one in two open days, one the week after."""
    patient = Patient.objects.filter(clinic=clinic, user__isnull=False).order_by("chart_number").first()
    if patient is None or not people:
        return 0
    today = timezone.localdate(timezone=booking.tz)
    clinician = next((c for c in people if c.pk == patient.primary_clinician_id), people[0])
    plan = [(_open_days(booking, today, -1, 3)[-1], True), (_open_days(booking, today, 1, 2)[-1], False)]
    plan.append((_open_days(booking, today, 1, 7)[-1], False))
    made = 0
    for day, seen in plan:
        start, end = day_bounds(day, clinic.time_zone)
        if Appointment.objects.filter(patient=patient, starts_at__gte=start, starts_at__lt=end).exists():
            continue
        for moment in rules.grid(booking, day, 30)[4:]:
            if clinician_clash(clinician.pk, moment, 30) is None:
                appointment = book_appointment(
                    desk,
                    patient_id=patient.pk,
                    clinician_id=clinician.pk,
                    site_id=patient.home_site_id or clinic.sites.values_list("pk", flat=True).first(),  # type: ignore[arg-type]
                    starts_at=moment,
                    reason="Follow-up",
                )
                if seen:
                    set_status(desk, appointment.pk, Appointment.Status.ARRIVED)
                    set_status(desk, appointment.pk, Appointment.Status.COMPLETED)
                made += 1
                break
    return made


def seed_demo(clinic: Clinic, progress: Progress | None = None) -> int:
    """Fill the week around today with appointments (once); returns how many were booked."""
    say = progress or (lambda message: None)
    booking = rules_for(clinic)
    desk = User.objects.filter(clinic=clinic, role=Role.FRONT_DESK, is_active=True).first()
    desk = desk or User.objects.filter(clinic=clinic, role=Role.CLINIC_ADMIN, is_active=True).first()
    pool = list(Patient.objects.filter(clinic=clinic, user__isnull=True).order_by("chart_number"))
    people = list(clinicians(clinic.pk))
    if desk is None or not pool or not people:
        return 0
    today = timezone.localdate(timezone=booking.tz)
    rng = random.Random(clinic.pk * 100_003 + today.toordinal())
    made = 0
    with transaction.atomic():
        made += _portal_patient(clinic, desk, booking, people)
        for day in _open_days(booking, today, -1, 5):
            for clinician in people:
                if _busy_enough(clinician, day, clinic.time_zone):
                    continue
                past = _book_day(desk, clinician, day, booking, pool, rng)
                for i, appointment in enumerate(past):
                    if i == 1 and day.toordinal() % 2 == 0:
                        set_status(desk, appointment.pk, Appointment.Status.NO_SHOW)
                    elif i == 2 and day.toordinal() % 3 == 0:
                        cancel(desk, appointment.pk, reason=rng.choice(CANCEL_REASONS))
                    else:
                        set_status(desk, appointment.pk, Appointment.Status.ARRIVED)
                        set_status(desk, appointment.pk, Appointment.Status.COMPLETED)
                made += len(past)
        for day in _open_days(booking, today, 1, 5):
            for clinician in people:
                if _busy_enough(clinician, day, clinic.time_zone):
                    continue
                made += len(_book_day(desk, clinician, day, booking, pool, rng))
    if made:
        say(f"{clinic.name}: {made} appointments across the week")
    return made
