"""Depth safety: technique limits, muscle-specific hard limits, and the chest wall.

- Superficial dry needling goes no deeper than 10 mm (Baldry 2002 describes 5-10 mm).
- Some muscles carry a hard limit in the atlas (e.g. rhomboid major: needle no longer than 19 mm,
  Valera-Calero; rectus capitis posterior major: needle under 40 mm), each with its source.
- Over the chest wall, the skin-to-pleura distance is estimated from body weight (preferred) or BMI
  with Kim 2002's CT regression (interscapular region, adults, mean BMI 21.1):
  depth_cm = 0.109 x weight_kg - 2.744, or 0.380 x BMI - 4.301. Depth varies with breathing,
  position (a shoulder bolster adds about 7 mm, Mitchell 2018) and build, so the estimate warns
  (it does not block) when the planned depth reaches 80% of it or the needle is longer than it.
  A post-mortem estimate puts the lung within 10-20 mm in thin people (Grusche 2018), so the
  estimate is never taken as more than it says nor less than 10 mm.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from needlepoint.clinical.safety import SafetyFinding
from needlepoint.knowledge import Knowledge, load_knowledge

SUPERFICIAL_MAX_MM = 10.0
DEPTH_MARGIN = 0.8  # warn from 80% of the estimated skin-to-pleura distance
MIN_ESTIMATE_MM = 10.0


@dataclass(frozen=True)
class PleuraEstimate:
    mm: float
    method: Literal["weight", "bmi"]
    source: str = "kim-2002"


def estimate_pleura_depth_mm(weight_kg: float | None, bmi: float | None) -> PleuraEstimate | None:
    """Skin-to-pleura distance over the chest wall (Kim 2002), or None without weight or BMI."""
    if weight_kg is not None and weight_kg > 0:
        cm, method = 0.109 * weight_kg - 2.744, "weight"
    elif bmi is not None and bmi > 0:
        cm, method = 0.380 * bmi - 4.301, "bmi"
    else:
        return None
    return PleuraEstimate(mm=round(max(cm * 10, MIN_ESTIMATE_MM), 1), method=method)  # type: ignore[arg-type]


def check_depth(
    muscle_id: str,
    *,
    technique: Literal["superficial", "deep"],
    depth_mm: float | None,
    needle_length_mm: float | None,
    weight_kg: float | None,
    bmi: float | None,
    kb: Knowledge | None = None,
) -> list[SafetyFinding]:
    kb = kb or load_knowledge()
    muscle = kb.muscles[muscle_id]
    limits = muscle.needling
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
    if (
        limits.max_needle_length_mm is not None
        and needle_length_mm is not None
        and needle_length_mm > limits.max_needle_length_mm
    ):
        found.append(
            SafetyFinding(
                "needle-too-long",
                "block",
                f"{muscle.name}: use a needle no longer than {limits.max_needle_length_mm:g} mm "
                f"({needle_length_mm:g} mm chosen).",
                limits.limit_source or "travell-simons-1999",
            )
        )
    if limits.max_depth_mm is not None and depth_mm is not None and depth_mm > limits.max_depth_mm:
        found.append(
            SafetyFinding(
                "too-deep-for-muscle",
                "block",
                f"{muscle.name}: no deeper than {limits.max_depth_mm:g} mm ({depth_mm:g} mm recorded).",
                limits.limit_source or "travell-simons-1999",
            )
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
    if muscle.over_chest_wall and technique == "deep" and depth_mm is None:
        found.append(
            SafetyFinding(
                "chest-wall-depth-not-recorded",
                "warning",
                f"{muscle.name} lies over the chest wall: record the depth reached.",
                "kim-2002",
            )
        )
    if muscle.over_chest_wall and technique == "deep":
        estimate = estimate_pleura_depth_mm(weight_kg, bmi)
        if estimate is None:
            found.append(
                SafetyFinding(
                    "chest-wall-no-estimate",
                    "warning",
                    f"{muscle.name} lies over the chest wall and the patient's weight and BMI are "
                    "not recorded, so the skin-to-pleura depth cannot be estimated.",
                    "kim-2002",
                )
            )
        else:
            basis = "weight" if estimate.method == "weight" else "BMI"
            if depth_mm is not None and depth_mm >= DEPTH_MARGIN * estimate.mm:
                found.append(
                    SafetyFinding(
                        "chest-wall-depth",
                        "warning",
                        f"{muscle.name}: {depth_mm:g} mm reaches {depth_mm / estimate.mm:.0%} of the "
                        f"estimated skin-to-pleura depth ({estimate.mm:g} mm from {basis}).",
                        "kim-2002",
                    )
                )
            if needle_length_mm is not None and needle_length_mm > estimate.mm:
                found.append(
                    SafetyFinding(
                        "chest-wall-needle-length",
                        "warning",
                        f"{muscle.name}: a {needle_length_mm:g} mm needle is longer than the "
                        f"estimated skin-to-pleura depth ({estimate.mm:g} mm from {basis}); "
                        "angle it tangentially or over a rib.",
                        "kim-2002",
                    )
                )
    return found
