"""Where a value was measured: the joints and movements a range of motion is recorded for, PPT
sites (muscles and body regions of the atlas), and the words for a series' qualifier.

Values are compared only within one series (same measure, joint, movement, site and side), so these
names are a fixed vocabulary rather than free text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from needlepoint.knowledge import load_knowledge

QUALIFIER_FIELDS = ("joint", "movement", "site", "side")


@dataclass(frozen=True)
class Joint:
    """A joint or spinal region whose range of motion is measured, with its movements."""

    label: str
    midline: bool
    movements: Mapping[str, str]

    def needs_side(self, movement: str) -> bool:
        """Limb joints always have a side; the spine only for rotation and side bending."""
        return not self.midline or movement in SIDED_SPINAL_MOVEMENTS


SIDED_SPINAL_MOVEMENTS = frozenset({"rotation", "lateral-flexion"})
_SPINE = {"flexion": "flexion", "extension": "extension", "rotation": "rotation", "lateral-flexion": "side bending"}

#: The joints and movements a range of motion is recorded for (id -> label).
JOINTS: Mapping[str, Joint] = {
    "cervical": Joint("Cervical", True, _SPINE),
    "thoracic": Joint("Thoracic", True, _SPINE),
    "lumbar": Joint("Lumbar", True, _SPINE),
    "shoulder": Joint(
        "Shoulder",
        False,
        {
            "flexion": "flexion",
            "extension": "extension",
            "abduction": "abduction",
            "external-rotation": "external rotation",
            "internal-rotation": "internal rotation",
            "horizontal-adduction": "horizontal adduction",
        },
    ),
    "elbow": Joint("Elbow", False, {"flexion": "flexion", "extension": "extension"}),
    "forearm": Joint("Forearm", False, {"pronation": "pronation", "supination": "supination"}),
    "wrist": Joint(
        "Wrist",
        False,
        {
            "flexion": "flexion",
            "extension": "extension",
            "radial-deviation": "radial deviation",
            "ulnar-deviation": "ulnar deviation",
        },
    ),
    "hip": Joint(
        "Hip",
        False,
        {
            "flexion": "flexion",
            "extension": "extension",
            "abduction": "abduction",
            "adduction": "adduction",
            "internal-rotation": "internal rotation",
            "external-rotation": "external rotation",
        },
    ),
    "knee": Joint("Knee", False, {"flexion": "flexion", "extension": "extension"}),
    "ankle": Joint(
        "Ankle",
        False,
        {
            "dorsiflexion": "dorsiflexion",
            "plantarflexion": "plantarflexion",
            "inversion": "inversion",
            "eversion": "eversion",
        },
    ),
}


def site_label(site: str) -> str:
    """A PPT site in words: the muscle's name or the body region's label."""
    kb = load_knowledge()
    if site in kb.muscles:
        return kb.muscles[site].name
    if site in kb.regions:
        return kb.regions[site].label.capitalize()
    return site


def qualifier_label(measure: str, joint: str = "", movement: str = "", site: str = "", side: str = "") -> str:
    """Where a value was measured, in words: "Cervical rotation, left", "Upper trapezius, right"."""
    parts: list[str] = []
    if joint:
        found = JOINTS.get(joint)
        words = found.label if found else joint
        if movement:
            words += " " + (found.movements.get(movement, movement) if found else movement)
        parts.append(words)
    elif movement:
        parts.append(movement)
    if site:
        parts.append(site_label(site))
    if side:
        parts.append(side if parts else side.capitalize())
    return ", ".join(parts)
