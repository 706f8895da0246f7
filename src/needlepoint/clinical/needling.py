"""Checks for one needle-log entry against the screening, single use, and the needle count."""

from __future__ import annotations

from collections import Counter
from typing import Any

from needlepoint.clinical.safety import SafetyFinding
from needlepoint.knowledge import Knowledge, load_knowledge

SCREENING_SOURCE = "ahpcsa-bn121"
STERILE_SOURCE = "nzasa-codes"


def check_screening_blocks(
    result: Any, muscle_id: str, side: str, electrical_stimulation: bool, kb: Knowledge | None = None
) -> list[SafetyFinding]:
    """Enforce the current screening's blocks: the target, its regions, electrical stimulation.

    ``result`` is a needlepoint.clinical.screening Result (effective, after overrides).
    """
    kb = kb or load_knowledge()
    found: list[SafetyFinding] = []
    block = result.blocks_target(muscle_id, side)
    if block is not None:
        found.append(
            SafetyFinding(
                "screening-blocked-target",
                "block",
                f"The screening blocks this target: {block.reason}.",
                SCREENING_SOURCE,
            )
        )
    avoid = set(result.avoid_regions)
    for code in kb.muscles[muscle_id].regions:
        key = (code, None) if kb.regions[code].midline else (code, side)
        if key in avoid:
            found.append(
                SafetyFinding(
                    "screening-avoid-region",
                    "block",
                    f"The screening says not to needle {kb.regions[code].label}, {side}.",
                    SCREENING_SOURCE,
                )
            )
            break
    if electrical_stimulation and result.blocked_electrical_stimulation:
        found.append(
            SafetyFinding(
                "screening-no-electrical-stimulation",
                "block",
                "The screening rules out electrical stimulation for this patient.",
                "acupuntura-electroacupuncture",
            )
        )
    return found


def check_single_use(lots_in_entry: list[str]) -> list[SafetyFinding]:
    """Sterile single-use needles: each needle is recorded once, by its lot; none is used twice."""
    lots = [lot.strip() for lot in lots_in_entry]
    found: list[SafetyFinding] = []
    if not lots or any(not lot for lot in lots):
        found.append(
            SafetyFinding(
                "needle-lot-missing",
                "warning",
                "Record the lot number of each needle (sterile single-use needles).",
                STERILE_SOURCE,
            )
        )
    repeated = sorted(lot for lot, n in Counter(lot for lot in lots if lot).items() if n > 1)
    if repeated:
        found.append(
            SafetyFinding(
                "needle-reuse",
                "block",
                f"Needle lot {', '.join(repeated)} is recorded twice in this entry: needles are single-use.",
                STERILE_SOURCE,
            )
        )
    return found


def needle_count_problem(opened: int, removed: int, logged_by_lot: int = 0) -> str | None:
    """Every needle opened must be removed and disposed of before the note is signed, and the
    needle log cannot list (by lot) more needles than were opened."""
    if opened < 0 or removed < 0:
        return "Needle counts cannot be negative."
    if logged_by_lot > opened:
        return f"the needle log lists {logged_by_lot} needles by lot number but {opened} were opened."
    if opened != removed:
        missing = opened - removed
        if missing > 0:
            noun = "needle" if missing == 1 else "needles"
            return f"{missing} {noun} opened but not accounted for: find and dispose of it before signing."
        noun = "needle" if missing == -1 else "needles"
        return f"{-missing} more {noun} removed than opened: recount before signing."
    return None
