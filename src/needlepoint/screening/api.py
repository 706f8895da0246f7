"""Screening over REST: stateless evaluation, and screenings stored on a patient's record.

Both return the screening contract's result object (docs/screening.md).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from needlepoint.api.schemas import Problem
from needlepoint.screening import services
from needlepoint.screening.models import Screening

router = Router(tags=["screening"])
patient_router = Router(tags=["screening"])
ERRORS = {401: Problem, 403: Problem, 404: Problem, 422: Problem}


class ScreeningIn(Schema):
    answers: dict[str, Any]
    plan: dict[str, Any] | None = None

    model_config = {"extra": "forbid"}


class FindingOut(Schema):
    rule: str
    severity: Literal["absolute", "relative", "note"]
    message: str
    source: str


class BlockOut(Schema):
    muscle: str
    side: Literal["left", "right"] | None
    reason: str


class AvoidOut(Schema):
    region: str
    side: Literal["left", "right"] | None


class ResultOut(Schema):
    status: Literal["contraindicated", "precautions", "clear"]
    findings: list[FindingOut]
    blocked: list[BlockOut]
    blocked_electrical_stimulation: bool
    avoid_regions: list[AvoidOut]


class OverrideOut(Schema):
    rule: str
    reason: str
    decided_by: str
    decided_at: dt.datetime


class StoredScreeningOut(Schema):
    id: uuid.UUID
    patient_id: uuid.UUID
    completed_at: dt.datetime
    expires_at: dt.datetime
    current: bool
    channel: str
    questionnaire_version: str
    answers: dict[str, Any]
    plan: dict[str, Any] | None
    result: ResultOut
    effective_result: ResultOut
    overrides: list[OverrideOut]


@router.post("", response={200: ResultOut, **ERRORS}, summary="Evaluate a screening without storing it")
def evaluate(request: HttpRequest, payload: ScreeningIn) -> dict[str, Any]:
    return services.evaluate_stateless(payload.answers, payload.plan).as_dict()


@patient_router.post(
    "/{patient_id}/screenings", response={201: ResultOut, **ERRORS}, summary="Store a screening on the patient's record"
)
def store(request: HttpRequest, response: HttpResponse, patient_id: str, payload: ScreeningIn) -> Any:
    screening = services.record_screening(
        request.auth,
        patient_id,
        payload.answers,
        plan=payload.plan,  # type: ignore[attr-defined]
        channel=Screening.Channel.API,
    )
    response["Location"] = f"/api/v1/patients/{screening.patient_id}/screenings/{screening.pk}"
    return Status(201, screening.result)


@patient_router.get(
    "/{patient_id}/screenings/{screening_id}",
    response={200: StoredScreeningOut, **ERRORS},
    summary="Read a stored screening (audited)",
)
def read(request: HttpRequest, patient_id: str, screening_id: str) -> dict[str, Any]:
    s = services.open_screening(request.auth, patient_id, screening_id)  # type: ignore[attr-defined]
    return {
        "id": s.pk,
        "patient_id": s.patient_id,
        "completed_at": s.completed_at,
        "expires_at": s.expires_at,
        "current": services.is_current(s),
        "channel": s.channel,
        "questionnaire_version": s.questionnaire_version,
        "answers": s.answers,
        "plan": s.plan,
        "result": s.result,
        "effective_result": services.effective_result(s).as_dict(),
        "overrides": [
            {"rule": o.rule_id, "reason": o.reason, "decided_by": o.decided_by.display_name, "decided_at": o.decided_at}
            for o in s.overrides.select_related("decided_by")
        ],
    }
