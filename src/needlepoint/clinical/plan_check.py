"""One safety check for a needling plan: the same code the needle log runs (spec/safety-check.md).

:func:`check_insertion` is the one path. The needle log calls it for each entry (with the
screening results in force and the practitioner's own checks beside it); ``needlepoint safety
check`` and ``POST /api/v1/safety-checks`` call :func:`check_plan`, which parses a plan that is not
stored and calls :func:`check_insertion` for each planned insertion. So a check cannot pass in one
place and block in the other.

Per insertion it runs: the screening (a patient-level contraindication, the blocked targets and
regions, electrical stimulation), the technique and depth limits of the atlas, and the depth to
the lung (``clinical.depth``). Levels: ``block`` (cannot be logged), ``warning`` (needs an
acknowledgement), ``note`` (shown).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from needlepoint.clinical.anthropometry import HEIGHT_CM_RANGE, WEIGHT_KG_RANGE, bmi
from needlepoint.clinical.depth import Body, PleuraEstimate, check_depth, estimate_pleura
from needlepoint.clinical.needling import SCREENING_SOURCE, check_screening_blocks
from needlepoint.clinical.safety import SafetyFinding
from needlepoint.clinical.screening import Result, ScreeningInputError, evaluate
from needlepoint.knowledge import Knowledge, load_knowledge
from needlepoint.knowledge.pleura import POSITIONS

TECHNIQUES = ("superficial", "deep")
SIDES = ("left", "right")
SEXES = ("female", "male", "intersex", "unknown")
PLAN_KEYS = ("patient", "screening", "position", "insertions")
PATIENT_KEYS = ("weight_kg", "height_cm", "sex", "age_years")
INSERTION_KEYS = ("muscle", "side", "technique", "depth_mm", "needle_length_mm", "electrical_stimulation")
MAX_INSERTIONS = 100
MAX_MM = 150.0


class PlanInputError(ValueError):
    """A plan that does not follow the contract. ``errors`` maps each field path to its problems."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{path}: {' '.join(msgs)}" for path, msgs in self.errors.items()))


@dataclass(frozen=True)
class PatientMeasures:
    weight_kg: float | None = None
    height_cm: float | None = None
    sex: str | None = None
    age_years: int | None = None

    @property
    def body(self) -> Body:
        index = None
        if self.weight_kg is not None and self.height_cm is not None:
            index = float(bmi(Decimal(str(self.height_cm)), Decimal(str(self.weight_kg))) or 0) or None
        return Body(weight_kg=self.weight_kg, bmi=index, sex=self.sex)


@dataclass(frozen=True)
class PlannedInsertion:
    muscle: str
    side: str
    technique: Literal["superficial", "deep"]
    depth_mm: float | None = None
    needle_length_mm: float | None = None
    electrical_stimulation: bool = False


@dataclass(frozen=True)
class SafetyPlan:
    patient: PatientMeasures
    screening: Mapping[str, Any] | None
    position: str | None
    insertions: tuple[PlannedInsertion, ...]


@dataclass(frozen=True)
class InsertionCheck:
    insertion: PlannedInsertion
    findings: tuple[SafetyFinding, ...]

    @property
    def blocked(self) -> bool:
        return any(f.level == "block" for f in self.findings)

    @property
    def passed(self) -> bool:
        """Every check ran and passed: no block and no warning (notes are information)."""
        return all(f.level == "note" for f in self.findings)


@dataclass(frozen=True)
class PlanResult:
    checks: tuple[InsertionCheck, ...]
    pleura_estimate: Mapping[str, object] | None

    def as_dict(self) -> dict[str, Any]:
        """The contract's result shape (spec/safety-check.md)."""
        return {
            "insertions": [
                {
                    "muscle": c.insertion.muscle,
                    "side": c.insertion.side,
                    "findings": [f.as_dict() for f in c.findings],
                }
                for c in self.checks
            ],
            "pleura_estimate_mm": self.pleura_estimate,
        }


# --- the one path ----------------------------------------------------------------------------


def screening_for(answers: Mapping[str, Any], insertion: PlannedInsertion, overrides: Sequence[str] = ()) -> Result:
    """Today's screening rules on these answers, with this insertion as the plan."""
    plan = {
        "targets": [{"muscle": insertion.muscle, "side": insertion.side}],
        "electrical_stimulation": insertion.electrical_stimulation,
    }
    base = evaluate(answers, plan)
    relative = {f.rule.id for f in base.overridable}
    return evaluate(answers, plan, overrides=[r for r in overrides if r in relative]) if overrides else base


def _contraindicated(results: Sequence[Result]) -> list[SafetyFinding]:
    found = []
    for result in results:
        if result.status == "contraindicated":
            reasons = "; ".join(
                f.message for f in result.findings if f.rule.severity == "absolute" and f.rule.scope == "patient"
            )
            found.append(
                SafetyFinding(
                    "screening-contraindicated",
                    "block",
                    f"The screening rules out needling today: {reasons}",
                    SCREENING_SOURCE,
                )
            )
            break
    return found


def check_insertion(
    insertion: PlannedInsertion,
    *,
    patient: PatientMeasures,
    position: str | None,
    screening: Sequence[Result],
    kb: Knowledge | None = None,
) -> list[SafetyFinding]:
    """Every safety finding for one insertion (practitioner and needle lots aside)."""
    kb = kb or load_knowledge()
    found = _contraindicated(screening)
    for result in screening:
        found += check_screening_blocks(
            result, insertion.muscle, insertion.side, insertion.electrical_stimulation, kb=kb
        )
    found += check_depth(
        insertion.muscle,
        technique=insertion.technique,
        depth_mm=insertion.depth_mm,
        needle_length_mm=insertion.needle_length_mm,
        body=patient.body,
        position=position,
        age_years=patient.age_years,
        kb=kb,
    )
    return unique(found)


def unique(found: Sequence[SafetyFinding]) -> list[SafetyFinding]:
    """Each finding once (two screening results can find the same block)."""
    return list({(f.code, f.message): f for f in found}.values())


def headline_estimate(patient: PatientMeasures, position: str | None) -> PleuraEstimate:
    """The plan's one headline figure: the interscapular lower bound (the contract's
    ``pleura_estimate_mm``); each insertion's own zone is in its findings."""
    return estimate_pleura("posterior-thorax", patient.body, position, age_years=patient.age_years)


def check_plan(plan: SafetyPlan, kb: Knowledge | None = None) -> PlanResult:
    kb = kb or load_knowledge()
    checks = []
    for insertion in plan.insertions:
        results = [screening_for(plan.screening, insertion)] if plan.screening is not None else []
        findings = check_insertion(insertion, patient=plan.patient, position=plan.position, screening=results, kb=kb)
        if plan.screening is None:
            findings.append(
                SafetyFinding(
                    "screening-not-given",
                    "warning",
                    "No screening answers were given, so contraindications could not be checked.",
                    SCREENING_SOURCE,
                )
            )
        checks.append(InsertionCheck(insertion, tuple(findings)))
    estimate = headline_estimate(plan.patient, plan.position)
    return PlanResult(tuple(checks), estimate.as_dict() if estimate.mm is not None else None)


# --- parsing a plan --------------------------------------------------------------------------


def _number(value: Any, path: str, errors: dict[str, list[str]], low: float, high: float) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        errors.setdefault(path, []).append("expected a number or null")
        return None
    if not low <= value <= high:
        errors.setdefault(path, []).append(f"must be from {low:g} to {high:g}")
        return None
    return float(value)


def _unknown(raw: Mapping[str, Any], allowed: Sequence[str], prefix: str, errors: dict[str, list[str]]) -> None:
    for key in raw:
        if key not in allowed:
            errors.setdefault(f"{prefix}{key}", []).append(f"unknown field; use {', '.join(allowed)}")


def _patient(raw: Any, errors: dict[str, list[str]]) -> PatientMeasures:
    if raw is None:
        return PatientMeasures()
    if not isinstance(raw, Mapping):
        errors.setdefault("patient", []).append("expected an object")
        return PatientMeasures()
    _unknown(raw, PATIENT_KEYS, "patient.", errors)
    weight = _number(raw.get("weight_kg"), "patient.weight_kg", errors, *map(float, WEIGHT_KG_RANGE))
    height = _number(raw.get("height_cm"), "patient.height_cm", errors, *map(float, HEIGHT_CM_RANGE))
    sex = raw.get("sex")
    if sex is not None and sex not in SEXES:
        errors.setdefault("patient.sex", []).append(f"use {', '.join(SEXES)} or null")
        sex = None
    age = raw.get("age_years")
    if age is not None and (isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 120):
        errors.setdefault("patient.age_years", []).append("expected a whole number of years from 0 to 120")
        age = None
    return PatientMeasures(weight, height, sex, age)


def _insertion(raw: Any, index: int, kb: Knowledge, errors: dict[str, list[str]]) -> PlannedInsertion | None:
    path = f"insertions.{index}"
    if not isinstance(raw, Mapping):
        errors.setdefault(path, []).append("expected an object")
        return None
    _unknown(raw, INSERTION_KEYS, f"{path}.", errors)
    before = len(errors)
    muscle = raw.get("muscle")
    if not isinstance(muscle, str) or muscle not in kb.muscles:
        errors.setdefault(f"{path}.muscle", []).append(f"unknown muscle {muscle!r} (see needlepoint atlas muscles)")
    side = raw.get("side")
    if side is None:
        errors.setdefault(f"{path}.side", []).append("every muscle of the atlas has a left and a right: give the side")
    elif side not in SIDES:
        errors.setdefault(f"{path}.side", []).append("use left or right")
    technique = raw.get("technique")
    if technique not in TECHNIQUES:
        errors.setdefault(f"{path}.technique", []).append("use superficial or deep")
    depth = _number(raw.get("depth_mm"), f"{path}.depth_mm", errors, 0.0, MAX_MM)
    length = _number(raw.get("needle_length_mm"), f"{path}.needle_length_mm", errors, 1.0, MAX_MM)
    estim = raw.get("electrical_stimulation", False)
    if not isinstance(estim, bool):
        errors.setdefault(f"{path}.electrical_stimulation", []).append("expected true or false")
    if len(errors) > before:
        return None
    return PlannedInsertion(
        str(muscle), str(side), "deep" if technique == "deep" else "superficial", depth, length, estim
    )


def parse_plan(raw: Any, kb: Knowledge | None = None) -> SafetyPlan:
    """A plan from JSON-like data, or :class:`PlanInputError` naming every bad field."""
    kb = kb or load_knowledge()
    if not isinstance(raw, Mapping):
        raise PlanInputError({"plan": ["expected a JSON object"]})
    errors: dict[str, list[str]] = {}
    _unknown(raw, PLAN_KEYS, "", errors)
    patient = _patient(raw.get("patient"), errors)
    position = raw.get("position")
    if position is not None and position not in POSITIONS:
        errors.setdefault("position", []).append(f"use {', '.join(POSITIONS)} or null")
    screening = raw.get("screening")
    if screening is not None:
        try:
            evaluate(screening, None, kb=kb)
        except ScreeningInputError as exc:
            for path, messages in exc.errors.items():
                errors.setdefault(f"screening.{path}" if path != "answers" else "screening", []).extend(messages)
    raw_insertions = raw.get("insertions")
    insertions: list[PlannedInsertion] = []
    if not isinstance(raw_insertions, list) or not raw_insertions:
        errors.setdefault("insertions", []).append("expected a non-empty list of planned insertions")
    elif len(raw_insertions) > MAX_INSERTIONS:
        errors.setdefault("insertions", []).append(f"at most {MAX_INSERTIONS} insertions")
    else:
        for index, item in enumerate(raw_insertions):
            parsed = _insertion(item, index, kb, errors)
            if parsed is not None:
                insertions.append(parsed)
    if errors:
        raise PlanInputError(errors)
    return SafetyPlan(patient, screening, position, tuple(insertions))
