"""Clinic staff book, move and cancel appointments and record what happened (arrived, seen,
did not attend). Each call checks who asks, runs in one transaction and leaves an audit row.

Staff may book outside opening hours (an early start, a Saturday clinic) and in the past (a
walk-in entered afterwards); the online rules bind patients only. Neither a clinician nor a
patient is ever booked twice at once: their rows are locked while the clash checks and the insert
run.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from needlepoint.accounts.models import Site, User
from needlepoint.audit import services as audit
from needlepoint.errors import Conflict, InvalidInput
from needlepoint.patients.services import find_patient
from needlepoint.rowid import row_id
from needlepoint.scheduling import reminders, rules
from needlepoint.scheduling.models import Appointment
from needlepoint.scheduling.services.common import (
    clinician_clash,
    find_appointment,
    local_text,
    lock_clinician,
    lock_patient,
    now,
    patient_clash,
    require_staff,
    span_text,
    validation_errors,
    works_at,
)

Status = Appointment.Status
REASON_MAX = 200

#: status -> statuses staff may move it to (besides cancelling, which has its own call)
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.BOOKED: (Status.ARRIVED, Status.NO_SHOW, Status.COMPLETED),
    Status.ARRIVED: (Status.COMPLETED, Status.BOOKED),
    Status.NO_SHOW: (Status.BOOKED,),
    Status.COMPLETED: (),
    Status.CANCELLED: (),
}


def clash_message(other: Appointment) -> str:
    return (
        f"{other.clinician.display_name} already has an appointment then "
        f"({span_text(other)}, {other.get_kind_display().lower()}): choose another time or clinician"
    )


def patient_clash_message(other: Appointment) -> str:
    return (
        f"{other.patient.full_name} is already booked then ({span_text(other)}, "
        f"{other.get_kind_display().lower()} with {other.clinician.display_name}): choose another time"
    )


def refuse_clashes(appointment: Appointment, exclude: Any = None) -> None:
    """The clinician and the patient must both be free for the whole appointment."""
    start, minutes = appointment.starts_at, appointment.duration_minutes
    other = clinician_clash(appointment.clinician_id, start, minutes, exclude=exclude)
    if other is not None:
        raise InvalidInput({"starts_at": [clash_message(other)]})
    mine = patient_clash(appointment.patient_id, start, minutes, exclude=exclude)
    if mine is not None:
        raise InvalidInput({"starts_at": [patient_clash_message(mine)]})


def check_start(starts_at: Any, errors: dict[str, list[str]]) -> None:
    if not isinstance(starts_at, dt.datetime):
        errors["starts_at"] = ["a date and time"]
    elif starts_at.tzinfo is None:
        errors["starts_at"] = ["needs a time zone"]


def _site(actor: User, site_id: Any) -> Site | None:
    pk = row_id(site_id)
    if pk is None:
        return None
    return Site.objects.filter(pk=pk, clinic_id=actor.clinic_id, is_active=True).first()


@transaction.atomic
def book_appointment(
    actor: User,
    *,
    patient_id: object,
    clinician_id: int,
    site_id: int,
    starts_at: dt.datetime,
    kind: str = Appointment.Kind.FOLLOW_UP,
    duration_minutes: int | None = None,
    reason: str = "",
) -> Appointment:
    """Book a visit for a patient; the clinician and site must belong to the actor's clinic and the
    clinician must be free for the whole of it."""
    patient = find_patient(actor, patient_id)  # first: outsiders learn nothing
    require_staff(actor, "book appointments for a patient")
    errors: dict[str, list[str]] = {}
    clinician = lock_clinician(actor.clinic_id, clinician_id)  # type: ignore[arg-type]
    if clinician is None:
        errors["clinician_id"] = ["no such clinician in this clinic"]
    site = _site(actor, site_id)
    if site is None:
        errors["site_id"] = ["no such site in this clinic"]
    elif clinician is not None and not works_at(clinician, site):
        errors["clinician_id"] = [f"{clinician.display_name} does not work at {site.name}"]
    if kind not in Appointment.Kind.values:
        errors["kind"] = [f"choose one of {', '.join(Appointment.Kind.values)}"]
    check_start(starts_at, errors)
    if errors:
        raise InvalidInput(errors)
    appointment = Appointment(
        clinic_id=actor.clinic_id,
        site=site,
        clinician=clinician,
        patient=patient,
        kind=kind,
        starts_at=starts_at,
        duration_minutes=duration_minutes or rules.default_minutes(kind),
        reason=(reason or "").strip(),
        booked_by=actor,
    )
    errors = validation_errors(appointment, exclude=["clinic", "site", "clinician", "patient", "booked_by"])
    if errors:
        raise InvalidInput(errors)
    lock_patient(patient.pk)
    refuse_clashes(appointment)
    appointment.save()
    audit.record(
        audit.Action.CREATE, appointment, actor=actor, clinic_id=actor.clinic_id, after=audit.snapshot(appointment)
    )
    reminders.schedule(appointment)
    return appointment


def refuse_unless_booked(appointment: Appointment, done: str) -> None:
    if appointment.status != Status.BOOKED:
        raise Conflict(
            f"This appointment is {appointment.get_status_display().lower()}; only a booked appointment can be {done}."
        )


def _open_for_change(actor: User, appointment_id: Any, done: str) -> Appointment:
    appointment = find_appointment(actor, appointment_id)  # first: outsiders learn nothing
    require_staff(actor, "move or cancel appointments")
    refuse_unless_booked(appointment, done)
    return appointment


@transaction.atomic
def reschedule(
    actor: User,
    appointment_id: Any,
    *,
    starts_at: dt.datetime,
    clinician_id: int | None = None,
    site_id: int | None = None,
    duration_minutes: int | None = None,
) -> Appointment:
    """Move a booked appointment to another time (and, optionally, clinician, site or length)."""
    appointment = _open_for_change(actor, appointment_id, "moved")
    before = audit.snapshot(appointment)
    errors: dict[str, list[str]] = {}
    check_start(starts_at, errors)
    clinician = lock_clinician(actor.clinic_id, clinician_id or appointment.clinician_id)  # type: ignore[arg-type]
    if clinician is None:
        errors["clinician_id"] = ["no such clinician in this clinic"]
    site = appointment.site if site_id is None else _site(actor, site_id)
    if site is None:
        errors["site_id"] = ["no such site in this clinic"]
    elif clinician is not None and not works_at(clinician, site):
        errors["clinician_id"] = [f"{clinician.display_name} does not work at {site.name}"]
    if errors:
        raise InvalidInput(errors)
    assert clinician is not None and site is not None
    appointment.starts_at = starts_at
    appointment.clinician = clinician
    appointment.site = site
    if duration_minutes is not None:
        appointment.duration_minutes = duration_minutes
    errors = validation_errors(appointment, exclude=["clinic", "site", "clinician", "patient", "booked_by"])
    if errors:
        raise InvalidInput(errors)
    lock_patient(appointment.patient_id)
    refuse_clashes(appointment, exclude=appointment.pk)
    old, new = audit.changed(before, audit.snapshot(appointment))
    for key in ("updated_at",):
        old.pop(key, None)
        new.pop(key, None)
    if not new:
        return appointment
    appointment.save()
    audit.record(audit.Action.UPDATE, appointment, actor=actor, clinic_id=appointment.clinic_id, before=old, after=new)
    reminders.reschedule(appointment)
    return appointment


def clean_reason(reason: Any, *, required: bool) -> str:
    text = reason.strip() if isinstance(reason, str) else ""
    if required and not text:
        raise InvalidInput({"reason": ["say why the appointment is cancelled"]})
    if len(text) > REASON_MAX:
        raise InvalidInput({"reason": [f"at most {REASON_MAX} characters (it has {len(text)})"]})
    return text


def mark_cancelled(appointment: Appointment, actor: User, reason: str) -> Appointment:
    """Cancel (shared by staff and the patient's own cancelling): status, who, when, why, audit,
    and the pending reminder withdrawn."""
    appointment.status = Status.CANCELLED
    appointment.cancelled_at = now()
    appointment.cancelled_by = actor
    appointment.cancel_reason = reason
    appointment.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason", "updated_at"])
    audit.record(
        audit.Action.UPDATE,
        appointment,
        actor=actor,
        clinic_id=appointment.clinic_id,
        before={"status": Status.BOOKED},
        after={"status": Status.CANCELLED, "cancel_reason": reason},
    )
    reminders.withdraw(appointment)
    return appointment


@transaction.atomic
def cancel(actor: User, appointment_id: Any, *, reason: str) -> Appointment:
    """Cancel a booked appointment; the reason is kept."""
    appointment = _open_for_change(actor, appointment_id, "cancelled")
    return mark_cancelled(appointment, actor, clean_reason(reason, required=True))


@transaction.atomic
def set_status(actor: User, appointment_id: Any, status: str) -> Appointment:
    """Arrived, completed, did not attend, or back to booked (to undo a slip of the finger)."""
    appointment = find_appointment(actor, appointment_id)  # first: outsiders learn nothing
    require_staff(actor, "record arrivals and missed appointments")
    if status not in Status.values or status == Status.CANCELLED:
        choices = ", ".join(s for s in Status.values if s != Status.CANCELLED)
        raise InvalidInput({"status": [f"choose one of {choices} (cancelling has its own action)"]})
    current = appointment.status
    if status == current:
        return appointment
    if status not in TRANSITIONS[current]:
        raise Conflict(
            f"This appointment is {appointment.get_status_display().lower()}; "
            f"it cannot be marked {Status(status).label.lower()}."
        )
    moment = now()
    if status in (Status.NO_SHOW, Status.COMPLETED) and appointment.starts_at > moment:
        starts = local_text(appointment.starts_at, appointment.clinic, "%H:%M on %a %d %b")
        raise InvalidInput({"status": [f"the appointment has not started yet (it starts at {starts})"]})
    if status == Status.ARRIVED:
        tz = rules.BookingRules.of(appointment.clinic).tz
        if appointment.starts_at.astimezone(tz).date() > moment.astimezone(tz).date():
            raise InvalidInput({"status": ["a patient can only arrive on the day of the appointment"]})
    appointment.status = status
    if status == Status.ARRIVED:
        appointment.arrived_at = moment
    elif status == Status.BOOKED:
        appointment.arrived_at = None
    appointment.save(update_fields=["status", "arrived_at", "updated_at"])
    audit.record(
        audit.Action.UPDATE,
        appointment,
        actor=actor,
        clinic_id=appointment.clinic_id,
        before={"status": current},
        after={"status": status},
    )
    if status != Status.BOOKED:
        reminders.withdraw(appointment)
    return appointment
