"""REST operations on episodes of care and treatment notes (thin: parse, call the service, shape).

An episode's plan changes until it is discharged; a discharged episode answers 409 to changes
until it is reopened (with a reason).

Every write to a visit carries the ``version`` the client last saw; a stale version answers 409
("changed by <name> at <time>; reload"), and so does any change to a signed note. Records of other
clinics, and every record for a patient login, answer 404. Shapes: :mod:`needlepoint.visits.schemas`.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from needlepoint.api.schemas import Problem
from needlepoint.errors import InvalidInput
from needlepoint.visits import services
from needlepoint.visits.schemas import (
    AddendumIn,
    AddendumOut,
    AdverseEventCreated,
    AdverseEventIn,
    EpisodeCreated,
    EpisodeIn,
    EpisodePatch,
    FindingCreated,
    FindingIn,
    InsertionCreated,
    InsertionIn,
    SafetyCheckOut,
    SafetyPlanIn,
    SignIn,
    VisitIn,
    VisitOut,
    VisitPatch,
)

episodes_router = Router(tags=["visits"])
router = Router(tags=["visits"])
safety_router = Router(tags=["safety"])
READ_ERRORS = {401: Problem, 404: Problem}
WRITE_ERRORS = {401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}


def episode_out(episode: Any) -> dict[str, Any]:
    """An episode as the API shows it (:class:`EpisodeCreated`); discharge and reopening, which
    also plan or withdraw follow-up questionnaires, live in :mod:`needlepoint.outcomes.api`."""
    return {**asdict(services.episode_summary(episode)), "patient_id": episode.patient_id}


@episodes_router.post("", response={201: EpisodeCreated, **WRITE_ERRORS}, summary="Open an episode of care")
def create_episode(request: HttpRequest, response: HttpResponse, payload: EpisodeIn) -> Status:
    data = payload.model_dump(exclude={"patient_id"}, exclude_none=True)
    episode = services.create_episode(request.auth, payload.patient_id, data)  # type: ignore[attr-defined]
    return Status(201, episode_out(episode))


@episodes_router.get(
    "/{episode_id}", response={200: EpisodeCreated, **READ_ERRORS}, summary="Read an episode of care (audited)"
)
def read_episode(request: HttpRequest, episode_id: str) -> dict[str, Any]:
    return episode_out(services.open_episode(request.auth, episode_id))  # type: ignore[attr-defined]


@episodes_router.patch(
    "/{episode_id}",
    response={200: EpisodeCreated, **WRITE_ERRORS},
    summary="Change an episode's plan (409 once discharged: reopen it first)",
)
def update_episode(request: HttpRequest, episode_id: str, payload: EpisodePatch) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True)
    empty = [k for k, v in data.items() if v is None and k != "goals"]
    if empty:
        raise InvalidInput({k: ["cannot be empty"] for k in empty})
    episode = services.update_episode(request.auth, episode_id, data)  # type: ignore[attr-defined]
    return episode_out(episode)


def _visit(visit: Any) -> dict[str, Any]:
    return services.visit_summary(visit).as_dict()


@router.post("", response={201: VisitOut, **WRITE_ERRORS}, summary="Start a visit (a draft note)")
def start_visit(request: HttpRequest, response: HttpResponse, payload: VisitIn) -> Status:
    start = services.copy_forward if payload.copy_forward else services.start_visit
    visit = start(request.auth, payload.episode_id, visit_date=payload.visit_date)  # type: ignore[attr-defined]
    response["Location"] = f"/api/v1/visits/{visit.pk}"
    return Status(201, _visit(visit))


@router.get("/{visit_id}", response={200: VisitOut, **READ_ERRORS}, summary="Read a visit's note (audited)")
def read_visit(request: HttpRequest, visit_id: str) -> dict[str, Any]:
    return _visit(services.open_visit(request.auth, visit_id))  # type: ignore[attr-defined]


@router.patch(
    "/{visit_id}",
    response={200: VisitOut, **WRITE_ERRORS},
    summary="Change a draft: notes, pain ratings, pain drawing, co-interventions, needle counts",
)
def update_visit(request: HttpRequest, visit_id: str, payload: VisitPatch) -> dict[str, Any]:
    changes = payload.model_dump(exclude_unset=True, exclude={"version"})
    visit = services.update_visit(request.auth, visit_id, payload.version, changes)  # type: ignore[attr-defined]
    return _visit(visit)


def _row_out(rows: list[Any], row_id: int) -> Any:
    return next(r for r in rows if r.id == row_id)


@router.post(
    "/{visit_id}/findings", response={201: FindingCreated, **WRITE_ERRORS}, summary="Add a trigger-point finding"
)
def add_finding(request: HttpRequest, visit_id: str, payload: FindingIn) -> Status:
    data = payload.model_dump(exclude={"version"})
    finding = services.add_finding(request.auth, visit_id, payload.version, data)  # type: ignore[attr-defined]
    summary = services.visit_summary(finding.visit)
    return Status(201, {"version": summary.version, "finding": _row_out(summary.findings, finding.pk)})


@router.post(
    "/{visit_id}/insertions",
    response={201: InsertionCreated, **WRITE_ERRORS},
    summary="Log a needled muscle and side (safety checks run; warnings need acknowledgement)",
    description=(
        "A block (practitioner, screening, depth, single use) answers 422 naming the field and the "
        "finding's code. Warnings not listed in acknowledged_warnings answer 422 on the field "
        "acknowledged_warnings, one message per warning starting with its code. A patient who may not "
        "be needled now (consent, screening) answers 409."
    ),
)
def add_insertion(request: HttpRequest, visit_id: str, payload: InsertionIn) -> Status:
    data = payload.model_dump(exclude={"version", "acknowledged_warnings"})
    result = services.add_insertion(
        request.auth,  # type: ignore[attr-defined]
        visit_id,
        payload.version,
        data,
        acknowledged_warnings=payload.acknowledged_warnings,
    )
    summary = services.visit_summary(result.insertion.visit)
    return Status(
        201,
        {
            "version": summary.version,
            "insertion": _row_out(summary.insertions, result.insertion.pk),
            "warnings": [w.as_dict() for w in result.warnings],
        },
    )


@router.post(
    "/{visit_id}/adverse-events",
    response={201: AdverseEventCreated, **WRITE_ERRORS},
    summary="Record an adverse event (a serious one e-mails the clinic's administrators)",
)
def add_adverse_event(request: HttpRequest, visit_id: str, payload: AdverseEventIn) -> Status:
    data = payload.model_dump(exclude={"version"})
    event = services.add_adverse_event(request.auth, visit_id, payload.version, data)  # type: ignore[attr-defined]
    summary = services.visit_summary(event.visit)
    return Status(
        201,
        {
            "version": summary.version,
            "adverse_event": _row_out(summary.adverse_events, event.pk),
            "admin_alerted": event.admin_alerted_at is not None,
        },
    )


@router.post(
    "/{visit_id}/sign",
    response={200: VisitOut, **WRITE_ERRORS},
    summary="Sign the note (409 naming why when it cannot be signed)",
)
def sign_visit(request: HttpRequest, visit_id: str, payload: SignIn) -> dict[str, Any]:
    visit = services.sign_visit(
        request.auth,  # type: ignore[attr-defined]
        visit_id,
        payload.version,
        payload.needles_opened,
        payload.needles_removed,
    )
    return _visit(visit)


@router.post(
    "/{visit_id}/addenda", response={201: AddendumOut, **WRITE_ERRORS}, summary="Add a dated addendum to a signed note"
)
def add_addendum(request: HttpRequest, visit_id: str, payload: AddendumIn) -> Status:
    addendum = services.add_addendum(request.auth, visit_id, payload.version, payload.text)  # type: ignore[attr-defined]
    return Status(
        201,
        {"id": addendum.pk, "text": addendum.text, "author": addendum.author_name, "created_at": addendum.created_at},
    )


__all__ = ["episodes_router", "router"]


@safety_router.post(
    "",
    response={200: SafetyCheckOut, 401: Problem, 403: Problem, 422: Problem},
    summary="Check a needling plan (nothing stored)",
    description=(
        "Runs every check the needle log runs, practitioner aside, on a plan that is not stored "
        "(spec/safety-check.md): screening blocks, technique and depth limits, and the lower-bound depth "
        "to the lung. Findings are block (cannot be logged), warning (needs an acknowledgement) or note."
    ),
)
def check_plan(request: HttpRequest, payload: SafetyPlanIn) -> dict[str, Any]:
    raw = payload.model_dump(exclude_unset=True)
    return services.check_plan(request.auth, raw).as_dict()  # type: ignore[arg-type]
