"""Skin-to-pleura depth by chest-wall zone (knowledge/data/pleura_depth.yaml).

Typed records only; how a lower bound is computed from them is decided in
``needlepoint.clinical.depth``. Every zone of ``models.PLEURA_ZONES`` must be described, every
``same_as`` must name a zone with its own estimate, and every source must be in the bibliography.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .loader import KnowledgeError, data_directory, load_knowledge
from .models import PLEURA_ZONES, Id

Position = Literal["prone", "supine", "side-lying", "sitting"]
POSITIONS: tuple[str, ...] = ("prone", "supine", "side-lying", "sitting")


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Line(_Record):
    """Predicted mean depth (mm) = slope_mm x predictor + intercept_mm."""

    slope_mm: Annotated[float, Field(gt=0)]
    intercept_mm: float
    measured: tuple[float, float]  # the predictor's range in the study

    def at(self, x: float) -> float:
        return self.slope_mm * x + self.intercept_mm

    def inverse(self, depth_mm: float) -> float:
        return (depth_mm - self.intercept_mm) / self.slope_mm


class Regression(_Record):
    source: Id
    population: str
    measured_position: Position
    position_confirmed: bool
    weight_kg: Line | None = None
    bmi: Line | None = None
    spread_sd_mm: Annotated[float, Field(gt=0)]
    spread_note: str
    lower_bound_sds: Annotated[float, Field(ge=1)]
    measured_mm: tuple[float, float]
    sex: str

    @model_validator(mode="after")
    def _usable(self) -> Regression:
        if self.weight_kg is None and self.bmi is None:
            raise ValueError("an estimate needs a weight_kg or bmi line")
        for line in (self.weight_kg, self.bmi):
            if line is not None and not 0 < line.measured[0] < line.measured[1]:
                raise ValueError("a line's measured range must be [low, high] with 0 < low < high")
        low, high = self.measured_mm
        if not 0 < low < high:
            raise ValueError("measured_mm must be [low, high] with 0 < low < high")
        return self


class Group(_Record):
    mean_mm: Annotated[float, Field(gt=0)]
    sd_mm: Annotated[float, Field(gt=0)]


class Population(_Record):
    """A study's mean and SD by sex, without a regression."""

    source: Id
    population: str
    measured_position: Position
    position_confirmed: bool
    age_years: tuple[int, int]
    groups: Mapping[Literal["female", "male"], Group]
    lower_bound_sds: Annotated[float, Field(ge=1)]
    observed_min_mm: Annotated[float, Field(gt=0)] | None = None


class Zone(_Record):
    id: Id
    label: str
    estimate: Regression | None = None
    population: Population | None = None
    same_as: Id | None = None
    none: bool = False
    reason: str | None = None
    sources: tuple[Id, ...] = ()

    @model_validator(mode="after")
    def _one_kind(self) -> Zone:
        kinds = [self.estimate is not None, self.population is not None, self.same_as is not None, self.none]
        if sum(kinds) != 1:
            raise ValueError("give exactly one of estimate, population, same_as or none: true")
        if self.estimate is None and not self.reason:
            raise ValueError("a zone without its own estimate needs a reason")
        return self

    @property
    def source_ids(self) -> tuple[str, ...]:
        own = [self.estimate.source] if self.estimate else []
        own += [self.population.source] if self.population else []
        return tuple(dict.fromkeys([*own, *self.sources]))


class _File(_Record):
    zones: tuple[Zone, ...]


@cache
def pleura_zones() -> Mapping[str, Zone]:
    """Every zone by id, validated against the bibliography and the atlas's zone list."""
    path = data_directory().joinpath("pleura_depth.yaml")
    try:
        parsed = _File.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (ValidationError, yaml.YAMLError) as exc:
        raise KnowledgeError([f"pleura_depth.yaml: {exc}"]) from None
    zones = {z.id: z for z in parsed.zones}
    references = load_knowledge().references
    problems = []
    if len(zones) != len(parsed.zones):
        problems.append("pleura_depth.yaml: a zone id appears twice")
    for ident in PLEURA_ZONES:
        if ident not in zones:
            problems.append(f"pleura_depth.yaml: zone {ident!r} (used by muscles.yaml) is not described")
    for zone in parsed.zones:
        if zone.id not in PLEURA_ZONES:
            problems.append(f"pleura_depth.yaml: entry {zone.id!r}: not a zone of knowledge.models.PleuraZone")
        for source in zone.source_ids:
            if source not in references:
                problems.append(f"pleura_depth.yaml: entry {zone.id!r}: source {source!r} is not in the bibliography")
        if zone.same_as is not None:
            target = zones.get(zone.same_as)
            if target is None or target.estimate is None:
                problems.append(f"pleura_depth.yaml: entry {zone.id!r}: same_as must name a zone with an estimate")
    if problems:
        raise KnowledgeError(problems)
    return MappingProxyType(zones)
