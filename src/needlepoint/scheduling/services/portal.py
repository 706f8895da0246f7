"""Patients book and cancel their own appointments online, within the clinic's rules.

What a patient may book: a follow-up (or an evaluation, if the clinic allows it online) at an
active site that takes online bookings, with a clinician who works there, on the clinic's grid
within opening hours, with enough notice and not too far ahead, at a time when neither the
clinician nor the patient is already booked. What they may cancel: their own booked appointments,
up to the clinic's cancellation notice; later they phone the site.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from needlepoint.accounts.models import Site, User
from needlepoint.audit import services as audit
from needlepoint.errors import Conflict, InvalidInput, NotFound
from needlepoint.patients.models import Patient
from needlepoint.rowid import row_id
from needlepoint.scheduling import reminders, rules
from needlepoint.scheduling.models import Appointment
from needlepoint.scheduling.services.booking import clean_reason, mark_cancelled, refuse_unless_booked
from needlepoint.scheduling.services.common import (
    clinician_clash,
    clinicians_at,
    find_appointment,
    local_text,
    lock_clinician,
    lock_patient,
    now,
    own_patient,
    patient_clash,
    rules_for,
    site_phone_text,
    validation_errors,
    works_at,
)

MAX_DAYS = 31
Status = Appointment.Status


@dataclass(frozen=True)
class Slot:
    starts_at: dt.datetime
    clinician_id: int
    clinician_name: str


@dataclass(frozen=True)
class DaySlots:
    day: dt.date
    is_open: bool
    slots: list[Slot] = field(default_factory=list)


@dataclass(frozen=True)
class CancelPolicy:
    """Whether the patient may cancel online now, and if not, why and what to do instead."""

    allowed: bool
    why: str = ""
    deadline: dt.datetime | None = None


def online_sites(patient: Patient) -> list[Site]:
    return list(Site.objects.filter(clinic_id=patient.clinic_id, is_active=True, online_booking=True))


def online_site(patient: Patient, site_id: Any) -> Site:
    pk = row_id(site_id) or 0
    site = Site.objects.filter(pk=pk, clinic_id=patient.clinic_id, is_active=True, online_booking=True).first()
    if site is None:
        raise InvalidInput({"site_id": ["choose one of the clinic's sites that take online bookings"]})
    return site


def online_clinicians(site: Site) -> list[User]:
    return clinicians_at(site)


def _kind(kind: Any) -> str:
    if kind not in Appointment.Kind.values:
        raise InvalidInput({"kind": ["choose an evaluation or a follow-up"]})
    return str(kind)


def _busy(qs: Any, start: dt.datetime, end: dt.datetime) -> list[Appointment]:
    return list(
        qs.holding_time()
        .filter(starts_at__lt=end, starts_at__gt=start - dt.timedelta(minutes=240))
        .order_by("starts_at")
    )


def free_slots(
    actor: User,
    *,
    site_id: Any,
    kind: Any = Appointment.Kind.FOLLOW_UP,
    clinician_id: Any = None,
    start_day: dt.date | None = None,
    days: int = 7,
) -> list[DaySlots]:
    """The times the patient may book, day by day. Without a clinician, each time is offered once,
    with the patient's own clinician when free, otherwise the least busy one that day."""
    patient = own_patient(actor)
    clinic = patient.clinic
    booking = rules_for(clinic)
    kind = _kind(kind)
    if kind == Appointment.Kind.EVALUATION and not booking.evaluations_online:
        raise InvalidInput({"kind": ["evaluations are booked by phone: please call the clinic"]})
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise InvalidInput({"days": [f"from 1 to {MAX_DAYS}"]})
    site = online_site(patient, site_id)
    people = online_clinicians(site)
    if clinician_id not in (None, ""):
        people = [c for c in people if str(c.pk) == str(clinician_id)]
        if not people:
            raise InvalidInput({"clinician_id": [f"choose a clinician who works at {site.name}"]})
    moment = now()
    today = moment.astimezone(booking.tz).date()
    first = max(start_day or today, today)
    last = min(first + dt.timedelta(days=days - 1), today + dt.timedelta(days=booking.days_ahead))
    if last < first:
        return []
    range_start = rules.at(booking, first, dt.time(0, 0))
    range_end = rules.at(booking, last + dt.timedelta(days=1), dt.time(0, 0))
    busy: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {c.pk: [] for c in people}
    for a in _busy(Appointment.objects.filter(clinician__in=people), range_start, range_end):
        busy[a.clinician_id].append((a.starts_at, a.ends_at))
    own = [(a.starts_at, a.ends_at) for a in _busy(Appointment.objects.filter(patient=patient), range_start, range_end)]
    minutes = rules.default_minutes(kind)
    preferred = patient.primary_clinician_id
    out: list[DaySlots] = []
    day = first
    while day <= last:
        per_clinician = {c.pk: rules.free_slots(booking, day, minutes, busy[c.pk] + own, now=moment) for c in people}
        load = {c.pk: sum(1 for s, _ in busy[c.pk] if s.astimezone(booking.tz).date() == day) for c in people}
        order = sorted(people, key=lambda c: (c.pk != preferred, load[c.pk], c.first_name, c.last_name))
        taken: set[dt.datetime] = set()
        slots: list[Slot] = []
        for clinician in order:
            for start in per_clinician[clinician.pk]:
                if start not in taken:
                    taken.add(start)
                    slots.append(Slot(start, clinician.pk, clinician.display_name))
        slots.sort(key=lambda s: (s.starts_at, s.clinician_name))
        out.append(DaySlots(day=day, is_open=rules.is_open_on(booking, day), slots=slots))
        day += dt.timedelta(days=1)
    return out


@transaction.atomic
def book_own(
    actor: User, *, site_id: Any, clinician_id: Any, starts_at: Any, kind: Any = Appointment.Kind.FOLLOW_UP
) -> Appointment:
    """A patient books for themselves, within the clinic's online rules."""
    patient = own_patient(actor)
    clinic = patient.clinic
    booking = rules_for(clinic)
    errors: dict[str, list[str]] = {}
    if kind not in Appointment.Kind.values:
        errors["kind"] = ["choose an evaluation or a follow-up"]
    try:
        site: Site | None = online_site(patient, site_id)
    except InvalidInput as exc:
        site = None
        errors.update(exc.errors)
    clinician = lock_clinician(clinic.pk, clinician_id)
    if clinician is None or (site is not None and not works_at(clinician, site)):
        where = f" at {site.name}" if site is not None else ""
        errors["clinician_id"] = [f"choose a clinician who works{where}"]
    if not isinstance(starts_at, dt.datetime) or starts_at.tzinfo is None:
        errors["starts_at"] = ["a date and time with a time zone"]
    if errors:
        raise InvalidInput(errors)
    assert site is not None and clinician is not None
    minutes = rules.default_minutes(str(kind))
    problems = rules.online_booking_problems(booking, starts_at, minutes, str(kind), now())
    if problems:
        raise InvalidInput(problems)
    other = clinician_clash(clinician.pk, starts_at, minutes)
    if other is not None:
        raise InvalidInput({"starts_at": [f"{clinician.display_name} is no longer free then: choose another time"]})
    lock_patient(patient.pk)
    mine = patient_clash(patient.pk, starts_at, minutes)
    if mine is not None:
        raise InvalidInput(
            {"starts_at": [f"you already have an appointment then ({local_text(mine.starts_at, clinic)})"]}
        )
    appointment = Appointment(
        clinic=clinic,
        site=site,
        clinician=clinician,
        patient=patient,
        kind=kind,
        starts_at=starts_at,
        duration_minutes=minutes,
        reason="Booked online",
        booked_by=actor,
        booked_online=True,
    )
    errors = validation_errors(appointment, exclude=["clinic", "site", "clinician", "patient", "booked_by"])
    if errors:
        raise InvalidInput(errors)
    appointment.save()
    audit.record(audit.Action.CREATE, appointment, actor=actor, clinic_id=clinic.pk, after=audit.snapshot(appointment))
    reminders.schedule(appointment)
    return appointment


def cancel_policy(appointment: Appointment, moment: dt.datetime | None = None) -> CancelPolicy:
    """Whether the patient may cancel this appointment online now."""
    moment = moment or now()
    booking = rules_for(appointment.clinic)
    deadline = rules.cancel_deadline(booking, appointment.starts_at)
    if appointment.status != Status.BOOKED:
        return CancelPolicy(False, f"This appointment is {appointment.get_status_display().lower()}.")
    if appointment.starts_at <= moment:
        return CancelPolicy(False, "This appointment has already started.", deadline)
    if not rules.may_cancel_online(booking, appointment.starts_at, moment):
        hours = int(booking.cancel_notice.total_seconds() // 3600)
        return CancelPolicy(
            False,
            f"Appointments can be cancelled online up to {hours} hours before they start; "
            f"to cancel this one, {site_phone_text(appointment.site)}.",
            deadline,
        )
    return CancelPolicy(True, "", deadline)


@transaction.atomic
def cancel_own(actor: User, appointment_id: Any, *, reason: str = "") -> Appointment:
    """A patient cancels one of their own appointments, before the clinic's notice limit."""
    patient = own_patient(actor)
    appointment = find_appointment(actor, appointment_id)
    if appointment.patient_id != patient.pk:  # visible_to already ensures it; belt and braces
        raise NotFound("No such appointment.")
    refuse_unless_booked(appointment, "cancelled")
    policy = cancel_policy(appointment)
    if not policy.allowed:
        raise Conflict(policy.why)
    return mark_cancelled(appointment, actor, clean_reason(reason, required=False) or "Cancelled online by the patient")


def my_appointments(actor: User) -> tuple[list[Appointment], list[Appointment]]:
    """The patient's own appointments: (upcoming, soonest first; past and cancelled, newest first)."""
    patient = own_patient(actor)
    moment = now()
    rows = list(
        Appointment.objects.visible_to(actor)
        .filter(patient=patient)
        .select_related("clinic", "site", "clinician")
        .order_by("starts_at")
    )
    upcoming = [a for a in rows if a.status in (Status.BOOKED, Status.ARRIVED) and a.ends_at > moment]
    past = [a for a in reversed(rows) if a not in upcoming]
    return upcoming, past


def kinds_online(patient: Patient) -> Sequence[tuple[str, str]]:
    allowed = rules_for(patient.clinic).evaluations_online
    return [(v, label) for v, label in Appointment.Kind.choices if allowed or v != Appointment.Kind.EVALUATION]
