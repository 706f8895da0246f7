"""Outcome measures and questionnaires, shipped as package data with typed loaders.

``load_measures()`` reads ``data/measures.yaml``: every outcome measure the clinic records (pain
ratings, questionnaires, physical tests), with its unit, range, which direction is better and the
change thresholds (MCID, MDC) with their sources.

``load_questionnaires()`` reads ``data/questionnaires/*.yaml``, one file per instrument. Each file
holds a list of ``versions``; a stored answer set names the version it was given on, so a new
wording never changes how an old answer set reads or scores. ``load_questionnaires()`` returns the
current version of each instrument (the last ``active`` one); ``load_questionnaire_versions()``
returns every version by ``(id, version)``.

Both loaders are cached, validate every entry against the models below and cross-check every
citation id against the bibliography (through :func:`.loader.load_knowledge`). Any problem raises
:class:`.loader.KnowledgeError` naming the file, the entry and the field.

The scoring arithmetic lives in :mod:`needlepoint.clinical.outcomes`; this module only describes
the instruments. Pure: standard library, pydantic and PyYAML.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from importlib.resources.abc import Traversable
from types import MappingProxyType
from typing import Annotated, Literal

from pydantic import Field, model_validator

from .loader import KnowledgeError, _parse, _problem, _read, data_directory, load_knowledge
from .models import Id, OutcomeMeasureId, Record, Reference, SourceIds, Text

__all__ = [
    "NOT_APPLICABLE",
    "Item",
    "Measure",
    "NumericScale",
    "Option",
    "Questionnaire",
    "Scoring",
    "Subscale",
    "Threshold",
    "load_measures",
    "load_measures_from",
    "load_questionnaire_versions",
    "load_questionnaires",
    "load_questionnaires_from",
    "questionnaire_version",
]

MEASURES_FILE = "measures.yaml"
QUESTIONNAIRES_DIR = "questionnaires"

#: The answer that marks an item "not applicable" (only where the item allows it).
NOT_APPLICABLE = "not-applicable"

Version = Annotated[str, Field(pattern=r"^[0-9]+\.[0-9]+$")]
Status = Literal["confirmed", "unconfirmed"]
Direction = Literal["lower is better", "higher is better"]
ScoreDirection = Literal["higher is worse", "higher is better"]
ScoringMethod = Literal[
    # Sum of the answered items as a share of their maximum (NDI, ODI).
    "percent-of-answered",
    # ((sum / n) - 1) x 25 over the n answered items (QuickDASH, DASH).
    "dash",
    # Mean of the rated items (PSFS).
    "mean",
    # Plain sum, with subscale sums (HDI).
    "sum",
    # Each subscale as a share of its applicable maximum; total = mean of the subscales (FFI).
    "subscale-percent-mean",
]
Qualifier = Literal["site", "joint", "movement", "side"]


# --- questionnaires ----------------------------------------------------------------------


class Option(Record):
    value: int
    label: Text


class NumericScale(Record):
    """A 0-10 style rating: every whole number from ``min`` to ``max`` is an answer."""

    min: int
    max: int
    min_label: Text
    max_label: Text

    @model_validator(mode="after")
    def _ordered(self) -> NumericScale:
        if self.max <= self.min:
            raise ValueError("scale max must be greater than min")
        return self


class Item(Record):
    """One question. ``choice`` items list their options; ``numeric-scale`` items rate on a
    scale; ``activity`` items (PSFS) name an activity in the patient's words and rate it."""

    id: Id
    text: Text
    kind: Literal["choice", "numeric-scale", "activity"] = "choice"
    options: tuple[Option, ...] = ()
    scale: NumericScale | None = None
    not_applicable_allowed: bool = False
    required: bool = True
    subscale: Id | None = None

    @model_validator(mode="after")
    def _shape(self) -> Item:
        if self.kind == "choice":
            if len(self.options) < 2:
                raise ValueError("a choice item needs at least two options")
            if self.scale is not None:
                raise ValueError("a choice item has options, not a scale")
            values = [o.value for o in self.options]
            if len(set(values)) != len(values):
                raise ValueError("option values must be unique")
        else:
            if self.scale is None:
                raise ValueError(f"a {self.kind} item needs a scale")
            if self.options:
                raise ValueError(f"a {self.kind} item has a scale, not options")
        return self

    @property
    def min_value(self) -> int:
        return self.scale.min if self.scale is not None else min(o.value for o in self.options)

    @property
    def max_value(self) -> int:
        return self.scale.max if self.scale is not None else max(o.value for o in self.options)

    def allowed_values(self) -> tuple[int, ...]:
        if self.scale is not None:
            return tuple(range(self.scale.min, self.scale.max + 1))
        return tuple(o.value for o in self.options)


class Subscale(Record):
    id: Id
    label: Text


class Scoring(Record):
    """How an answer set becomes a score, and when it cannot be scored.

    ``max_missing``: the most required items that may be unanswered (None: no limit of this kind).
    ``min_answered``: the fewest items that must be answered (PSFS: rated activities).
    ``min_subscale_fraction``: each subscale needs at least this share of its items answered
    and applicable (FFI).
    ``missing_rule_basis`` says whether the missing-item rule is the published one or a project rule.
    """

    method: ScoringMethod
    scale_min: float
    scale_max: float
    unit: Text
    direction: ScoreDirection
    max_missing: Annotated[int, Field(ge=0)] | None = None
    min_answered: Annotated[int, Field(ge=1)] | None = None
    min_subscale_fraction: Annotated[float, Field(gt=0, le=1)] | None = None
    formula: Text
    missing_rule: Text
    missing_rule_basis: Literal["published", "project rule"]
    sources: SourceIds

    @model_validator(mode="after")
    def _range(self) -> Scoring:
        if self.scale_max <= self.scale_min:
            raise ValueError("scale_max must be greater than scale_min")
        return self


class Questionnaire(Record):
    id: Id
    version: Version
    title: Text
    short_title: Text
    measure: OutcomeMeasureId
    recall: Text
    instructions: Text
    subscales: tuple[Subscale, ...] = ()
    items: Annotated[tuple[Item, ...], Field(min_length=1)]
    scoring: Scoring
    sources: SourceIds
    licence: Text
    status: Literal["active", "draft", "retired"]

    @model_validator(mode="after")
    def _consistent(self) -> Questionnaire:
        ids = [i.id for i in self.items]
        if len(set(ids)) != len(ids):
            raise ValueError("item ids must be unique")
        subscale_ids = {s.id for s in self.subscales}
        if len(subscale_ids) != len(self.subscales):
            raise ValueError("subscale ids must be unique")
        for item in self.items:
            if item.subscale is not None and item.subscale not in subscale_ids:
                raise ValueError(f"item {item.id!r} names an unknown subscale {item.subscale!r}")
        if self.scoring.method == "subscale-percent-mean" and (
            not self.subscales or any(i.subscale is None for i in self.items)
        ):
            raise ValueError("subscale-percent-mean scoring needs every item in a subscale")
        return self

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def items_in(self, subscale: str) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.subscale == subscale)


# --- measures ----------------------------------------------------------------------------


class Threshold(Record):
    """A change threshold: ``points`` are in the measure's own unit; ``percent`` is a share of
    the baseline value."""

    value: Annotated[float, Field(gt=0)]
    unit: Literal["points", "percent"]
    sources: SourceIds
    status: Status
    note: str | None = None

    def describe(self, measure_unit: str) -> str:
        if self.unit == "percent":
            return f"{self.value:g}%"
        return f"{self.value:g} {measure_unit}"


class Measure(Record):
    id: OutcomeMeasureId
    name: Text
    short_name: Text
    kind: Literal["rating", "questionnaire", "entered-score", "physical-test"]
    unit: Text
    range_min: float
    range_max: float | None = None
    direction: Direction
    questionnaire: Id | None = None
    qualifiers: tuple[Qualifier, ...] = ()
    mcid: tuple[Threshold, ...] = ()
    mdc: Threshold | None = None
    sources: SourceIds
    status: Status
    note: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Measure:
        if self.range_max is not None and self.range_max <= self.range_min:
            raise ValueError("range_max must be greater than range_min")
        if not self.mcid and self.mdc is None:
            raise ValueError("a measure needs an MCID or an MDC to label change")
        if self.mdc is not None and self.mdc.unit != "points":
            raise ValueError("the MDC is given in points (the measure's unit)")
        if (self.kind == "questionnaire") != (self.questionnaire is not None):
            raise ValueError("a questionnaire measure names its questionnaire, and only it does")
        if self.status == "confirmed":
            for threshold in (*self.mcid, *((self.mdc,) if self.mdc else ())):
                if threshold.status != "confirmed":
                    raise ValueError("a measure with an unconfirmed threshold is unconfirmed")
        return self

    def contains(self, value: float) -> bool:
        """Is ``value`` inside the measure's range?"""
        return value >= self.range_min and (self.range_max is None or value <= self.range_max)


# --- loading -----------------------------------------------------------------------------


def _check_sources(
    file: str, entry: str, field: str, sources: Sequence[str], references: Mapping[str, Reference],
    problems: list[str],
) -> None:
    for i, source in enumerate(sources):
        if source not in references:
            problems.append(_problem(file, f"entry {entry!r}", f"{field}.{i}",
                                     f"unknown source id {source!r} (not in the bibliography)"))


def load_measures_from(directory: Traversable, references: Mapping[str, Reference]) -> Mapping[str, Measure]:
    """Load and check ``measures.yaml`` from ``directory``. Raises KnowledgeError."""
    raw = _read(directory, MEASURES_FILE, ["measures"], optional=False)
    assert raw is not None  # not optional
    problems: list[str] = []
    measures = _parse(MEASURES_FILE, raw["measures"], Measure, problems)
    result: dict[str, Measure] = {}
    for m in measures:
        if m.id in result:
            problems.append(_problem(MEASURES_FILE, f"entry {m.id!r}", "id", f"duplicate id {m.id!r}"))
        result[m.id] = m
        _check_sources(MEASURES_FILE, m.id, "sources", m.sources, references, problems)
        for k, threshold in enumerate(m.mcid):
            _check_sources(MEASURES_FILE, m.id, f"mcid.{k}.sources", threshold.sources, references, problems)
        if m.mdc is not None:
            _check_sources(MEASURES_FILE, m.id, "mdc.sources", m.mdc.sources, references, problems)
    if problems:
        raise KnowledgeError(problems)
    return MappingProxyType(result)


def _read_versions(path: Traversable, name: str, problems: list[str]) -> list[Questionnaire]:
    try:
        raw = _read(path, name, ["versions"], optional=False)
    except KnowledgeError as exc:
        problems.extend(exc.problems)
        return []
    assert raw is not None
    where = f"{QUESTIONNAIRES_DIR}/{name}"
    return _parse(where, raw["versions"], Questionnaire, problems)


def load_questionnaires_from(
    directory: Traversable, references: Mapping[str, Reference], measures: Mapping[str, Measure],
) -> Mapping[tuple[str, str], Questionnaire]:
    """Every questionnaire version in ``directory`` by ``(id, version)``. Raises KnowledgeError.

    Each file is named after its instrument (``ndi.yaml`` holds versions of ``ndi``); versions
    are listed oldest first and never repeat; the questionnaire's reporting scale and direction
    must agree with its measure in ``measures.yaml``.
    """
    if not directory.is_dir():
        raise KnowledgeError([f"{QUESTIONNAIRES_DIR}/: the questionnaire folder is missing"])
    problems: list[str] = []
    result: dict[tuple[str, str], Questionnaire] = {}
    names = sorted(p.name for p in directory.iterdir() if p.name.endswith(".yaml"))
    if not names:
        raise KnowledgeError([f"{QUESTIONNAIRES_DIR}/: no questionnaire files"])
    for name in names:
        where = f"{QUESTIONNAIRES_DIR}/{name}"
        stem = name.removesuffix(".yaml")
        seen: list[str] = []
        for q in _read_versions(directory, name, problems):
            entry = f"{q.id} {q.version}"
            if q.id != stem:
                problems.append(_problem(where, f"entry {entry!r}", "id",
                                         f"questionnaire id {q.id!r} does not match the file name {name!r}"))
            if q.version in seen:
                problems.append(_problem(where, f"entry {entry!r}", "version", f"version {q.version} is listed twice"))
            elif seen and _version_key(q.version) < _version_key(seen[-1]):
                problems.append(_problem(where, f"entry {entry!r}", "version",
                                         f"versions must be listed oldest first ({q.version} after {seen[-1]})"))
            seen.append(q.version)
            _check_sources(where, entry, "sources", q.sources, references, problems)
            _check_sources(where, entry, "scoring.sources", q.scoring.sources, references, problems)
            _check_against_measure(where, entry, q, measures, problems)
            result[(q.id, q.version)] = q
    if problems:
        raise KnowledgeError(problems)
    return MappingProxyType(result)


def _check_against_measure(
    where: str, entry: str, q: Questionnaire, measures: Mapping[str, Measure], problems: list[str],
) -> None:
    measure = measures.get(q.measure)
    if measure is None:
        problems.append(_problem(where, f"entry {entry!r}", "measure", f"unknown measure id {q.measure!r}"))
        return
    if measure.questionnaire != q.id:
        problems.append(_problem(where, f"entry {entry!r}", "measure",
                                 f"measure {q.measure!r} names questionnaire {measure.questionnaire!r}"))
    scoring = q.scoring
    if (scoring.scale_min, scoring.scale_max) != (measure.range_min, measure.range_max):
        problems.append(_problem(where, f"entry {entry!r}", "scoring.scale_max",
                                 f"scale {scoring.scale_min:g}-{scoring.scale_max:g} differs from measure "
                                 f"{measure.id!r} range {measure.range_min:g}-{measure.range_max}"))
    expected = "higher is worse" if measure.direction == "lower is better" else "higher is better"
    if scoring.direction != expected:
        problems.append(_problem(where, f"entry {entry!r}", "scoring.direction",
                                 f"{scoring.direction!r} contradicts measure {measure.id!r} ({measure.direction})"))


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def _references() -> Mapping[str, Reference]:
    return load_knowledge().references


@functools.cache
def load_measures() -> Mapping[str, Measure]:
    """The shipped outcome measures by id (read-only, file order), loaded once per process."""
    return load_measures_from(data_directory(), _references())


@functools.cache
def load_questionnaire_versions() -> Mapping[tuple[str, str], Questionnaire]:
    """Every shipped questionnaire version by ``(id, version)``, loaded once per process."""
    return load_questionnaires_from(data_directory().joinpath(QUESTIONNAIRES_DIR), _references(), load_measures())


@functools.cache
def load_questionnaires() -> Mapping[str, Questionnaire]:
    """The current version of each shipped questionnaire by id (the last ``active`` version)."""
    current: dict[str, Questionnaire] = {}
    for (ident, _version), q in load_questionnaire_versions().items():
        if q.status == "active":
            current[ident] = q
    return MappingProxyType(dict(sorted(current.items())))


def questionnaire_version(ident: str, version: str) -> Questionnaire:
    """One stored version (to rescore or show an old answer set). Raises KeyError if unknown."""
    try:
        return load_questionnaire_versions()[(ident, version)]
    except KeyError:
        raise KeyError(f"unknown questionnaire version {ident!r} {version!r}") from None
