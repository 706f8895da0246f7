"""Appointment queries for the day views."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from needlepoint.accounts.models import Role, Site, User
from needlepoint.audit import services as audit
from needlepoint.errors import Forbidden, InvalidInput
from needlepoint.patients.services import find_patient
from needlepoint.scheduling.models import Appointment


def day_bounds(day: dt.date, tz_name: str) -> tuple[dt.datetime, dt.datetime]:
    tz = zoneinfo.ZoneInfo(tz_name)
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return start, start + dt.timedelta(days=1)


def todays_appointments(actor: User, *, day: dt.date | None = None) -> list[Appointment]:
    """A clinician's own list for the day; front desk and admins see the whole clinic."""
    tz_name = actor.clinic.time_zone if actor.clinic_id else "UTC"
    day = day or timezone.localdate(timezone=zoneinfo.ZoneInfo(tz_name))
    start, end = day_bounds(day, tz_name)
    qs = Appointment.objects.visible_to(actor).between(start, end).select_related("patient", "site", "clinician")
    if actor.role == Role.CLINICIAN:
        qs = qs.filter(clinician=actor)
    return list(qs.exclude(status=Appointment.Status.CANCELLED))


def upcoming_for_patient(actor: User, patient_id: object, *, limit: int = 5) -> list[Appointment]:
    return list(
        Appointment.objects.visible_to(actor)
        .filter(patient_id=patient_id, starts_at__gte=timezone.now())
        .exclude(status=Appointment.Status.CANCELLED)
        .select_related("clinician", "site")[:limit]
    )


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
    """Book a visit; the clinician and site must belong to the actor's clinic."""
    if not actor.is_clinic_staff:
        raise Forbidden("Only clinic staff can book for a patient.")
    patient = find_patient(actor, patient_id)
    errors: dict[str, list[str]] = {}
    clinician = User.objects.filter(
        pk=clinician_id, clinic_id=actor.clinic_id, role=Role.CLINICIAN, is_active=True
    ).first()
    if clinician is None:
        errors["clinician_id"] = ["no such clinician in this clinic"]
    site = Site.objects.filter(pk=site_id, clinic_id=actor.clinic_id, is_active=True).first()
    if site is None:
        errors["site_id"] = ["no such site in this clinic"]
    if kind not in Appointment.Kind.values:
        errors["kind"] = [f"choose one of {', '.join(Appointment.Kind.values)}"]
    if starts_at.tzinfo is None:
        errors["starts_at"] = ["needs a time zone"]
    if errors:
        raise InvalidInput(errors)
    default_length = 60 if kind == Appointment.Kind.EVALUATION else 30
    appointment = Appointment(
        clinic_id=actor.clinic_id,
        site=site,
        clinician=clinician,
        patient=patient,
        kind=kind,
        starts_at=starts_at,
        duration_minutes=duration_minutes or default_length,
        reason=reason,
    )
    try:
        appointment.full_clean()
    except ValidationError as exc:
        raise InvalidInput({k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}) from None
    appointment.save()
    audit.record(
        audit.Action.CREATE, appointment, actor=actor, clinic_id=actor.clinic_id, after=audit.snapshot(appointment)
    )
    return appointment
