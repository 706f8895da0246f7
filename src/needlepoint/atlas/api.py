"""REST access to the atlas and the pain-pattern finder (reference data, any signed-in token)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from needlepoint.api.schemas import Problem
from needlepoint.atlas import services
from needlepoint.knowledge import MUSCLE_GROUPS

router = Router(tags=["atlas"])
suggest_router = Router(tags=["atlas"])
ERRORS = {401: Problem, 404: Problem, 422: Problem}
MuscleGroupCode = Literal[MUSCLE_GROUPS]  # type: ignore[valid-type]


class RegionOut(Schema):
    code: str
    label: str
    view: Literal["front", "back", "both"]
    midline: bool
    group: str


class MuscleSummary(Schema):
    id: str
    name: str
    aliases: list[str]
    group: str
    regions: list[str]
    near_lung: bool
    pleura_zone: str | None
    over_chest_wall: bool = Field(description="Same as near_lung (the name before 2026-12; kept for existing clients).")


class MuscleFilters(Schema):
    search: Annotated[str, Field(max_length=100)] = ""
    group: MuscleGroupCode | None = None  # type: ignore[valid-type]


class ConditionSummary(Schema):
    id: str
    name: str
    plain_name: str
    icd10cm: list[dict[str, str]]
    muscles: list[str]


class DrawnRegion(Schema):
    region: Annotated[str, Field(max_length=40)]
    side: Literal["left", "right"] | None = None
    intensity: Annotated[int, Field(ge=0, le=10)] | None = None


class SuggestIn(Schema):
    drawing: Annotated[list[DrawnRegion], Field(min_length=1, max_length=200)]
    limit: Annotated[int, Field(ge=1, le=50)] = 10

    model_config = {"extra": "forbid"}


class ExplainedOut(Schema):
    region: str
    side: Literal["left", "right"] | None
    match: Literal["primary", "spillover", "local"]


class MissingOut(Schema):
    region: str
    side: Literal["left", "right"] | None


class SuggestionOut(Schema):
    muscle: str
    name: str
    side: Literal["left", "right"]
    trigger_point: str
    score: float
    explains: list[ExplainedOut]
    missing: list[MissingOut]
    confirmed: bool


@router.get("/regions", response={200: list[RegionOut], **ERRORS}, summary="Body-region vocabulary")
def regions(request: HttpRequest) -> list[Any]:
    return [r.model_dump() for r in services.knowledge().regions.values()]


@router.get("/muscles", response={200: list[MuscleSummary], **ERRORS}, summary="Search the atlas's muscles")
def muscles(request: HttpRequest, filters: Query[MuscleFilters]) -> list[Any]:
    return [
        {**m.model_dump(), "over_chest_wall": m.near_lung}
        for m in services.search_muscles(filters.search, filters.group or "")
    ]


@router.get(
    "/muscles/{muscle_id}",
    response={200: dict[str, Any], **ERRORS},
    summary="One muscle: trigger points, referral zones, needling guidance, danger structures, sources",
)
def muscle(request: HttpRequest, muscle_id: str) -> dict[str, Any]:
    m = services.muscle(muscle_id)
    data = m.model_dump(mode="json")
    data["references"] = [r.model_dump(mode="json") for r in services.muscle_sources(m)]
    return data


@router.get("/conditions", response={200: list[ConditionSummary], **ERRORS}, summary="Conditions treated")
def conditions(request: HttpRequest, search: Annotated[str, Field(max_length=100)] = "") -> list[Any]:
    return [c.model_dump(mode="json") for c in services.search_conditions(search)]


@router.get(
    "/conditions/{condition_id}",
    response={200: dict[str, Any], **ERRORS},
    summary="One condition: ICD-10-CM codes, muscles, evidence, outcome measures, sources",
)
def condition(request: HttpRequest, condition_id: str) -> dict[str, Any]:
    c = services.condition(condition_id)
    data = c.model_dump(mode="json")
    data["references"] = [r.model_dump(mode="json") for r in services.condition_sources(c)]
    return data


@suggest_router.post(
    "",
    response={200: list[SuggestionOut], **ERRORS},
    summary="Rank trigger points whose referred pain best explains a pain drawing",
)
def suggest(request: HttpRequest, payload: SuggestIn) -> list[dict[str, object]]:
    drawing = [d.model_dump() for d in payload.drawing]
    return [s.as_dict() for s in services.suggest(drawing, limit=payload.limit)]
