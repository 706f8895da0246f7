"""Reading the atlas: search, detail, body-map marks, pain-pattern suggestions.

Reference knowledge only (no patient data, no database), so these functions need no Django
and the command line calls them directly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from needlepoint.bodymap import Mark
from needlepoint.clinical import finder
from needlepoint.errors import InvalidInput, NotFound
from needlepoint.knowledge import Condition, Muscle, Reference, Topic, load_knowledge

SIDES = ("left", "right")


def knowledge():  # type: ignore[no-untyped-def]
    return load_knowledge()


def _fold(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").split())


def search_muscles(text: str = "", group: str = "") -> list[Muscle]:
    """Muscles whose name, alias or id contains every word of ``text``."""
    words = _fold(text).split()
    found = []
    for muscle in load_knowledge().muscles.values():
        if group and muscle.group != group:
            continue
        haystack = _fold(" ".join((muscle.id, muscle.name, *muscle.aliases)))
        if all(word in haystack for word in words):
            found.append(muscle)
    return found


def search_conditions(text: str = "") -> list[Condition]:
    words = _fold(text).split()
    found = []
    for condition in load_knowledge().conditions.values():
        haystack = _fold(
            " ".join((condition.id, condition.name, condition.plain_name, *(c.code for c in condition.icd10cm)))
        )
        if all(word in haystack for word in words):
            found.append(condition)
    return found


def muscle(muscle_id: str) -> Muscle:
    try:
        return load_knowledge().muscles[muscle_id]
    except KeyError:
        raise NotFound(f"no muscle {muscle_id!r} in the atlas") from None


def condition(condition_id: str) -> Condition:
    try:
        return load_knowledge().conditions[condition_id]
    except KeyError:
        raise NotFound(f"no condition {condition_id!r} in the atlas") from None


def topic(topic_id: str) -> Topic:
    try:
        return load_knowledge().topics[topic_id]
    except KeyError:
        raise NotFound(f"no topic {topic_id!r}") from None


def references(ids: Iterable[str]) -> list[Reference]:
    """The cited references, in first-cited order, each once."""
    kb = load_knowledge()
    seen: dict[str, Reference] = {}
    for ref_id in ids:
        if ref_id in kb.references and ref_id not in seen:
            seen[ref_id] = kb.references[ref_id]
    return list(seen.values())


def muscle_sources(m: Muscle) -> list[Reference]:
    ids = [*m.sources]
    for tp in m.trigger_points:
        ids.extend(tp.sources)
    for danger in m.danger_structures:
        ids.extend(danger.sources)
    if m.needling.limit_source:
        ids.append(m.needling.limit_source)
    return references(ids)


def condition_sources(c: Condition) -> list[Reference]:
    return references([*c.sources, *(e.source for e in c.evidence)])


def muscles_for_condition(c: Condition) -> list[Muscle]:
    kb = load_knowledge()
    return [kb.muscles[m] for m in c.muscles if m in kb.muscles]


def conditions_for_muscle(m: Muscle) -> list[Condition]:
    kb = load_knowledge()
    return [kb.conditions[c] for c in m.conditions if c in kb.conditions]


def referral_marks(m: Muscle, side: str, trigger_point: str | None = None) -> dict[tuple[str, str | None], Mark]:
    """Body-map marks for a muscle on one side: referral zones and the muscle's own site."""
    if side not in SIDES:
        raise InvalidInput({"side": ["use left or right"]})
    kb = load_knowledge()
    other = "right" if side == "left" else "left"

    def key(code: str, s: str) -> tuple[str, str | None]:
        return (code, None) if kb.regions[code].midline else (code, s)

    marks: dict[tuple[str, str | None], Mark] = {}
    rank = {"site": 0, "spillover": 1, "primary": 2}

    def put(k: tuple[str, str | None], kind: str) -> None:
        if k not in marks or rank[kind] > rank[marks[k].kind]:
            marks[k] = Mark(kind)  # type: ignore[arg-type]

    for code in m.regions:
        put(key(code, side), "site")
    for tp in m.trigger_points:
        if trigger_point and tp.id != trigger_point:
            continue
        for code in tp.referral.spillover:
            put(key(code, side), "spillover")
        for code in tp.referral.primary:
            put(key(code, side), "primary")
        for code in tp.referral.contralateral:
            put(key(code, other), "primary" if code in tp.referral.primary else "spillover")
    return marks


def parse_drawing(items: Sequence[Any]) -> list[finder.PainMark]:
    """Marks from ``REGION[:SIDE]`` strings or ``{region, side, intensity}`` objects, each
    checked; every bad entry is named by its position."""
    marks: list[finder.PainMark] = []
    errors: dict[str, list[str]] = {}
    kb = load_knowledge()
    for index, item in enumerate(items):
        if isinstance(item, str):
            mark = finder.parse_mark(item)
        else:
            mark = finder.PainMark(item["region"], item.get("side"), item.get("intensity"))
        try:
            finder.normalise([mark], kb)
        except finder.DrawingError as exc:
            errors[f"drawing.{index}"] = list(exc.problems)
            continue
        marks.append(mark)
    if errors:
        raise InvalidInput(errors)
    return marks


def suggest(items: Sequence[Any], limit: int = 10) -> list[finder.Suggestion]:
    if not 1 <= limit <= 50:
        raise InvalidInput({"limit": ["must be between 1 and 50"]})
    return finder.suggest(parse_drawing(items), limit=limit)


def drawing_marks(items: Sequence[Any]) -> dict[tuple[str, str | None], Mark]:
    """Pain marks for the body map from a validated drawing."""
    marks: dict[tuple[str, str | None], Mark] = {}
    for mark in finder.normalise(parse_drawing(items)):
        marks[(mark.region, mark.side)] = Mark("pain", mark.intensity if mark.intensity is not None else 6)
    return marks
