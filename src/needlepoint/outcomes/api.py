"""REST operations on an episode's outcomes (thin: parse, call the service, shape).

- ``GET /episodes/{episode_id}/outcomes``: every series with its baseline, latest value, change
  label and threshold, and the responder status (an audited read of the chart);
- ``GET /episodes/{episode_id}/measurements``: every measurement, entries in error included;
- ``POST /episodes/{episode_id}/measurements``: record one (clinicians and clinic administrators);
- ``POST /measurements/{measurement_id}/entered-in-error``: leave a wrong value out, with a reason;
- ``POST /episodes/{episode_id}/discharge``: discharge with a reason and schedule the follow-up
  questionnaires, in one transaction; ``POST /episodes/{episode_id}/reopen``: undo it, withdrawing
  the follow-ups not yet answered (clinicians; 409 over a draft note or a wrong state).

Records of other clinics, and every record for a patient login, answer 404; the front desk reads
but does not record (403). Bad input answers 422 naming each field.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from needlepoint.api.schemas import Problem
from needlepoint.clinical.outcomes import Change
from needlepoint.errors import InvalidInput
from needlepoint.outcomes.models import Measurement
from needlepoint.outcomes.services import discharge as discharge_service
from needlepoint.outcomes.services import measurements as service
from needlepoint.outcomes.services.summary import EpisodeOutcomes, MeasureSeries, SeriesPoint, episode_outcomes
from needlepoint.visits.api import episode_out
from needlepoint.visits.schemas import DischargeIn, EpisodeCreated, ReopenIn

episodes_router = Router(tags=["outcomes"])
router = Router(tags=["outcomes"])
READ_ERRORS = {401: Problem, 404: Problem}
WRITE_ERRORS = {401: Problem, 403: Problem, 404: Problem, 422: Problem}

TimepointCode = Literal["baseline", "visit_pre", "visit_post", "discharge", "week_6", "month_3", "month_6", "month_12"]


class Strict(Schema):
    model_config = {"extra": "forbid"}


class MeasurementIn(Strict):
    measure: Annotated[str, Field(min_length=1, max_length=30, description="nprs, vas, rom, ppt, grip-strength, fhsq")]
    timepoint: TimepointCode
    taken_on: dt.date
    value: Annotated[Decimal, Field(description="In the measure's unit; NPRS a whole number 0-10, VAS 0-100 mm")]
    joint: Annotated[str, Field(max_length=40, description="ROM: cervical, shoulder, knee, ...")] = ""
    movement: Annotated[str, Field(max_length=40, description="ROM: a movement of the joint")] = ""
    site: Annotated[str, Field(max_length=80, description="PPT: a muscle id or body-region code")] = ""
    side: Literal["", "left", "right"] = ""
    notes: Annotated[str, Field(max_length=300)] = ""
    visit_id: uuid.UUID | None = None


class InErrorIn(Strict):
    reason: Annotated[str, Field(min_length=1, max_length=300, description="Why the value is wrong")]


class MeasurementOut(Schema):
    id: uuid.UUID
    episode_id: uuid.UUID
    patient_id: uuid.UUID
    visit_id: uuid.UUID | None
    measure: str
    timepoint: str
    taken_on: dt.date
    value: Decimal
    unit: str
    joint: str
    movement: str
    site: str
    side: str
    where: str = Field(description='In words, e.g. "Cervical rotation, left"')
    notes: str
    recorded_by: str
    recorded_at: dt.datetime
    entered_in_error: bool
    error_reason: str


class PointOut(Schema):
    taken_on: dt.date
    timepoint: str
    value: Decimal
    source: Literal["measurement", "questionnaire", "visit"]


class ChangeOut(Schema):
    label: Literal["meaningful improvement", "within measurement error", "worse"]
    baseline: float
    current: float
    delta: float
    improvement: float = Field(description="The change signed so that positive is better")
    percent: float | None = Field(description="The improvement as a share of the baseline")
    threshold: str | None = Field(description='What decided it, e.g. "MCID 2 points"')
    explanation: str
    sources: list[str]
    status: Literal["confirmed", "unconfirmed"]


class SeriesOut(Schema):
    measure: str
    label: str
    unit: str
    direction: Literal["lower is better", "higher is better"]
    qualifier: str
    points: list[PointOut]
    baseline: PointOut | None
    latest: PointOut | None
    change: ChangeOut | None
    mcid: Decimal | None
    mdc: Decimal | None
    sources: list[str]


class OutcomesOut(Schema):
    episode_id: uuid.UUID
    patient_id: uuid.UUID
    condition: str
    primary_measure: str
    responder: bool | None = Field(description="None: not enough data yet")
    responder_reason: str
    primary: SeriesOut | None
    series: list[SeriesOut]


def _measurement(m: Measurement) -> dict[str, Any]:
    by = m.recorded_by
    return {
        **{f: getattr(m, f) for f in ("id", "episode_id", "patient_id", "visit_id", "measure", "timepoint")},
        **{f: getattr(m, f) for f in ("taken_on", "value", "unit", "joint", "movement", "site", "side", "notes")},
        "where": service.qualifier_label(m.measure, m.joint, m.movement, m.site, m.side),
        "recorded_by": (by.get_full_name() or by.get_username()) if by is not None else "",
        "recorded_at": m.recorded_at,
        "entered_in_error": m.entered_in_error,
        "error_reason": m.error_reason,
    }


def _point(p: SeriesPoint | None) -> dict[str, Any] | None:
    return (
        None if p is None else {"taken_on": p.taken_on, "timepoint": p.timepoint, "value": p.value, "source": p.source}
    )


def _change(c: Change | None, unit: str) -> dict[str, Any] | None:
    if c is None:
        return None
    threshold = None
    if c.threshold is not None and c.threshold_kind is not None:
        threshold = f"{c.threshold_kind.upper()} {c.threshold.describe(unit)}"
    return {
        "label": c.label,
        "baseline": c.baseline,
        "current": c.current,
        "delta": round(c.delta, 4),
        "improvement": round(c.improvement, 4),
        "percent": None if c.percent is None else round(c.percent, 2),
        "threshold": threshold,
        "explanation": c.explanation,
        "sources": list(c.sources),
        "status": c.status,
    }


def _series(s: MeasureSeries) -> dict[str, Any]:
    return {
        "measure": s.measure_id,
        "label": s.label,
        "unit": s.unit,
        "direction": s.direction,
        "qualifier": s.qualifier,
        "points": [_point(p) for p in s.points],
        "baseline": _point(s.baseline),
        "latest": _point(s.latest),
        "change": _change(s.change, s.unit),
        "mcid": s.mcid,
        "mdc": s.mdc,
        "sources": list(s.sources),
    }


def _outcomes(o: EpisodeOutcomes) -> dict[str, Any]:
    return {
        "episode_id": o.episode_id,
        "patient_id": o.patient_id,
        "condition": o.condition_id,
        "primary_measure": o.primary_measure,
        "responder": o.responder,
        "responder_reason": o.responder_reason,
        "primary": _series(o.primary) if o.primary is not None else None,
        "series": [_series(s) for s in o.series],
    }


@episodes_router.get(
    "/{episode_id}/outcomes",
    response={200: OutcomesOut, **READ_ERRORS},
    summary="The episode's outcomes: series, change labels, responder status (audited)",
)
def read_outcomes(request: HttpRequest, episode_id: str) -> dict[str, Any]:
    return _outcomes(episode_outcomes(request.auth, episode_id))  # type: ignore[attr-defined]


@episodes_router.get(
    "/{episode_id}/measurements",
    response={200: list[MeasurementOut], **READ_ERRORS},
    summary="The episode's measurements, entries in error included (audited)",
)
def list_measurements(request: HttpRequest, episode_id: str) -> list[dict[str, Any]]:
    _, rows = service.list_measurements(request.auth, episode_id)  # type: ignore[attr-defined]
    return [_measurement(m) for m in rows]


@episodes_router.post(
    "/{episode_id}/measurements",
    response={201: MeasurementOut, **WRITE_ERRORS},
    summary="Record a measurement (clinicians and clinic administrators)",
    description=(
        "ROM needs joint and movement (and side for a limb joint, or for spinal rotation and side "
        "bending); PPT needs a site (and a side unless the site is a midline region); grip needs a side. "
        "Values are checked against the measure's range."
    ),
)
def record_measurement(request: HttpRequest, response: HttpResponse, episode_id: str, payload: MeasurementIn) -> Status:
    measurement = service.record_measurement(
        request.auth,  # type: ignore[attr-defined]
        patient_id=None,
        episode_id=episode_id,
        **payload.model_dump(),
    )
    response["Location"] = f"/api/v1/episodes/{measurement.episode_id}/measurements"
    return Status(201, _measurement(measurement))


@router.post(
    "/{measurement_id}/entered-in-error",
    response={200: MeasurementOut, **WRITE_ERRORS},
    summary="Mark a measurement entered in error (it stays, out of charts and labels)",
)
def mark_in_error(request: HttpRequest, measurement_id: str, payload: InErrorIn) -> dict[str, Any]:
    measurement = service.mark_measurement_in_error(request.auth, measurement_id, payload.reason)  # type: ignore[attr-defined]
    return _measurement(measurement)


class FollowUpOut(Schema):
    questionnaire: str
    timepoint: str
    due_at: dt.datetime


class DischargedOut(EpisodeCreated):
    follow_ups: list[FollowUpOut] = Field(description="The follow-up questionnaires this discharge scheduled")


class ReopenedOut(EpisodeCreated):
    withdrawn_follow_ups: int = Field(description="Follow-up questionnaires not yet answered, now withdrawn")


EPISODE_WRITE_ERRORS = {**WRITE_ERRORS, 409: Problem}


@episodes_router.post(
    "/{episode_id}/discharge",
    response={200: DischargedOut, **EPISODE_WRITE_ERRORS},
    summary="Discharge with a reason, and schedule the long-term follow-ups (409 while a note is a draft)",
)
def discharge_episode(request: HttpRequest, episode_id: str, payload: DischargeIn) -> dict[str, Any]:
    try:
        done = discharge_service.discharge(
            request.auth,  # type: ignore[attr-defined]
            None,
            episode_id,
            closed_on=payload.closed_on,
            reason=payload.reason,
            summary=payload.summary,
            questionnaires=payload.follow_up_questionnaires,
        )
    except InvalidInput as exc:  # name the fields as this operation's body does
        renamed = {"questionnaires": "follow_up_questionnaires", "discharge_date": "closed_on"}
        raise InvalidInput({renamed.get(k, k): v for k, v in exc.errors.items()}) from None
    created = done.follow_ups.created if done.follow_ups is not None else []
    follow_ups = [{"questionnaire": i.questionnaire, "timepoint": i.timepoint, "due_at": i.due_at} for i in created]
    return {**episode_out(done.episode), "follow_ups": follow_ups}


@episodes_router.post(
    "/{episode_id}/reopen",
    response={200: ReopenedOut, **EPISODE_WRITE_ERRORS},
    summary="Undo a discharge, saying why; its unanswered follow-ups are withdrawn (409 when open)",
)
def reopen_episode(request: HttpRequest, episode_id: str, payload: ReopenIn) -> dict[str, Any]:
    episode, withdrawn = discharge_service.reopen(request.auth, None, episode_id, payload.reason)  # type: ignore[attr-defined]
    return {**episode_out(episode), "withdrawn_follow_ups": withdrawn}


__all__ = ["episodes_router", "router"]
