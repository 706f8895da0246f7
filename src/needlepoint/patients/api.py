"""REST operations on patients (thin: parse, call the service, shape the answer)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import EmailStr

from needlepoint.api.schemas import Problem, RowId
from needlepoint.errors import InvalidInput
from needlepoint.patients import services
from needlepoint.patients.models import Patient

router = Router(tags=["patients"])

SexCode = Literal["female", "male", "intersex", "unknown"]
Name = Annotated[str, Field(min_length=1, max_length=100)]
Height = Annotated[Decimal, Field(ge=40, le=250, max_digits=5, decimal_places=1)]
Weight = Annotated[Decimal, Field(ge=2, le=400, max_digits=5, decimal_places=1)]


class PatientIn(Schema):
    given_name: Name
    family_name: Name
    preferred_name: Annotated[str, Field(max_length=100)] = ""
    date_of_birth: dt.date
    sex: SexCode
    email: EmailStr | None = None
    phone: Annotated[str, Field(max_length=40)] = ""
    address: Annotated[str, Field(max_length=1000)] = ""
    height_cm: Height | None = None
    weight_kg: Weight | None = None
    home_site_id: RowId | None = None
    primary_clinician_id: RowId | None = None

    model_config = {"extra": "forbid"}


class PatientPatch(Schema):
    given_name: Name | None = None
    family_name: Name | None = None
    preferred_name: Annotated[str, Field(max_length=100)] | None = None
    date_of_birth: dt.date | None = None
    sex: SexCode | None = None
    email: EmailStr | None = None
    phone: Annotated[str, Field(max_length=40)] | None = None
    address: Annotated[str, Field(max_length=1000)] | None = None
    height_cm: Height | None = None
    weight_kg: Weight | None = None
    home_site_id: RowId | None = None
    primary_clinician_id: RowId | None = None

    model_config = {"extra": "forbid"}


class PatientOut(Schema):
    id: uuid.UUID
    chart_number: str
    given_name: str
    family_name: str
    preferred_name: str
    date_of_birth: dt.date
    age: int
    sex: str
    email: str
    phone: str
    height_cm: Decimal | None
    weight_kg: Decimal | None
    bmi: Decimal | None
    home_site_id: int | None
    primary_clinician_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime


class PatientPage(Schema):
    items: list[PatientOut]
    count: int
    page: int
    page_size: int
    pages: int


class ListFilters(Schema):
    search: Annotated[str, Field(max_length=100)] = ""
    page: Annotated[int, Field(ge=1, le=services.MAX_PAGE)] = 1
    page_size: Annotated[int, Field(ge=1, le=100)] = 25


ERRORS = {401: Problem, 403: Problem, 404: Problem, 422: Problem}


@router.get("", response={200: PatientPage, **ERRORS}, summary="List patients (paginated, search by name)")
def list_patients(request: HttpRequest, filters: Query[ListFilters]) -> services.Page | dict[str, object]:
    page = services.list_patients(
        request.auth,
        search=filters.search,
        page=filters.page,  # type: ignore[attr-defined]
        page_size=filters.page_size,
    )
    return {
        "items": page.items,
        "count": page.count,
        "page": page.page,
        "page_size": page.page_size,
        "pages": page.pages,
    }


@router.post("", response={201: PatientOut, **ERRORS}, summary="Create a patient")
def create_patient(request: HttpRequest, payload: PatientIn) -> Status:
    data = payload.model_dump()
    data["email"] = data["email"] or ""
    return Status(201, services.create_patient(request.auth, data))  # type: ignore[attr-defined]


@router.get("/{patient_id}", response={200: PatientOut, **ERRORS}, summary="Read a patient (audited)")
def read_patient(request: HttpRequest, patient_id: str) -> Patient:
    return services.open_chart(request.auth, patient_id)  # type: ignore[attr-defined]


@router.patch("/{patient_id}", response={200: PatientOut, **ERRORS}, summary="Update a patient")
def update_patient(request: HttpRequest, patient_id: str, payload: PatientPatch) -> Patient:
    data = payload.model_dump(exclude_unset=True)
    required = [k for k in ("given_name", "family_name", "date_of_birth", "sex") if k in data and data[k] is None]
    if required:
        raise InvalidInput({k: ["cannot be empty"] for k in required})
    return services.update_patient(request.auth, patient_id, data)  # type: ignore[attr-defined]
