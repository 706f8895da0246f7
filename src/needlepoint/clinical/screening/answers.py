"""The screening answers and plan: the contract's question ids, their types, and validation.

A missing key means the question was not asked; ``None`` means the patient did not answer.
Every problem is reported at once, each under the path of its field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from needlepoint.knowledge import Knowledge

SIDES = ("left", "right")
LEVELS = ("none", "mild", "severe")
CONTROL = ("none", "controlled", "uncontrolled")
LUNG_DISEASES = ("emphysema", "copd", "lung_cancer", "tuberculosis", "pneumonia", "chronic_bronchitis")

BOOLEAN = (
    "pregnant",
    "willing",
    "able_to_consent",
    "guardian_consent",
    "acute_illness",
    "prior_adverse_reaction",
    "anticoagulants",
    "bleeding_disorder",
    "immunocompromised",
    "vascular_disease",
    "heart_valve_disease",
    "pacemaker_or_icd",
    "metal_allergy",
    "chest_surgery",
    "frail",
)
CHOICE: Mapping[str, tuple[Any, ...]] = {
    "needle_phobia": LEVELS,
    "diabetes": CONTROL,
    "epilepsy": CONTROL,
    "pregnancy_trimester": (1, 2, 3),
}
AREA_LISTS = ("lymphoedema", "lymph_node_removal")  # items: {region or group, side}
REGION_LISTS = ("local_infection", "metal_implant", "recent_surgery")  # items: {region, side}
QUESTION_IDS: tuple[str, ...] = (
    "age_years",
    *BOOLEAN,
    *CHOICE,
    *AREA_LISTS,
    *REGION_LISTS,
    "lung_disease",
)


QUESTION_LABELS: Mapping[str, str] = {
    "age_years": "age",
    "pregnant": "pregnancy",
    "pregnancy_trimester": "trimester",
    "needle_phobia": "fear of needles",
    "willing": "wants dry needling",
    "able_to_consent": "able to consent",
    "guardian_consent": "parent's or guardian's consent",
    "acute_illness": "unwell today",
    "prior_adverse_reaction": "past reaction to needling or an injection",
    "anticoagulants": "blood-thinning medicine",
    "bleeding_disorder": "bleeding disorder",
    "lymphoedema": "lymphoedema",
    "lymph_node_removal": "lymph nodes removed",
    "local_infection": "infected or inflamed skin",
    "immunocompromised": "weakened immunity",
    "diabetes": "diabetes",
    "vascular_disease": "circulation problems",
    "heart_valve_disease": "heart valve disease",
    "epilepsy": "epilepsy",
    "pacemaker_or_icd": "pacemaker or defibrillator",
    "metal_implant": "metal implants",
    "metal_allergy": "metal allergy",
    "chest_surgery": "chest or lung surgery",
    "lung_disease": "lung disease",
    "recent_surgery": "recent surgery",
    "frail": "frail or very low weight",
}


class ScreeningInputError(ValueError):
    """Bad answers or plan. ``errors`` maps each field path to its problems."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in self.errors.items()))


@dataclass(frozen=True)
class Area:
    """A region or a whole region group, on one side (None: midline, or both sides of a group)."""

    code: str
    side: str | None
    is_group: bool = False


@dataclass(frozen=True)
class Target:
    muscle: str
    side: str


@dataclass(frozen=True)
class Plan:
    targets: tuple[Target, ...]
    electrical_stimulation: bool


def _area(value: Any, path: str, kb: Knowledge, *, groups: bool, errors: dict[str, list[str]]) -> Area | None:
    if not isinstance(value, Mapping):
        errors.setdefault(path, []).append("expected an object with region and side")
        return None
    allowed = {"region", "side"} | ({"group"} if groups else set())
    for key in value:
        if key not in allowed:
            errors.setdefault(f"{path}.{key}", []).append("unknown field")
    has_region, has_group = "region" in value, groups and "group" in value
    if has_region == has_group:
        need = "region or group" if groups else "region"
        errors.setdefault(path, []).append(f"give exactly one {need}")
        return None
    side = value.get("side")
    if side is not None and side not in SIDES:
        errors.setdefault(f"{path}.side", []).append("use left, right or null")
        return None
    if has_group:
        code = value["group"]
        if code not in kb.region_groups:
            errors.setdefault(f"{path}.group", []).append(f"unknown region group {code!r}")
            return None
        return Area(code, side, is_group=True)
    code = value["region"]
    region = kb.regions.get(code) if isinstance(code, str) else None
    if region is None:
        errors.setdefault(f"{path}.region", []).append(f"unknown region code {code!r}")
        return None
    if region.midline and side is not None:
        errors.setdefault(f"{path}.side", []).append(f"{code} is a midline region: side must be null")
        return None
    if not region.midline and side is None:
        errors.setdefault(f"{path}.side", []).append(f"{code} needs a side (left or right)")
        return None
    return Area(code, side)


def validate_answers(raw: Any, kb: Knowledge) -> dict[str, Any]:
    """Check answers against the contract; return them with list items as :class:`Area`."""
    if not isinstance(raw, Mapping):
        raise ScreeningInputError({"answers": ["expected a JSON object"]})
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in QUESTION_IDS:
            errors.setdefault(str(key), []).append("unknown question id")
            continue
        if value is None:
            clean[key] = None
            continue
        if key == "age_years":
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 120:
                errors.setdefault(key, []).append("expected a whole number of years from 0 to 120")
                continue
        elif key in BOOLEAN:
            if not isinstance(value, bool):
                errors.setdefault(key, []).append("expected true, false or null")
                continue
        elif key in CHOICE:
            if isinstance(value, bool) or value not in CHOICE[key]:
                choices = ", ".join(repr(c) if isinstance(c, str) else str(c) for c in CHOICE[key])
                errors.setdefault(key, []).append(f"expected one of {choices} or null")
                continue
        elif key == "lung_disease":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                errors.setdefault(key, []).append("expected a list of disease names")
                continue
            for index, item in enumerate(value):
                if item not in LUNG_DISEASES:
                    errors.setdefault(f"{key}.{index}", []).append(
                        f"unknown lung disease {item!r}; use {', '.join(LUNG_DISEASES)}"
                    )
            value = tuple(dict.fromkeys(value))
        else:  # area and region lists
            if not isinstance(value, list):
                errors.setdefault(key, []).append("expected a list of {region, side} objects")
                continue
            areas = [
                _area(item, f"{key}.{i}", kb, groups=key in AREA_LISTS, errors=errors) for i, item in enumerate(value)
            ]
            value = tuple(a for a in areas if a is not None)
        clean[key] = value
    if "pregnancy_trimester" in raw and raw.get("pregnancy_trimester") is not None and raw.get("pregnant") is not True:
        errors.setdefault("pregnancy_trimester", []).append("given, but pregnant is not true")
    if (
        raw.get("pregnant") is True
        and isinstance(raw.get("age_years"), int)
        and not isinstance(raw.get("age_years"), bool)
        and raw["age_years"] < 9
    ):
        errors.setdefault("pregnant", []).append("true is not possible at this age")
    if errors:
        raise ScreeningInputError(errors)
    return clean


def validate_plan(raw: Any, kb: Knowledge) -> Plan | None:
    """The optional plan: ``{"targets": [{"muscle", "side"}], "electrical_stimulation": bool}``."""
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise ScreeningInputError({"plan": ["expected a JSON object"]})
    errors: dict[str, list[str]] = {}
    for key in raw:
        if key not in ("targets", "electrical_stimulation"):
            errors.setdefault(f"plan.{key}", []).append("unknown field")
    estim = raw.get("electrical_stimulation", False)
    if not isinstance(estim, bool):
        errors.setdefault("plan.electrical_stimulation", []).append("expected true or false")
    targets: list[Target] = []
    raw_targets = raw.get("targets", [])
    if not isinstance(raw_targets, list):
        errors.setdefault("plan.targets", []).append("expected a list of {muscle, side} objects")
        raw_targets = []
    for i, item in enumerate(raw_targets):
        path = f"plan.targets.{i}"
        if not isinstance(item, Mapping):
            errors.setdefault(path, []).append("expected an object with muscle and side")
            continue
        for key in item:
            if key not in ("muscle", "side"):
                errors.setdefault(f"{path}.{key}", []).append("unknown field")
        muscle, side = item.get("muscle"), item.get("side")
        if muscle not in kb.muscles:
            errors.setdefault(f"{path}.muscle", []).append(f"unknown muscle {muscle!r} (see needlepoint atlas muscles)")
        if side not in SIDES:
            errors.setdefault(f"{path}.side", []).append("use left or right")
        if isinstance(muscle, str) and muscle in kb.muscles and isinstance(side, str) and side in SIDES:
            targets.append(Target(muscle, side))
    if errors:
        raise ScreeningInputError(errors)
    return Plan(tuple(dict.fromkeys(targets)), bool(estim))
