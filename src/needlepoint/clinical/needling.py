"""Checks for one needle-log entry against the screening, single use, and the needle count.

Single use is about needles, not lots: an entry records how many needles were used
(``needles_used``) and the distinct lot numbers of the boxes they came from (``needle_lots``).
Source for sterile single-use needles: ``nzasa-codes``.
"""

from __future__ import annotations

from collections.abc import Iterable
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


def distinct_lots(lots: Iterable[str]) -> list[str]:
    """The distinct lot numbers, trimmed, blanks dropped, in the order first given.

    A lot number names a box (a manufacturing batch) of needles, not one needle: several needles
    from one box share it, so a lot listed twice is the same box and says nothing about reuse.
    """
    return list(dict.fromkeys(lot.strip() for lot in lots if lot.strip()))


def check_single_use(lots_in_entry: list[str]) -> list[SafetyFinding]:
    """Sterile single-use needles, traceable to their box: a warning when the entry records no lot.

    Single use is about needles, not lots: two needles from one box share a lot number, so a
    repeated lot is never a "reuse" finding. That each needle is used once is recorded as the count
    of needles per entry (``needles_used``), and accounted for at signing: every needle opened is
    removed and disposed of, and the log lists no more needles than were opened
    (:func:`needle_count_problem`).
    """
    if distinct_lots(lots_in_entry):
        return []
    return [
        SafetyFinding(
            "needle-lot-missing",
            "warning",
            "Record the lot number of the box the needles came from (sterile single-use needles, "
            "traceable to their lot).",
            STERILE_SOURCE,
        )
    ]


def needle_count_problem(opened: int, removed: int, logged: int = 0) -> str | None:
    """Sterile single-use needles, each disposed of after use (``nzasa-codes``): every needle opened
    must be removed and disposed of before the note is signed, and the needle log cannot list more
    needles (the sum of its entries' ``needles_used``) than were opened. Lots are not needles and
    are not counted here."""
    if opened < 0 or removed < 0 or logged < 0:
        return "Needle counts cannot be negative."
    if logged > opened:
        noun = "needle" if logged == 1 else "needles"
        return f"the needle log lists {logged} {noun} used but {opened} were opened."
    if opened != removed:
        missing = opened - removed
        if missing > 0:
            noun = "needle" if missing == 1 else "needles"
            return f"{missing} {noun} opened but not accounted for: find and dispose of it before signing."
        noun = "needle" if missing == -1 else "needles"
        return f"{-missing} more {noun} removed than opened: recount before signing."
    return None
