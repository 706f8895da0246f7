"""REST operations on appointments (thin: parse, call the service, shape the answer).

Staff tokens see and book their clinic's appointments; a patient's token sees only the patient's
own and cancels under the clinic's online rules. Appointments of other clinics answer 404.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from pydantic import AwareDatetime

from needlepoint.api.schemas import Problem, RowId
from needlepoint.scheduling import services
from needlepoint.scheduling.models import Appointment

router = Router(tags=["appointments"])
READ_ERRORS = {401: Problem, 404: Problem, 422: Problem}
WRITE_ERRORS = {401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}

KindCode = Literal["evaluation", "follow_up"]
StatusCode = Literal["booked", "arrived", "completed", "cancelled", "no_show"]
assert set(KindCode.__args__) == set(Appointment.Kind.values)  # type: ignore[attr-defined]
assert set(StatusCode.__args__) == set(Appointment.Status.values)  # type: ignore[attr-defined]


class Strict(Schema):
    model_config = {"extra": "forbid"}


class AppointmentIn(Strict):
    patient_id: uuid.UUID
    clinician_id: RowId
    site_id: RowId
    starts_at: AwareDatetime = Field(description="With its UTC offset, e.g. 2026-03-03T09:00:00-07:00")
    kind: KindCode = "follow_up"
    duration_minutes: Annotated[int, Field(ge=5, le=240)] | None = Field(
        None, description="Evaluation 60, follow-up 30 when left out"
    )
    reason: Annotated[str, Field(max_length=200)] = ""


class CancelIn(Strict):
    reason: Annotated[str, Field(max_length=200)] = Field(
        "", description="Required for staff; optional for a patient cancelling their own"
    )


class AppointmentOut(Schema):
    id: uuid.UUID
    patient_id: uuid.UUID
    patient_name: str
    clinician_id: int
    clinician_name: str
    site_id: int
    site_name: str
    kind: KindCode
    status: StatusCode
    starts_at: dt.datetime
    ends_at: dt.datetime
    duration_minutes: int
    reason: str
    booked_online: bool
    cancel_reason: str


class DayOut(Schema):
    day: dt.date
    items: list[AppointmentOut]


class DayFilters(Schema):
    day: dt.date | None = Field(None, description="YYYY-MM-DD in the clinic's time zone; today when left out")
    clinician_id: RowId | None = None
    site_id: RowId | None = None


def _out(a: Appointment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "patient_id": a.patient_id,
        "patient_name": a.patient.full_name,
        "clinician_id": a.clinician_id,
        "clinician_name": a.clinician.display_name,
        "site_id": a.site_id,
        "site_name": a.site.name,
        "kind": a.kind,
        "status": a.status,
        "starts_at": a.starts_at,
        "ends_at": a.ends_at,
        "duration_minutes": a.duration_minutes,
        "reason": a.reason,
        "booked_online": a.booked_online,
        "cancel_reason": a.cancel_reason,
    }


@router.get("", response={200: DayOut, **READ_ERRORS}, summary="List one day's appointments")
def list_day(request: HttpRequest, filters: Query[DayFilters]) -> dict[str, Any]:
    day, rows = services.appointments_on(
        request.auth,  # type: ignore[attr-defined]
        filters.day,
        clinician_id=filters.clinician_id,
        site_id=filters.site_id,
    )
    return {"day": day, "items": [_out(a) for a in rows]}


@router.post(
    "",
    response={201: AppointmentOut, **WRITE_ERRORS},
    summary="Book an appointment (staff)",
    description="A clinician already booked at an overlapping time answers 422 on starts_at.",
)
def book(request: HttpRequest, response: HttpResponse, payload: AppointmentIn) -> Status:
    appointment = services.book_appointment(request.auth, **payload.model_dump())  # type: ignore[attr-defined]
    response["Location"] = f"/api/v1/appointments/{appointment.pk}"
    return Status(201, _out(appointment))


@router.get("/{appointment_id}", response={200: AppointmentOut, **READ_ERRORS}, summary="Read an appointment")
def read(request: HttpRequest, appointment_id: str) -> dict[str, Any]:
    return _out(services.find_appointment(request.auth, appointment_id))  # type: ignore[attr-defined]


@router.post(
    "/{appointment_id}/cancel",
    response={200: AppointmentOut, **WRITE_ERRORS},
    summary="Cancel an appointment",
    description=(
        "Staff give a reason. A patient may cancel their own appointment up to the clinic's notice "
        "limit; later it answers 409 with the site's phone number."
    ),
)
def cancel(request: HttpRequest, appointment_id: str, payload: CancelIn) -> dict[str, Any]:
    actor = request.auth  # type: ignore[attr-defined]
    services.find_appointment(actor, appointment_id)  # first: outsiders get 404
    if actor.is_patient_user:
        appointment = services.cancel_own(actor, appointment_id, reason=payload.reason)
    else:
        appointment = services.cancel(actor, appointment_id, reason=payload.reason)
    return _out(appointment)


__all__ = ["router"]
