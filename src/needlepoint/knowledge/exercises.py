"""The home-exercise library: cited exercises with patient instructions and a default dose.

``load_exercises()`` reads ``exercises.yaml`` from the package data (never the working directory),
validates every entry against the typed records below and cross-checks it against the rest of the
knowledge base: region codes against ``regions.yaml``, muscle ids against ``muscles.yaml``,
condition ids against ``conditions.yaml`` and source ids against the bibliography. It reuses the
loader of :mod:`.loader`, so a problem raises :class:`~.loader.KnowledgeError` naming the file, the
entry and the field, e.g.::

    exercises.yaml: entry 'glute-bridge', field 'muscles.1': unknown muscle id 'gluteus-maximum'

``confirmed`` on an exercise says whether the cited source was read for *this* exercise and dose;
``false`` means the instructions follow common practice and the source is cited from memory.

Pure core: pydantic, PyYAML and the standard library only.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from types import MappingProxyType
from typing import Annotated, Literal, get_args

from pydantic import Field, model_validator

from .loader import (
    Knowledge,
    KnowledgeError,
    _Checker,
    _index,
    _parse,
    _read,
    data_directory,
    load_knowledge,
)
from .models import Id, Record, RegionCode, SourceIds, Text

__all__ = [
    "BODY_AREAS",
    "EXERCISES_FILE",
    "EXERCISE_KINDS",
    "KIND_LABELS",
    "LIMITS",
    "Advice",
    "Dose",
    "Exercise",
    "ExerciseLibrary",
    "areas_of",
    "dose_text",
    "load_exercises",
    "load_exercises_from",
]

EXERCISES_FILE = "exercises.yaml"

ExerciseKind = Literal["stretch", "strengthening", "mobility", "motor-control"]
EXERCISE_KINDS: tuple[str, ...] = get_args(ExerciseKind)
KIND_LABELS: Mapping[str, str] = MappingProxyType(
    {"stretch": "Stretch", "strengthening": "Strengthening", "mobility": "Mobility", "motor-control": "Motor control"}
)


@dataclass(frozen=True)
class Limits:
    """The range a prescription may take (input checks for the library and for assignments)."""

    sets: tuple[int, int] = (1, 10)
    reps: tuple[int, int] = (1, 100)
    hold_seconds: tuple[int, int] = (1, 300)
    times_per_day: tuple[int, int] = (1, 6)
    days_per_week: tuple[int, int] = (1, 7)


LIMITS = Limits()

#: Body areas for browsing the library: (code, label, region-code prefixes). An exercise belongs to
#: every area one of its regions falls in.
BODY_AREAS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("neck", "Head and neck", ("head.", "face.", "neck.")),
    ("shoulder", "Shoulder and upper arm", ("shoulder.", "arm.")),
    ("elbow-wrist", "Elbow, forearm, wrist and hand", ("elbow.", "forearm.", "wrist.", "hand.")),
    ("back", "Back, chest and trunk", ("back.", "chest.", "abdomen.")),
    ("hip", "Hip, pelvis and thigh", ("pelvis.", "buttock.", "hip.", "groin", "thigh.")),
    ("knee", "Knee", ("knee.",)),
    ("ankle-foot", "Lower leg, ankle and foot", ("leg.", "ankle.", "heel.", "foot.")),
)

Sets = Annotated[int, Field(strict=True, ge=LIMITS.sets[0], le=LIMITS.sets[1])]
Reps = Annotated[int, Field(strict=True, ge=LIMITS.reps[0], le=LIMITS.reps[1])]
HoldSeconds = Annotated[int, Field(strict=True, ge=LIMITS.hold_seconds[0], le=LIMITS.hold_seconds[1])]
TimesPerDay = Annotated[int, Field(strict=True, ge=LIMITS.times_per_day[0], le=LIMITS.times_per_day[1])]
DaysPerWeek = Annotated[int, Field(strict=True, ge=LIMITS.days_per_week[0], le=LIMITS.days_per_week[1])]


class Dose(Record):
    """How much: sets of repetitions and/or holds, how often a day, how many days a week."""

    sets: Sets
    reps: Reps | None = None
    hold_seconds: HoldSeconds | None = None
    times_per_day: TimesPerDay
    days_per_week: DaysPerWeek

    @model_validator(mode="after")
    def _reps_or_hold(self) -> Dose:
        if self.reps is None and self.hold_seconds is None:
            raise ValueError("give reps, hold_seconds or both")
        return self

    def text(self) -> str:
        return dose_text(self.sets, self.reps, self.hold_seconds, self.times_per_day, self.days_per_week)


class Exercise(Record):
    id: Id
    name: Text
    aliases: tuple[Text, ...] = ()
    kind: ExerciseKind
    regions: Annotated[tuple[RegionCode, ...], Field(min_length=1)]
    muscles: Annotated[tuple[Id, ...], Field(min_length=1)]
    conditions: tuple[Id, ...] = ()
    purpose: Text
    equipment: tuple[Text, ...] = ()
    steps: Annotated[tuple[Text, ...], Field(min_length=2)]
    dose: Dose
    cautions: Annotated[tuple[Text, ...], Field(min_length=1)]
    confirmed: bool
    sources: SourceIds

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


class Advice(Record):
    """Advice printed with every programme (how hard to work, when to stop)."""

    id: Id
    text: Text
    confirmed: bool
    sources: SourceIds


@dataclass(frozen=True)
class ExerciseLibrary:
    """Every exercise by id (file order), the general advice, and each exercise's body areas."""

    exercises: Mapping[str, Exercise]
    advice: tuple[Advice, ...]
    areas: Mapping[str, tuple[str, ...]]

    def __len__(self) -> int:
        return len(self.exercises)

    def get(self, exercise_id: str) -> Exercise | None:
        return self.exercises.get(exercise_id)

    def search(self, text: str = "", *, area: str = "", kind: str = "") -> list[Exercise]:
        """Exercises whose name, aliases, purpose or equipment contain every word of ``text``
        (case-insensitive), in ``area`` and of ``kind`` when given; in library order."""
        words = text.casefold().split()
        found = []
        for exercise in self.exercises.values():
            if area and area not in self.areas[exercise.id]:
                continue
            if kind and exercise.kind != kind:
                continue
            haystack = " ".join((exercise.name, *exercise.aliases, exercise.purpose, *exercise.equipment)).casefold()
            if all(word in haystack for word in words):
                found.append(exercise)
        return found


def areas_of(regions: tuple[str, ...]) -> tuple[str, ...]:
    """The body areas (codes of BODY_AREAS) that the given region codes fall in, in area order."""
    return tuple(code for code, _label, prefixes in BODY_AREAS if any(r.startswith(prefixes) for r in regions))


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _duration(seconds: int) -> str:
    if seconds >= 60 and seconds % 60 == 0:
        return _plural(seconds // 60, "minute", "minutes")
    return _plural(seconds, "second", "seconds")


def dose_text(sets: int, reps: int | None, hold_seconds: int | None, times_per_day: int, days_per_week: int) -> str:
    """A dose in words for a patient: '3 sets of 10 repetitions, hold each for 5 seconds · twice a
    day · every day'."""
    if reps == 1 and hold_seconds is not None:
        amount = f"hold for {_duration(hold_seconds)}"
        if sets > 1:
            amount = f"{sets} sets: {amount}"
    elif reps is not None:
        amount = (
            f"{sets} sets of {_plural(reps, 'repetition', 'repetitions')}"
            if sets > 1
            else _plural(reps, "repetition", "repetitions")
        )
        if hold_seconds is not None:
            amount += f", hold each for {_duration(hold_seconds)}"
    else:
        amount = f"{_plural(sets, 'hold', 'holds')} of {_duration(hold_seconds or 0)}"
    daily = {1: "once a day", 2: "twice a day"}.get(times_per_day, f"{times_per_day} times a day")
    weekly = "every day" if days_per_week == 7 else f"{_plural(days_per_week, 'day', 'days')} a week"
    return f"{amount} · {daily} · {weekly}"


# --- loading ----------------------------------------------------------------------------------


def load_exercises_from(directory: Traversable, knowledge: Knowledge) -> ExerciseLibrary:
    """Load ``exercises.yaml`` from ``directory`` and check it against ``knowledge``.

    Raises KnowledgeError with one line per problem (file, entry, field).
    """
    raw = _read(directory, EXERCISES_FILE, ["advice", "exercises"], optional=False)
    assert raw is not None  # not optional
    problems: list[str] = []
    advice_list = _parse(EXERCISES_FILE, raw["advice"], Advice, problems)
    exercise_list = _parse(EXERCISES_FILE, raw["exercises"], Exercise, problems)
    advice = _index(EXERCISES_FILE, advice_list, lambda a: a.id, problems)
    exercises = _index(EXERCISES_FILE, exercise_list, lambda e: e.id, problems)
    for ident in set(advice) & set(exercises):
        problems.append(f"{EXERCISES_FILE}: entry {ident!r}, field 'id': used by both an exercise and advice")
    if problems:
        raise KnowledgeError(problems)

    checker = _Checker(knowledge.regions, knowledge.references)
    f = EXERCISES_FILE
    for item in advice.values():
        checker.sources_exist(f, item.id, "sources", item.sources)
    for exercise in exercises.values():
        checker.regions_exist(f, exercise.id, "regions", exercise.regions)
        checker.ids_exist(f, exercise.id, "muscles", exercise.muscles, knowledge.muscles, "muscle")
        checker.ids_exist(f, exercise.id, "conditions", exercise.conditions, knowledge.conditions, "condition")
        checker.sources_exist(f, exercise.id, "sources", exercise.sources)
        if not areas_of(exercise.regions):
            checker.add(f, exercise.id, "regions", "no region falls in a body area of the library")
    if checker.problems:
        raise KnowledgeError(checker.problems)
    return ExerciseLibrary(
        exercises=MappingProxyType(exercises),
        advice=tuple(advice.values()),
        areas=MappingProxyType({e.id: areas_of(e.regions) for e in exercises.values()}),
    )


@functools.cache
def load_exercises() -> ExerciseLibrary:
    """The shipped exercise library, loaded once per process."""
    return load_exercises_from(data_directory(), load_knowledge())
