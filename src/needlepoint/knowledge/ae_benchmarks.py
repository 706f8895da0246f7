"""Published adverse-event rates after dry needling (knowledge/data/ae_benchmarks.yaml).

Each benchmark keeps the figure as the paper gives it (a percentage, or a count out of a
denominator) and its source; ``per_1000`` converts it for comparison with a clinic's own rate.
``counts`` says what the figure counts: every event (Brady 2014 and Boyce 2020 both count events
per treatment or session) or the treatments with at least one event. The dashboard compares a
figure only with the clinic's figure that counts the same thing (clinical/ae_rates.py).
"""

from __future__ import annotations

from functools import cache
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .loader import KnowledgeError, data_directory, load_knowledge

Grade = Literal["mild", "significant_or_serious"]
GRADES: tuple[Grade, ...] = ("mild", "significant_or_serious")
GRADE_LABELS: dict[Grade, str] = {"mild": "Mild", "significant_or_serious": "Significant or serious"}
#: What a figure's numerator counts (the same words as clinical/ae_rates.Counts).
Counts = Literal["events", "visits-with-event"]


class Benchmark(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    study: str
    grade: Grade
    counts: Counts
    percent: float | None = Field(default=None, ge=0)  # events per 100 may exceed 100
    events: int | None = Field(default=None, ge=0)
    upper_bound_percent: float | None = Field(default=None, gt=0, le=100)
    denominator: int = Field(gt=0)
    denominator_unit: Literal["treatments", "sessions", "visits"]
    text: str
    source: str

    @model_validator(mode="after")
    def _one_figure(self) -> Benchmark:
        if (self.percent is None) == (self.events is None):
            raise ValueError("give either percent or events (as the paper reports it), not both")
        if self.counts == "visits-with-event" and self.per_1000 > 1000:
            raise ValueError("treatments with an event cannot exceed the treatments (events can)")
        return self

    @property
    def per_1000(self) -> float:
        """The published rate per 1,000 treatments or sessions (of events, or of treatments with an
        event, as ``counts`` says)."""
        if self.percent is not None:
            return self.percent * 10
        assert self.events is not None
        return self.events / self.denominator * 1000

    @property
    def upper_bound_per_1000(self) -> float | None:
        return None if self.upper_bound_percent is None else self.upper_bound_percent * 10


class BenchmarkTable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    benchmarks: tuple[Benchmark, ...]

    def for_grade(self, grade: Grade) -> tuple[Benchmark, ...]:
        return tuple(b for b in self.benchmarks if b.grade == grade)

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(b.source for b in self.benchmarks))


@cache
def ae_benchmarks() -> BenchmarkTable:
    """The published rates, validated, each citing a reference of the bibliography."""
    path = data_directory().joinpath("ae_benchmarks.yaml")
    try:
        table = BenchmarkTable.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (ValidationError, yaml.YAMLError) as exc:
        raise KnowledgeError([f"ae_benchmarks.yaml: {exc}"]) from None
    references = load_knowledge().references
    problems = [
        f"ae_benchmarks.yaml: entry {b.id!r}, field 'source': {b.source!r} is not in the bibliography"
        for b in table.benchmarks
        if b.source not in references
    ]
    ids = [b.id for b in table.benchmarks]
    problems += [f"ae_benchmarks.yaml: id {i!r} appears twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
    if problems:
        raise KnowledgeError(problems)
    return table
