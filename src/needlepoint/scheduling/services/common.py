"""What the scheduling use cases share: who may do what, finding an appointment, the clinic's
rules, and the clash check that keeps a clinician from being in two places at once."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from needlepoint.accounts.models import Clinic, Role, Site, User
from needlepoint.errors import Conflict, Forbidden, NotFound
from needlepoint.patients.models import Patient
from needlepoint.rowid import row_id
from needlepoint.scheduling import rules
from needlepoint.scheduling.models import Appointment

LONGEST = dt.timedelta(minutes=240)  # the model's longest appointment: bounds the clash query


def now() -> dt.datetime:
    return timezone.now()


def rules_for(clinic: Clinic) -> rules.BookingRules:
    return rules.BookingRules.of(clinic)


def clinic_of(actor: User) -> Clinic:
    clinic = Clinic.objects.filter(pk=actor.clinic_id).first()
    if clinic is None:
        raise NotFound("No such clinic.")
    return clinic


def parse_id(value: Any, what: str = "appointment") -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise NotFound(f"No such {what}.") from None


def find_appointment(actor: User, appointment_id: Any) -> Appointment:
    """The appointment if the actor may see it (staff: their clinic's; a patient: their own);
    otherwise NotFound, whether it exists elsewhere or not at all."""
    appointment = (
        Appointment.objects.visible_to(actor)
        .select_related("clinic", "site", "clinician", "patient")
        .filter(pk=parse_id(appointment_id))
        .first()
    )
    if appointment is None:
        raise NotFound("No such appointment.")
    return appointment


def require_staff(actor: User, doing: str) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.is_clinic_staff:
        raise Forbidden(f"Only clinic staff can {doing}.")


def own_patient(actor: User) -> Patient:
    """The patient record of a patient login; anyone else is refused."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_patient_user:
        raise Forbidden("Only patients can book or cancel their own appointments online.")
    patient = Patient.objects.visible_to(actor).select_related("clinic", "primary_clinician").first()
    if patient is None:
        raise Conflict("Your login is not linked to a patient record yet. Please contact the clinic.")
    return patient


def clinicians(clinic_id: int) -> models.QuerySet[User]:
    return User.objects.filter(clinic_id=clinic_id, role=Role.CLINICIAN, is_active=True).order_by(
        "first_name", "last_name", "username"
    )


def works_at(clinician: User, site: Site) -> bool:
    """A clinician works at the sites on their profile; one with no sites listed works at all."""
    profile = getattr(clinician, "practitioner", None)
    if profile is None:
        return True
    site_ids = {s.pk for s in profile.sites.all()}
    return not site_ids or site.pk in site_ids


def clinicians_at(site: Site) -> list[User]:
    people = clinicians(site.clinic_id).select_related("practitioner").prefetch_related("practitioner__sites")
    return [c for c in people if works_at(c, site)]


def lock_clinician(clinic_id: int, clinician_id: Any) -> User | None:
    """The clinician's row, locked for the rest of the transaction (SELECT … FOR UPDATE), so two
    bookings for one clinician run one after the other and the second sees the first. SQLite
    serialises writers anyway: its transactions are IMMEDIATE."""
    pk = row_id(clinician_id)
    if pk is None:
        return None
    return (
        User.objects.select_for_update().filter(pk=pk, clinic_id=clinic_id, role=Role.CLINICIAN, is_active=True).first()
    )


def lock_patient(patient_id: Any) -> None:
    """Lock the patient's row for the rest of the transaction, so two bookings for one patient
    (two front-desk staff, or staff and the patient online) run one after the other."""
    list(Patient.objects.select_for_update().filter(pk=patient_id).values_list("pk", flat=True))


def _clash(qs: models.QuerySet[Appointment], start: dt.datetime, minutes: int, exclude: Any) -> Appointment | None:
    end = start + dt.timedelta(minutes=minutes)
    candidates = qs.holding_time().filter(starts_at__lt=end, starts_at__gt=start - LONGEST)  # type: ignore[attr-defined]
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude)
    for other in candidates.order_by("starts_at"):
        if rules.overlaps((start, end), (other.starts_at, other.ends_at)):
            return other  # type: ignore[no-any-return]
    return None


def clinician_clash(clinician_id: int, start: dt.datetime, minutes: int, exclude: Any = None) -> Appointment | None:
    """The first appointment of the clinician that overlaps this time, if any."""
    return _clash(Appointment.objects.filter(clinician_id=clinician_id), start, minutes, exclude)


def patient_clash(patient_id: Any, start: dt.datetime, minutes: int, exclude: Any = None) -> Appointment | None:
    return _clash(Appointment.objects.filter(patient_id=patient_id), start, minutes, exclude)


def local_text(moment: dt.datetime, clinic: Clinic, fmt: str = "%a %d %b %Y %H:%M") -> str:
    return timezone.localtime(moment, rules_for(clinic).tz).strftime(fmt)


def span_text(appointment: Appointment) -> str:
    clinic = appointment.clinic
    return f"{local_text(appointment.starts_at, clinic)}-{local_text(appointment.ends_at, clinic, '%H:%M')}"


def validation_errors(instance: models.Model, exclude: list[str] | None = None) -> dict[str, list[str]]:
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        return {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
    return {}


def site_phone_text(site: Site) -> str:
    """How to reach a site by phone, for messages to patients."""
    if site.phone:
        return f"please phone {site.name} on {site.phone}"
    other = Site.objects.filter(clinic_id=site.clinic_id, is_active=True).exclude(phone="").first()
    if other is not None:
        return f"please phone the clinic on {other.phone}"
    return "please phone the clinic"
