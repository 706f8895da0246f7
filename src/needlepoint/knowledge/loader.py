"""Load and cross-check the knowledge base shipped as package data.

``load_knowledge()`` reads the YAML files in ``needlepoint/knowledge/data`` through
:mod:`importlib.resources` (never relative to the working directory), validates every
entry against :mod:`.models`, checks the references between files and returns one
immutable :class:`Knowledge` object. It is cached: the files are read once per process.

Any problem raises :class:`KnowledgeError`; its message names the file, the entry and the
field, one line per problem, e.g.::

    muscles.yaml: entry 'upper-trapezius', field 'trigger_points.0.referral.primary.2':
    unknown region code 'head.tempel'
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from types import MappingProxyType
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .models import (
    AdverseEffect,
    Condition,
    Muscle,
    Reference,
    Region,
    RegionGroup,
    Topic,
)

__all__ = ["Knowledge", "KnowledgeError", "load_knowledge", "load_knowledge_from"]

REGIONS_FILE = "regions.yaml"
BIBLIOGRAPHY_FILE = "bibliography.yaml"
BIBLIOGRAPHY_EXTRA_FILE = "bibliography-extra.yaml"
MUSCLES_FILE = "muscles.yaml"
CONDITIONS_FILE = "conditions.yaml"
TOPICS_FILE = "topics.yaml"
ADVERSE_EFFECTS_FILE = "adverse_effects.yaml"

M = TypeVar("M", bound=BaseModel)


class KnowledgeError(Exception):
    """The knowledge data is missing, malformed or inconsistent.

    ``problems`` holds one line per problem; the message joins them.
    """

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        if len(self.problems) == 1:
            message = self.problems[0]
        else:
            message = f"{len(self.problems)} problems in the knowledge data:\n" + "\n".join(self.problems)
        super().__init__(message)


@dataclass(frozen=True)
class Knowledge:
    """The whole knowledge base. Every mapping is read-only and keeps file order."""

    regions: Mapping[str, Region]
    region_groups: Mapping[str, RegionGroup]
    references: Mapping[str, Reference]
    muscles: Mapping[str, Muscle]
    conditions: Mapping[str, Condition]
    topics: Mapping[str, Topic]
    adverse_effects: Mapping[str, AdverseEffect]

    def muscles_referring_to(self, region: str) -> tuple[Muscle, ...]:
        """Muscles with a trigger point whose referral zone includes ``region``."""
        return tuple(m for m in self.muscles.values() if region in m.referral_regions())

    def muscles_in_region(self, region: str) -> tuple[Muscle, ...]:
        """Muscles that lie in (are needled through) ``region``."""
        return tuple(m for m in self.muscles.values() if region in m.regions)


# --- YAML reading ---------------------------------------------------------------------


class _StrictLoader(yaml.SafeLoader):
    """Safe loader that refuses duplicate keys in a mapping (PyYAML keeps the last)."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _value_node in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read(directory: Traversable, name: str, keys: Sequence[str], *, optional: bool) -> dict[str, list[Any]] | None:
    """Read one data file; return its top-level lists, or None if optional and absent."""
    path = directory.joinpath(name)
    if not path.is_file():
        if optional:
            return None
        raise KnowledgeError([f"{name}: required data file is missing"])
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)  # noqa: S506
    except yaml.YAMLError as exc:
        raise KnowledgeError([f"{name}: not valid YAML: {exc}"]) from exc
    expected = ", ".join(repr(k) for k in keys)
    if not isinstance(data, dict):
        raise KnowledgeError([f"{name}: expected a mapping with the key(s) {expected}"])
    problems = [f"{name}: unknown top-level key {key!r}" for key in data if key not in keys]
    result: dict[str, list[Any]] = {}
    for key in keys:
        if key not in data:
            problems.append(f"{name}: missing top-level key {key!r}")
        elif not isinstance(data[key], list):
            problems.append(f"{name}: top-level key {key!r} must hold a list")
        else:
            result[key] = data[key]
    if problems:
        raise KnowledgeError(problems)
    return result


# --- schema validation ----------------------------------------------------------------


def _entry_label(raw: Any, index: int) -> str:
    if isinstance(raw, dict):
        for key in ("id", "code"):
            value = raw.get(key)
            if isinstance(value, str) and value:
                return f"entry {value!r}"
    return f"entry #{index}"


def _describe(error: Mapping[str, Any]) -> str:
    loc = error["loc"]
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"unknown field {loc[-1]!r}"
    if kind == "missing":
        return "required field is missing"
    if kind == "too_short" and loc and loc[-1] == "sources":
        return "at least one source is required"
    message = str(error["msg"])
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    value = error.get("input")
    if isinstance(value, str | int | float | bool):
        message += f" (got {value!r})"
    return message


def _problem(file: str, entry: str, field: str, message: str) -> str:
    where = f"{file}: {entry}"
    if field:
        where += f", field {field!r}"
    return f"{where}: {message}"


def _parse(file: str, raw_entries: list[Any], model: type[M], problems: list[str]) -> list[M]:
    parsed: list[M] = []
    for index, raw in enumerate(raw_entries):
        try:
            parsed.append(model.model_validate(raw))
        except ValidationError as exc:
            entry = _entry_label(raw, index)
            for error in exc.errors():
                field = ".".join(str(part) for part in error["loc"])
                problems.append(_problem(file, entry, field, _describe(error)))
    return parsed


def _index(
    file: str,
    items: Iterable[M],
    key: Callable[[M], str],
    problems: list[str],
    into: dict[str, M] | None = None,
    key_field: str = "id",
) -> dict[str, M]:
    """Build an id -> record mapping, reporting duplicates."""
    result: dict[str, M] = {} if into is None else into
    for item in items:
        ident = key(item)
        if ident in result:
            problems.append(_problem(file, f"entry {ident!r}", key_field, f"duplicate {key_field} {ident!r}"))
        else:
            result[ident] = item
    return result


# --- cross-checks ---------------------------------------------------------------------


class _Checker:
    """Collects reference problems between files, with file, entry and field path."""

    def __init__(self, regions: Mapping[str, Region], references: Mapping[str, Reference]):
        self.regions = regions
        self.references = references
        self.problems: list[str] = []

    def add(self, file: str, entry: str, field: str, message: str) -> None:
        self.problems.append(_problem(file, f"entry {entry!r}", field, message))

    def regions_exist(self, file: str, entry: str, field: str, codes: Sequence[str]) -> None:
        seen: set[str] = set()
        for i, code in enumerate(codes):
            if code not in self.regions:
                self.add(file, entry, f"{field}.{i}", f"unknown region code {code!r}")
            elif code in seen:
                self.add(file, entry, f"{field}.{i}", f"region code {code!r} listed twice")
            seen.add(code)

    def source_exists(self, file: str, entry: str, field: str, source: str) -> None:
        if source not in self.references:
            self.add(file, entry, field, f"unknown source id {source!r} (not in the bibliography)")

    def sources_exist(self, file: str, entry: str, field: str, sources: Sequence[str]) -> None:
        for i, source in enumerate(sources):
            self.source_exists(file, entry, f"{field}.{i}", source)

    def ids_exist(
        self,
        file: str,
        entry: str,
        field: str,
        ids: Sequence[str],
        known: Mapping[str, object],
        what: str,
    ) -> None:
        for i, ident in enumerate(ids):
            if ident not in known:
                self.add(file, entry, f"{field}.{i}", f"unknown {what} id {ident!r}")
        if len(set(ids)) != len(ids):
            self.add(file, entry, field, f"a {what} id is listed twice")

    def muscle(self, m: Muscle, conditions: Mapping[str, Condition] | None) -> None:
        f = MUSCLES_FILE
        self.regions_exist(f, m.id, "regions", m.regions)
        self.sources_exist(f, m.id, "sources", m.sources)
        tp_ids: set[str] = set()
        for k, tp in enumerate(m.trigger_points):
            base = f"trigger_points.{k}"
            if tp.id in tp_ids:
                self.add(f, m.id, f"{base}.id", f"duplicate trigger point id {tp.id!r}")
            tp_ids.add(tp.id)
            ref = tp.referral
            for part in ("primary", "spillover", "contralateral"):
                self.regions_exist(f, m.id, f"{base}.referral.{part}", getattr(ref, part))
            for i, code in enumerate(ref.spillover):
                if code in ref.primary:
                    self.add(
                        f, m.id, f"{base}.referral.spillover.{i}", f"region {code!r} is already in the primary zone"
                    )
            for i, code in enumerate(ref.contralateral):
                region = self.regions.get(code)
                if region is not None and region.midline:
                    self.add(
                        f, m.id, f"{base}.referral.contralateral.{i}", f"midline region {code!r} has no other side"
                    )
            self.sources_exist(f, m.id, f"{base}.sources", tp.sources)
        if m.needling.limit_source is not None:
            self.source_exists(f, m.id, "needling.limit_source", m.needling.limit_source)
        for k, danger in enumerate(m.danger_structures):
            self.sources_exist(f, m.id, f"danger_structures.{k}.sources", danger.sources)
        if conditions is not None:
            self.ids_exist(f, m.id, "conditions", m.conditions, conditions, "condition")
        elif len(set(m.conditions)) != len(m.conditions):
            self.add(f, m.id, "conditions", "a condition id is listed twice")

    def billing_key(self, m: Muscle, muscles: Mapping[str, Muscle]) -> None:
        """A part names a muscle that is not itself a part or a group; a group's muscles are not
        atlas entries or parts of their own (either would count one muscle twice in billing)."""
        f = MUSCLES_FILE
        whole = muscles.get(m.anatomical_muscle) if m.anatomical_muscle else None
        if whole is not None and (whole.anatomical_muscle or whole.covers):
            self.add(
                f,
                m.id,
                "anatomical_muscle",
                f"{m.anatomical_muscle!r} is itself a part or a group; name the whole muscle",
            )
        keys = {other.billing_muscle for other in muscles.values() if other.id != m.id}
        for i, covered in enumerate(m.covers):
            if covered in muscles or covered in keys:
                self.add(f, m.id, f"covers.{i}", f"{covered!r} is also counted by another atlas entry")

    def condition(self, c: Condition, muscles: Mapping[str, Muscle]) -> None:
        f = CONDITIONS_FILE
        self.regions_exist(f, c.id, "regions", c.regions)
        self.ids_exist(f, c.id, "muscles", c.muscles, muscles, "muscle")
        self.sources_exist(f, c.id, "sources", c.sources)
        for k, ev in enumerate(c.evidence):
            self.source_exists(f, c.id, f"evidence.{k}.source", ev.source)

    def topic(self, t: Topic) -> None:
        self.sources_exist(TOPICS_FILE, t.id, "sources", t.sources)

    def adverse_effect(self, a: AdverseEffect) -> None:
        f = ADVERSE_EFFECTS_FILE
        self.sources_exist(f, a.id, "sources", a.sources)
        for k, rate in enumerate(a.rates):
            self.source_exists(f, a.id, f"rates.{k}.source", rate.source)


# --- entry points ---------------------------------------------------------------------


def load_knowledge_from(directory: Traversable) -> Knowledge:
    """Load, validate and cross-check the data files in ``directory``.

    ``regions.yaml``, ``bibliography.yaml`` and ``muscles.yaml`` are required; the other
    files are optional and count as empty lists when absent. Raises KnowledgeError.
    """
    problems: list[str] = []

    def section(name: str, key: str, model: type[M], optional: bool) -> list[M] | None:
        try:
            raw = _read(directory, name, [key], optional=optional)
        except KnowledgeError as exc:
            problems.extend(exc.problems)
            return []
        if raw is None:
            return None
        return _parse(name, raw[key], model, problems)

    try:
        raw_regions = _read(directory, REGIONS_FILE, ["groups", "regions"], optional=False)
    except KnowledgeError as exc:
        problems.extend(exc.problems)
        raw_regions = None
    groups_list: list[RegionGroup] = []
    regions_list: list[Region] = []
    if raw_regions is not None:
        groups_list = _parse(REGIONS_FILE, raw_regions["groups"], RegionGroup, problems)
        regions_list = _parse(REGIONS_FILE, raw_regions["regions"], Region, problems)

    bibliography = section(BIBLIOGRAPHY_FILE, "references", Reference, False) or []
    extra = section(BIBLIOGRAPHY_EXTRA_FILE, "references", Reference, True) or []
    muscle_list = section(MUSCLES_FILE, "muscles", Muscle, False) or []
    condition_list = section(CONDITIONS_FILE, "conditions", Condition, True)
    topic_list = section(TOPICS_FILE, "topics", Topic, True) or []
    effect_list = section(ADVERSE_EFFECTS_FILE, "adverse_effects", AdverseEffect, True) or []

    # Identity: unique ids (and region codes) within each kind.
    groups = _index(REGIONS_FILE, groups_list, lambda g: g.code, problems, key_field="code")
    regions = _index(REGIONS_FILE, regions_list, lambda r: r.code, problems, key_field="code")
    for region in regions.values():
        if region.group not in groups:
            problems.append(
                _problem(REGIONS_FILE, f"entry {region.code!r}", "group", f"unknown region group {region.group!r}")
            )
    references = _index(BIBLIOGRAPHY_FILE, bibliography, lambda r: r.id, problems)
    base_ids = set(references)
    for ref in extra:
        if ref.id in base_ids:
            problems.append(
                _problem(
                    BIBLIOGRAPHY_EXTRA_FILE,
                    f"entry {ref.id!r}",
                    "id",
                    f"duplicate id {ref.id!r} (already defined in {BIBLIOGRAPHY_FILE})",
                )
            )
    _index(
        BIBLIOGRAPHY_EXTRA_FILE, [r for r in extra if r.id not in base_ids], lambda r: r.id, problems, into=references
    )
    muscles = _index(MUSCLES_FILE, muscle_list, lambda m: m.id, problems)
    conditions = None if condition_list is None else _index(CONDITIONS_FILE, condition_list, lambda c: c.id, problems)
    topics = _index(TOPICS_FILE, topic_list, lambda t: t.id, problems)
    effects = _index(ADVERSE_EFFECTS_FILE, effect_list, lambda a: a.id, problems)
    if problems:
        raise KnowledgeError(problems)

    # References between files.
    checker = _Checker(regions, references)
    for muscle in muscles.values():
        checker.muscle(muscle, conditions)
        checker.billing_key(muscle, muscles)
    for condition in (conditions or {}).values():
        checker.condition(condition, muscles)
    for topic in topics.values():
        checker.topic(topic)
    for effect in effects.values():
        checker.adverse_effect(effect)
    if checker.problems:
        raise KnowledgeError(checker.problems)

    return Knowledge(
        regions=MappingProxyType(regions),
        region_groups=MappingProxyType(groups),
        references=MappingProxyType(references),
        muscles=MappingProxyType(muscles),
        conditions=MappingProxyType(conditions or {}),
        topics=MappingProxyType(topics),
        adverse_effects=MappingProxyType(effects),
    )


def data_directory() -> Traversable:
    """The packaged data directory (resolved through importlib.resources)."""
    return files(__package__ or "needlepoint.knowledge").joinpath("data")


@functools.cache
def load_knowledge() -> Knowledge:
    """The shipped knowledge base, loaded once per process."""
    return load_knowledge_from(data_directory())
