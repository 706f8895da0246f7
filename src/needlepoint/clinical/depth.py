"""Depth safety: technique limits, muscle-specific hard limits, and the depth to the lung.

- Superficial dry needling goes no deeper than 10 mm (Baldry 2002 describes 5-10 mm).
- Some muscles carry a hard limit in the atlas (e.g. rhomboids: needle no longer than 19 mm,
  Valera-Calero; rectus capitis posterior major: needle under 40 mm), each with its source.
- Near the lung (``near_lung`` in the atlas) the skin-to-pleura distance of the muscle's zone
  (``knowledge/data/pleura_depth.yaml``) is estimated as a LOWER BOUND (see
  :func:`estimate_pleura`), and a planned depth or a needle length that reaches it is blocked.
  What cannot be estimated (no weight or BMI, a zone nothing was published for) is said: it is
  never shown as a pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from needlepoint.clinical.safety import SafetyFinding
from needlepoint.knowledge import Knowledge, load_knowledge
from needlepoint.knowledge.pleura import Population, Regression, Zone, pleura_zones

SUPERFICIAL_MAX_MM = 10.0
POSITION_WORDS = {
    "prone": "lying face down",
    "supine": "lying on the back",
    "side-lying": "lying on the side",
    "sitting": "sitting",
}

Technique = Literal["superficial", "deep"]
EstimateKind = Literal["regression", "population", "none", "not-measured"]


@dataclass(frozen=True)
class Body:
    """The patient's measures; ``None`` means not measured."""

    weight_kg: float | None = None
    bmi: float | None = None
    sex: str | None = None


@dataclass(frozen=True)
class PleuraEstimate:
    """A lower bound of the skin-to-pleura distance in one zone, and how it was made.

    ``mm`` is None when it could not be estimated (``kind`` says why).
    """

    zone: str
    mm: float | None
    kind: EstimateKind
    method: str
    source: str
    explanation: str
    outside_range: bool = False
    notes: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, object]:
        return {"value": self.mm, "method": self.method, "source": self.source}


def _bound_from(line_name: str, x: float, regression: Regression) -> tuple[float, bool, str]:
    """(lower bound mm, outside the measured range, wording) for one predictor value."""
    line = getattr(regression, line_name)
    high = regression.measured_mm[1]
    predicted = line.at(x)
    outside = not line.measured[0] <= x <= line.measured[1]
    mean = min(predicted, high)
    bound = max(round(mean - regression.lower_bound_sds * regression.spread_sd_mm, 1), 0.0)
    label = "weight" if line_name == "weight_kg" else "BMI"
    unit = " kg" if line_name == "weight_kg" else ""
    words = f"{label} {x:g}{unit}: predicted mean {predicted:.0f} mm"
    if predicted > high:
        words += f", held at {high:g} mm, the deepest the study measured"
    words += f", less {regression.lower_bound_sds:g} x {regression.spread_sd_mm:g} mm"
    return bound, outside, words


def _position_note(position: str | None, measured: str, confirmed: bool) -> tuple[str, ...]:
    if position is None or position == measured:
        return ()
    return (
        f"The study measured patients {POSITION_WORDS[measured]}{'' if confirmed else ' (presumed)'}; no allowance "
        f"is made for {POSITION_WORDS.get(position, position)} (a shoulder bolster, for one, adds depth: Mitchell "
        "2018), so the bound stays low.",
    )


def _from_regression(
    zone: Zone, regression: Regression, body: Body, position: str | None, borrowed: str
) -> PleuraEstimate:
    candidates: list[tuple[float, bool, str, str]] = []
    if body.weight_kg is not None and body.weight_kg > 0 and regression.weight_kg is not None:
        candidates.append((*_bound_from("weight_kg", body.weight_kg, regression), "weight"))
    if body.bmi is not None and body.bmi > 0 and regression.bmi is not None:
        candidates.append((*_bound_from("bmi", body.bmi, regression), "BMI"))
    if not candidates:
        needs = " or ".join(
            n for n, line in (("weight", regression.weight_kg), ("height and weight (BMI)", regression.bmi)) if line
        )
        return PleuraEstimate(
            zone.id,
            None,
            "not-measured",
            "not measured",
            regression.source,
            f"The depth to the pleura here is estimated from the patient's {needs}, which are not recorded.",
        )
    bound, outside, words, basis = min(candidates, key=lambda c: c[0])
    explanation = f"lower bound {bound:g} mm from {words} ({regression.population}){borrowed}."
    if len(candidates) > 1:
        explanation += " The smaller of the weight and BMI bounds is used."
    if outside:
        explanation += f" This patient's {basis} is outside the range the study measured."
    method = f"{basis}, lower bound" + (", outside the range measured" if outside else "")
    notes = _position_note(position, regression.measured_position, regression.position_confirmed)
    return PleuraEstimate(zone.id, bound, "regression", method, regression.source, explanation, outside, notes)


def _from_population(
    zone: Zone, population: Population, body: Body, age_years: int | None, position: str | None
) -> PleuraEstimate:
    sex: Literal["female", "male"] | None = body.sex if body.sex in ("female", "male") else None  # type: ignore[assignment]
    groups = [population.groups[sex]] if sex and sex in population.groups else list(population.groups.values())
    bounds = [max(round(g.mean_mm - population.lower_bound_sds * g.sd_mm, 1), 0.0) for g in groups]
    bound = min(bounds)
    which = (
        {"female": "women", "male": "men"}[sex] if sex else "whichever sex is lower (the patient's sex is not recorded)"
    )
    explanation = (
        f"lower bound {bound:g} mm: the study's mean less {population.lower_bound_sds:g} SD for {which} "
        f"({population.population})."
    )
    if population.observed_min_mm is not None:
        explanation += f" The smallest distance the study saw was {population.observed_min_mm:g} mm."
    if zone.reason:
        explanation += f" {zone.reason}"
    low, high = population.age_years
    outside = age_years is not None and not low <= age_years <= high
    if outside:
        explanation += f" The study measured people aged {low} to {high}."
    method = ("population by sex" if sex else "population, lower of both sexes") + ", lower bound"
    method += ", outside the range measured" if outside else ""
    notes = _position_note(position, population.measured_position, population.position_confirmed)
    return PleuraEstimate(zone.id, bound, "population", method, population.source, explanation, outside, notes)


def estimate_pleura(
    zone_id: str, body: Body, position: str | None = None, *, age_years: int | None = None
) -> PleuraEstimate:
    """The lower-bound skin-to-pleura distance in a zone for this patient.

    A regression gives ``predicted mean - k x SD``, with the predicted mean held within the depths
    the study measured; with both weight and BMI the smaller bound is used. A population gives
    ``mean - k x SD`` for the patient's sex (the smaller of both when sex is not known). A zone may
    borrow another's estimate (``same_as``), or have nothing published (``none``: ``mm`` is None).
    Missing measures give ``not-measured`` (``mm`` None).
    """
    zones: Mapping[str, Zone] = pleura_zones()
    zone = zones[zone_id]
    if zone.none:
        return PleuraEstimate(zone.id, None, "none", "not published", zone.sources[0], zone.reason or "")
    if zone.population is not None:
        return _from_population(zone, zone.population, body, age_years, position)
    borrowed = ""
    source_zone = zone
    if zone.same_as is not None:
        source_zone = zones[zone.same_as]
        borrowed = f"; measured {source_zone.label.lower()}: {zone.reason}"
    assert source_zone.estimate is not None
    return _from_regression(zone, source_zone.estimate, body, position, borrowed)


def _limits(
    muscle_name: str,
    technique: Technique,
    depth_mm: float | None,
    needle_length_mm: float | None,
    max_needle: float | None,
    max_depth: float | None,
    limit_source: str,
) -> list[SafetyFinding]:
    found: list[SafetyFinding] = []
    if depth_mm is not None and needle_length_mm is not None and depth_mm > needle_length_mm:
        found.append(
            SafetyFinding(
                "depth-beyond-needle",
                "block",
                f"Depth {depth_mm:g} mm is more than the needle's length ({needle_length_mm:g} mm).",
                "baldry-2002",
            )
        )
    if technique == "superficial" and depth_mm is not None and depth_mm > SUPERFICIAL_MAX_MM:
        found.append(
            SafetyFinding(
                "superficial-too-deep",
                "block",
                f"Superficial needling goes no deeper than {SUPERFICIAL_MAX_MM:g} mm; "
                f"{depth_mm:g} mm is deep needling.",
                "baldry-2002",
            )
        )
    if max_needle is not None and needle_length_mm is not None and needle_length_mm > max_needle:
        found.append(
            SafetyFinding(
                "needle-too-long",
                "block",
                f"{muscle_name}: use a needle no longer than {max_needle:g} mm ({needle_length_mm:g} mm chosen).",
                limit_source,
            )
        )
    if max_depth is not None and depth_mm is not None and depth_mm > max_depth:
        found.append(
            SafetyFinding(
                "too-deep-for-muscle",
                "block",
                f"{muscle_name}: no deeper than {max_depth:g} mm ({depth_mm:g} mm recorded).",
                limit_source,
            )
        )
    return found


def lung_findings(
    muscle_name: str,
    estimate: PleuraEstimate,
    *,
    technique: Technique,
    depth_mm: float | None,
    needle_length_mm: float | None,
) -> list[SafetyFinding]:
    """Block a depth or needle that reaches the lower bound; say what could not be checked."""
    source = estimate.source
    if estimate.kind == "none":
        return [
            SafetyFinding(
                "lung-depth-not-published",
                "warning",
                f"{muscle_name} lies near the lung and no skin-to-pleura depth has been published for "
                f"this area, so the depth could not be checked. {estimate.explanation}",
                source,
            )
        ]
    if estimate.mm is None:
        level: Literal["block", "warning"] = "block" if technique == "deep" else "warning"
        return [
            SafetyFinding(
                "chest-wall-no-estimate",
                level,
                f"{muscle_name} lies near the lung. {estimate.explanation} Record them to check the depth"
                + (" before deep needling." if level == "block" else "."),
                source,
            )
        ]
    bound = estimate.mm
    found: list[SafetyFinding] = []
    if depth_mm is not None and depth_mm >= bound:
        found.append(
            SafetyFinding(
                "chest-wall-depth",
                "block",
                f"{muscle_name}: {depth_mm:g} mm reaches the lower-bound depth to the pleura ({bound:g} mm).",
                source,
            )
        )
    if needle_length_mm is not None and needle_length_mm >= bound:
        found.append(
            SafetyFinding(
                "chest-wall-needle-length",
                "block",
                f"{muscle_name}: a {needle_length_mm:g} mm needle reaches the lower-bound depth to the pleura "
                f"({bound:g} mm); choose a needle shorter than that.",
                source,
            )
        )
    if depth_mm is None and needle_length_mm is None:
        found.append(
            SafetyFinding(
                "chest-wall-depth-unknown",
                "block",
                f"{muscle_name} lies near the lung: give the planned depth or the needle length to check it.",
                source,
            )
        )
    if estimate.outside_range:
        found.append(
            SafetyFinding(
                "pleura-estimate-outside-range",
                "warning",
                f"{muscle_name}: the patient is outside the range the depth study measured, so its estimate "
                "may not fit this patient (it is held at what was measured).",
                source,
            )
        )
    found.append(
        SafetyFinding(
            "pleura-estimate",
            "note",
            f"Depth to the pleura for {muscle_name}: {estimate.explanation}{' ' if estimate.notes else ''}"
            + " ".join(estimate.notes),
            source,
        )
    )
    return found


def check_depth(
    muscle_id: str,
    *,
    technique: Technique,
    depth_mm: float | None,
    needle_length_mm: float | None,
    body: Body,
    position: str | None = None,
    age_years: int | None = None,
    kb: Knowledge | None = None,
) -> list[SafetyFinding]:
    """Every depth finding for one planned or logged insertion."""
    kb = kb or load_knowledge()
    muscle = kb.muscles[muscle_id]
    limits = muscle.needling
    found = _limits(
        muscle.name,
        technique,
        depth_mm,
        needle_length_mm,
        limits.max_needle_length_mm,
        limits.max_depth_mm,
        limits.limit_source or "travell-simons-1999",
    )
    suited = limits.superficial_suitable if technique == "superficial" else limits.deep_suitable
    if not suited:
        found.append(
            SafetyFinding(
                "technique-not-suited",
                "warning",
                f"The atlas does not advise {technique} needling of {muscle.name}.",
                muscle.sources[0],
            )
        )
    if muscle.near_lung:
        assert muscle.pleura_zone is not None
        estimate = estimate_pleura(muscle.pleura_zone, body, position, age_years=age_years)
        found += lung_findings(
            muscle.name, estimate, technique=technique, depth_mm=depth_mm, needle_length_mm=needle_length_mm
        )
    return found
