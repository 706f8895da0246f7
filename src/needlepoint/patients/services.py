"""Patient use cases: every call checks who asks, runs in one transaction and is audited."""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from needlepoint.accounts.models import Clinic, Role, Site, User
from needlepoint.audit import services as audit
from needlepoint.errors import Forbidden, InvalidInput, NotFound
from needlepoint.patients.models import Patient
from needlepoint.rowid import row_id

EDITABLE_FIELDS = (
    "given_name",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "sex",
    "email",
    "phone",
    "address",
    "height_cm",
    "weight_kg",
    "home_site_id",
    "primary_clinician_id",
)
REQUIRED_ON_CREATE = ("given_name", "family_name", "date_of_birth", "sex")
MAX_PAGE = 100_000  # beyond any clinic; keeps OFFSET inside the database integer range
WRITER_ROLES = (Role.CLINIC_ADMIN, Role.CLINICIAN, Role.FRONT_DESK)


@dataclass(frozen=True)
class Page:
    items: list[Patient]
    count: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.count / self.page_size))


def _require_writer(actor: User) -> None:
    if not actor.is_authenticated or actor.clinic_id is None or actor.role not in WRITER_ROLES:
        raise Forbidden("Only clinic staff can create or change patient records.")


def list_patients(actor: User, *, search: str = "", page: int = 1, page_size: int = 25) -> Page:
    if not 1 <= page <= MAX_PAGE:
        raise InvalidInput({"page": [f"must be between 1 and {MAX_PAGE}"]})
    if not 1 <= page_size <= 100:
        raise InvalidInput({"page_size": ["must be between 1 and 100"]})
    qs = Patient.objects.visible_to(actor)
    if search.strip():
        qs = qs.search(search.strip())
    count = qs.count()
    start = (page - 1) * page_size
    items = list(qs.select_related("home_site")[start : start + page_size])
    return Page(items=items, count=count, page=page, page_size=page_size)


def _parse_id(patient_id: Any) -> uuid.UUID:
    try:
        return patient_id if isinstance(patient_id, uuid.UUID) else uuid.UUID(str(patient_id))
    except ValueError:
        raise NotFound("No such patient.") from None


def find_patient(actor: User, patient_id: Any) -> Patient:
    """The patient if the actor may see them; otherwise NotFound (never a hint it exists)."""
    patient = (
        Patient.objects.visible_to(actor)
        .select_related("home_site", "primary_clinician", "clinic")
        .filter(pk=_parse_id(patient_id))
        .first()
    )
    if patient is None:
        raise NotFound("No such patient.")
    return patient


@transaction.atomic
def open_chart(actor: User, patient_id: Any) -> Patient:
    """Read a patient's chart: the read itself is audited."""
    patient = find_patient(actor, patient_id)
    audit.record(audit.Action.READ, patient, actor=actor, clinic_id=patient.clinic_id)
    return patient


def _apply(actor: User, patient: Patient, data: Mapping[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    for key in data:
        if key not in EDITABLE_FIELDS:
            errors[key] = ["unknown or read-only field"]
    clinic_id = actor.clinic_id
    site_id = data.get("home_site_id")
    if site_id is not None and not Site.objects.filter(pk=row_id(site_id) or 0, clinic_id=clinic_id).exists():
        errors["home_site_id"] = ["no such site in this clinic"]
    clinician_id = data.get("primary_clinician_id")
    if (
        clinician_id is not None
        and not User.objects.filter(
            pk=row_id(clinician_id) or 0, clinic_id=clinic_id, role=Role.CLINICIAN, is_active=True
        ).exists()
    ):
        errors["primary_clinician_id"] = ["no such clinician in this clinic"]
    if errors:
        raise InvalidInput(errors)
    for key, value in data.items():
        if value is None and key in ("preferred_name", "email", "phone", "address"):
            value = ""
        setattr(patient, key, value)
    try:
        patient.full_clean(exclude=["clinic", "chart_number"])
    except ValidationError as exc:
        raise InvalidInput(
            {
                f"{k}_id" if k in ("home_site", "primary_clinician") else k: [str(m) for e in v for m in e.messages]
                for k, v in exc.error_dict.items()
            }
        ) from None


def _next_chart_number(clinic: Clinic) -> str:
    # The clinic row is locked so two front desks never hand out the same number.
    Clinic.objects.select_for_update().filter(pk=clinic.pk).first()
    numbers = Patient.objects.filter(clinic=clinic).values_list("chart_number", flat=True)
    highest = max((int(n[3:]) for n in numbers if n.startswith("NP-") and n[3:].isdigit()), default=0)
    return f"NP-{highest + 1:06d}"


@transaction.atomic
def create_patient(actor: User, data: Mapping[str, Any]) -> Patient:
    _require_writer(actor)
    missing = {f: ["This field is required."] for f in REQUIRED_ON_CREATE if data.get(f) in (None, "")}
    if missing:
        raise InvalidInput(missing)
    clinic = Clinic.objects.get(pk=actor.clinic_id)
    patient = Patient(clinic=clinic)
    _apply(actor, patient, data)
    patient.chart_number = _next_chart_number(clinic)
    patient.save()
    audit.record(audit.Action.CREATE, patient, actor=actor, clinic_id=clinic.pk, after=audit.snapshot(patient))
    return patient


@transaction.atomic
def update_patient(actor: User, patient_id: Any, data: Mapping[str, Any]) -> Patient:
    patient = find_patient(actor, patient_id)  # first: outsiders learn nothing, not even "forbidden"
    _require_writer(actor)
    before = audit.snapshot(patient)
    _apply(actor, patient, data)
    after = audit.snapshot(patient)
    old, new = audit.changed(before, after)
    old.pop("updated_at", None)
    new.pop("updated_at", None)
    if new:
        patient.save()
        audit.record(audit.Action.UPDATE, patient, actor=actor, clinic_id=patient.clinic_id, before=old, after=new)
    return patient
