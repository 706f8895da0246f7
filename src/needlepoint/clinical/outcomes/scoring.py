"""Score a questionnaire from item-level answers, with the instrument's missing-item rule.

``score(questionnaire, answers)`` validates the answers (an unknown item, a value that is not
one of the item's answers, or a malformed PSFS activity raises :class:`InvalidAnswers`, naming
every item at fault) and returns a :class:`Score`. Too many unanswered items never raise: the
score comes back with ``is_valid=False`` and a ``reason``.

Answers map item id -> value: an int (or a string of one) on the item's scale; ``None`` or an
absent key for "not answered"; :data:`NOT_APPLICABLE` for an item that allows it (FFI); for a
PSFS activity item a mapping ``{"activity": "<the patient's words>", "score": 0-10}``.

The scoring methods and their sources (the questionnaire's ``scoring.sources``):

- ``percent-of-answered`` (NDI, ODI): percent = sum / (5 x answered) x 100; the reported score
  is that percent on the questionnaire's scale (ODI 0-100, NDI 0-50).
- ``dash`` (QuickDASH): ((sum / n) - 1) x 25 over the n answered items.
- ``mean`` (PSFS): mean of the rated activities.
- ``sum`` (HDI): sum of the items, and per subscale.
- ``subscale-percent-mean`` (FFI): each subscale = sum / (10 x applicable answered) x 100;
  total = mean of the subscales.

Worked examples from the published scoring sheets are reproduced in
``tests/unit/clinical/test_outcome_scoring.py``; docs/outcomes.md explains each rule.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from needlepoint.knowledge.outcomes import NOT_APPLICABLE, Item, Questionnaire

__all__ = ["NOT_APPLICABLE", "InvalidAnswers", "Score", "score"]

ACTIVITY_NAME_MAX = 200


class InvalidAnswers(ValueError):
    """Answers that do not fit the questionnaire. ``errors`` maps item id -> problem."""

    def __init__(self, questionnaire: str, errors: Mapping[str, str]) -> None:
        self.questionnaire = questionnaire
        self.errors: Mapping[str, str] = MappingProxyType(dict(errors))
        lines = "; ".join(f"{item}: {problem}" for item, problem in self.errors.items())
        super().__init__(f"{questionnaire}: {lines}")


@dataclass(frozen=True)
class Score:
    """The result of scoring one answer set.

    ``total`` is on the questionnaire's reporting scale (``scale_min``-``scale_max``, e.g. NDI
    0-50, ODI 0-100, PSFS 0-10) and is what change thresholds apply to; ``percent`` is the same
    score as a share of the scale (0-100). Both are None when the form cannot be scored.
    ``missing`` lists required items left unanswered; ``not_applicable`` items marked so.
    """

    questionnaire: str
    version: str
    measure: str
    method: str
    total: float | None
    percent: float | None
    raw_sum: float | None
    subscales: Mapping[str, float | None]
    answered: int
    missing: tuple[str, ...]
    not_applicable: tuple[str, ...]
    is_valid: bool
    reason: str | None
    scale_min: float
    scale_max: float
    unit: str
    direction: str
    activities: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    sources: tuple[str, ...] = ()


# --- answer validation ---------------------------------------------------------------------


def _as_int(value: object) -> int | None:
    """An int from an int, an integral float or a numeric string; None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit():
            return int(text)
    return None


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass
class _Parsed:
    values: dict[str, int] = field(default_factory=dict)
    not_applicable: list[str] = field(default_factory=list)
    activities: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _parse_rating(item: Item, raw: object, parsed: _Parsed) -> None:
    value = _as_int(raw)
    if value is None:
        parsed.errors[item.id] = f"expected a whole number, got {raw!r}"
    elif value not in item.allowed_values():
        allowed = ", ".join(str(v) for v in item.allowed_values())
        if item.scale is not None:
            allowed = f"{item.min_value}-{item.max_value}"
        parsed.errors[item.id] = f"{value} is not an answer to this item (allowed: {allowed})"
    else:
        parsed.values[item.id] = value


def _parse_activity(item: Item, raw: object, parsed: _Parsed) -> None:
    if not isinstance(raw, Mapping):
        parsed.errors[item.id] = 'expected {"activity": text, "score": 0-10}'
        return
    unknown = sorted(str(k) for k in raw if k not in ("activity", "score"))
    if unknown:
        parsed.errors[item.id] = f"unknown field(s) {', '.join(unknown)}"
        return
    name = raw.get("activity")
    rating = raw.get("score")
    if name is not None and not isinstance(name, str):
        parsed.errors[item.id] = "the activity must be text"
        return
    name = (name or "").strip()
    if len(name) > ACTIVITY_NAME_MAX:
        parsed.errors[item.id] = f"the activity name is longer than {ACTIVITY_NAME_MAX} characters"
        return
    if _blank(rating):
        if name:
            parsed.activities[item.id] = name  # named but not rated: not answered
        return
    if not name:
        parsed.errors[item.id] = "a rating needs the activity it rates"
        return
    parsed.activities[item.id] = name
    _parse_rating(item, rating, parsed)


def _parse(questionnaire: Questionnaire, answers: Mapping[str, object]) -> _Parsed:
    parsed = _Parsed()
    known = {i.id: i for i in questionnaire.items}
    for key in answers:
        if key not in known:
            parsed.errors[str(key)] = "no such item in this questionnaire"
    for item in questionnaire.items:
        raw = answers.get(item.id)
        if _blank(raw):
            continue
        if raw == NOT_APPLICABLE:
            if item.not_applicable_allowed:
                parsed.not_applicable.append(item.id)
            else:
                parsed.errors[item.id] = '"not applicable" is not an answer to this item'
            continue
        if item.kind == "activity":
            _parse_activity(item, raw, parsed)
        else:
            _parse_rating(item, raw, parsed)
    return parsed


# --- scoring -------------------------------------------------------------------------------


def score(questionnaire: Questionnaire, answers: Mapping[str, object]) -> Score:
    """Score ``answers`` with the questionnaire's published method and missing-item rule.

    Raises InvalidAnswers for answers that do not fit the questionnaire; returns an invalid
    Score (with a reason) when too few items are answered to score.
    """
    parsed = _parse(questionnaire, answers)
    if parsed.errors:
        raise InvalidAnswers(questionnaire.id, parsed.errors)
    values = parsed.values
    missing = tuple(
        i.id for i in questionnaire.items if i.required and i.id not in values and i.id not in parsed.not_applicable
    )
    method = questionnaire.scoring.method
    if method == "percent-of-answered":
        result = _percent_of_answered(questionnaire, values, missing)
    elif method == "dash":
        result = _dash(questionnaire, values, missing)
    elif method == "mean":
        result = _mean(questionnaire, values)
    elif method == "sum":
        result = _sum(questionnaire, values, missing)
    else:
        result = _subscale_percent_mean(questionnaire, values)
    total, subscales, reason = result
    scoring = questionnaire.scoring
    span = scoring.scale_max - scoring.scale_min
    percent = None if total is None else (total - scoring.scale_min) / span * 100
    return Score(
        questionnaire=questionnaire.id,
        version=questionnaire.version,
        measure=questionnaire.measure,
        method=method,
        total=total,
        percent=percent,
        raw_sum=float(sum(values.values())) if values else None,
        subscales=MappingProxyType(subscales),
        answered=len(values),
        missing=missing,
        not_applicable=tuple(parsed.not_applicable),
        is_valid=total is not None,
        reason=reason,
        scale_min=scoring.scale_min,
        scale_max=scoring.scale_max,
        unit=scoring.unit,
        direction=scoring.direction,
        activities=MappingProxyType(parsed.activities),
        sources=scoring.sources,
    )


_Result = tuple[float | None, dict[str, float | None], str | None]


def _too_many_missing(questionnaire: Questionnaire, missing: tuple[str, ...]) -> str | None:
    limit = questionnaire.scoring.max_missing
    if limit is None or len(missing) <= limit:
        return None
    allowed = "no item" if limit == 0 else f"at most {limit} item{'s' if limit > 1 else ''}"
    return (
        f"{len(missing)} of {len(questionnaire.items)} items are unanswered "
        f"({', '.join(missing)}); {questionnaire.short_title} is scored with {allowed} unanswered"
    )


def _nothing_answered(questionnaire: Questionnaire) -> str:
    return f"no item of the {questionnaire.short_title} is answered"


def _subscale_sums(questionnaire: Questionnaire, values: Mapping[str, int]) -> dict[str, float | None]:
    return {
        s.id: float(sum(values[i.id] for i in questionnaire.items_in(s.id) if i.id in values))
        for s in questionnaire.subscales
    }


def _percent_of_answered(questionnaire: Questionnaire, values: Mapping[str, int], missing: tuple[str, ...]) -> _Result:
    reason = _too_many_missing(questionnaire, missing)
    if reason is None and not values:
        reason = _nothing_answered(questionnaire)
    if reason is not None:
        return None, {}, reason
    possible = sum(questionnaire.item(i).max_value for i in values)
    share = sum(values.values()) / possible
    scoring = questionnaire.scoring
    return scoring.scale_min + share * (scoring.scale_max - scoring.scale_min), {}, None


def _dash(questionnaire: Questionnaire, values: Mapping[str, int], missing: tuple[str, ...]) -> _Result:
    reason = _too_many_missing(questionnaire, missing)
    if reason is None and not values:
        reason = _nothing_answered(questionnaire)
    if reason is not None:
        return None, {}, reason
    mean = sum(values.values()) / len(values)
    return (mean - 1) * 25, {}, None


def _mean(questionnaire: Questionnaire, values: Mapping[str, int]) -> _Result:
    needed = questionnaire.scoring.min_answered or 1
    if len(values) < needed:
        what = "activity is" if len(values) == 1 else "activities are"
        return (
            None,
            {},
            (f"{len(values)} {what} named and rated; {questionnaire.short_title} is scored with at least {needed}"),
        )
    return sum(values.values()) / len(values), {}, None


def _sum(questionnaire: Questionnaire, values: Mapping[str, int], missing: tuple[str, ...]) -> _Result:
    reason = _too_many_missing(questionnaire, missing)
    if reason is not None:
        return None, {}, reason
    return float(sum(values.values())), _subscale_sums(questionnaire, values), None


def _subscale_percent_mean(questionnaire: Questionnaire, values: Mapping[str, int]) -> _Result:
    fraction = questionnaire.scoring.min_subscale_fraction or 0.0
    subscales: dict[str, float | None] = {}
    short: list[str] = []
    for sub in questionnaire.subscales:
        items = questionnaire.items_in(sub.id)
        used = [i for i in items if i.id in values]
        needed = max(1, math.ceil(fraction * len(items) - 1e-9))
        if len(used) < needed:
            subscales[sub.id] = None
            short.append(
                f"{sub.label.lower()} has {len(used)} of {len(items)} items answered and applicable (needs {needed})"
            )
            continue
        possible = sum(i.max_value for i in used)
        subscales[sub.id] = sum(values[i.id] for i in used) / possible * 100
    if short:
        return None, subscales, "; ".join(short)
    scored = [v for v in subscales.values() if v is not None]
    return sum(scored) / len(scored), subscales, None
