"""CPT codes for dry needling (AMA CPT, in use from 1 January 2020; apta-2020-cpt), and how the
needle log's entries are counted as muscles.

20560: needle insertion(s) without injection(s), 1 or 2 muscle(s).
20561: needle insertion(s) without injection(s), 3 or more muscles.

The codes count muscles: not needles, not trigger points and not atlas entries. The rules that
turn the log's (atlas entry, side) pairs into a number of muscles are ``RULES``, each with its
source and whether that source was confirmed:

- ``parts``: the atlas lists some muscles in parts with their own trigger points (upper, middle and
  lower trapezius). Parts of one anatomical muscle count once (``Muscle.anatomical_muscle``).
- ``group``: one atlas entry stands for several muscles (the scalenes). The log does not record
  which of them were needled, so the entry counts once, the lowest number the note supports; the
  note should name them, and a biller may then count each one it names.
- ``sides``: the left and the right of one muscle count as one muscle. We could not read any AMA
  or APTA statement on sides for these codes; one coding newsletter's answer for the
  trigger-point injection codes, which count muscles the same way, counts each side
  (aapc-right-left-trapezius, unconfirmed). Counting both sides once is the reading that never
  bills more muscles than any payer counts; check the payer's policy.

Every rule only ever lowers the count, so adding an entry to the log never lowers it and the
code never goes down as more is needled.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from needlepoint.knowledge import Muscle, load_knowledge

DESCRIPTIONS = {
    "20560": "Needle insertion(s) without injection(s); 1 or 2 muscle(s)",
    "20561": "Needle insertion(s) without injection(s); 3 or more muscle(s)",
}
SOURCE = "apta-2020-cpt"

RuleId = Literal["muscles", "parts", "group", "sides"]


@dataclass(frozen=True)
class Rule:
    id: RuleId
    text: str
    sources: tuple[str, ...]
    confirmed: bool


RULES: dict[RuleId, Rule] = {
    "muscles": Rule(
        "muscles",
        "The codes count muscles needled, not needles or trigger points: 20560 for 1 or 2, 20561 for 3 or more.",
        (SOURCE,),
        confirmed=True,
    ),
    "parts": Rule(
        "parts",
        "Parts of one muscle that the atlas lists separately (upper, middle and lower trapezius) count as one muscle.",
        (SOURCE, "travell-simons-1999"),
        confirmed=True,
    ),
    "group": Rule(
        "group",
        "An atlas entry that stands for several muscles (the scalenes) counts as one, because the needle log "
        "does not record which of them were needled; name them in the note, and a biller may count each one "
        "named.",
        (SOURCE, "travell-simons-1999"),
        confirmed=True,
    ),
    "sides": Rule(
        "sides",
        "The left and the right of one muscle count as one muscle. Not confirmed: no AMA or APTA statement on "
        "sides could be read, and one coding answer for the injection codes counts each side; this reading "
        "never bills more muscles than a payer counts. Check the payer's policy.",
        (SOURCE, "aapc-right-left-trapezius"),
        confirmed=False,
    ),
}


@dataclass(frozen=True)
class CountedMuscle:
    """One muscle as billing counts it, and the log entries that make it up."""

    key: str  # the anatomical muscle ("trapezius"), or the entry's own id
    name: str  # "trapezius" (two or more of its parts), "upper trapezius" (one), "scalenes"
    entries: tuple[str, ...]  # atlas entry ids needled that count as this muscle, in log order
    sides: tuple[str, ...]  # sides needled, sorted
    covers: tuple[str, ...] = ()  # the muscles a group entry stands for

    @property
    def rules(self) -> tuple[RuleId, ...]:
        """The rules that made this one muscle out of more than one entry or side."""
        used: list[RuleId] = []
        if len(self.entries) > 1:
            used.append("parts")
        if self.covers:
            used.append("group")
        if len(self.sides) > 1:
            used.append("sides")
        return tuple(used)


@dataclass(frozen=True)
class MuscleCount:
    muscles: tuple[CountedMuscle, ...]

    @property
    def count(self) -> int:
        return len(self.muscles)

    @property
    def codes(self) -> list[str]:
        return codes_for(self.count)

    @property
    def rules(self) -> tuple[Rule, ...]:
        """The counting rules this log needed, in the order of ``RULES`` (``muscles`` always)."""
        used = {rule for m in self.muscles for rule in m.rules}
        return tuple(rule for rule_id, rule in RULES.items() if rule_id == "muscles" or rule_id in used)

    def basis(self) -> str:
        """'CPT 20561: 3 muscles (trapezius: upper and middle trapezius, left and right; …).'"""
        if not self.muscles:
            return "No muscle needled, so no CPT code."
        listed = "; ".join(_describe(m) for m in self.muscles)
        plural = "" if self.count == 1 else "s"
        return f"CPT {', '.join(self.codes)}: {self.count} muscle{plural} ({listed})."


def codes_for(count: int) -> list[str]:
    """20560 for 1 or 2 muscles, 20561 for 3 or more, nothing for none."""
    if count < 0:
        raise ValueError("count: a number of muscles cannot be negative")
    if count == 0:
        return []
    return ["20560"] if count <= 2 else ["20561"]


def count_muscles(muscles_needled: Iterable[tuple[str, str]], atlas: Mapping[str, Muscle] | None = None) -> MuscleCount:
    """The muscles billing counts for the log's (atlas entry id, side) pairs, by ``RULES``.

    An id the atlas does not know (a record older than the atlas) counts as a muscle of its own.
    """
    atlas = load_knowledge().muscles if atlas is None else atlas
    entries: dict[str, list[str]] = {}
    sides: dict[str, set[str]] = {}
    for muscle_id, side in muscles_needled:
        entry = atlas.get(muscle_id)
        key = entry.billing_muscle if entry is not None else muscle_id
        if muscle_id not in entries.setdefault(key, []):
            entries[key].append(muscle_id)
        sides.setdefault(key, set()).add(side)
    counted = []
    for key, ids in entries.items():
        covers = tuple(c for i in ids if (entry := atlas.get(i)) is not None for c in entry.covers)
        name = _name(ids[0] if len(ids) == 1 else key, atlas)
        counted.append(CountedMuscle(key, name, tuple(ids), tuple(sorted(sides[key])), covers))
    return MuscleCount(tuple(counted))


def cpt_codes(muscles_needled: Iterable[tuple[str, str]], atlas: Mapping[str, Muscle] | None = None) -> list[str]:
    return count_muscles(muscles_needled, atlas).codes


def _name(key: str, atlas: Mapping[str, Muscle]) -> str:
    entry = atlas.get(key)
    return (entry.name if entry is not None else key.replace("-", " ")).lower()


def _describe(m: CountedMuscle) -> str:
    details = []
    if len(m.entries) > 1:
        details.append(_join([i.replace("-", " ") for i in m.entries]) + " counted once")
    if m.covers:
        details.append(f"one entry for {_join([c.replace('-', ' ') for c in m.covers])}, counted once")
    if len(m.sides) > 1:
        details.append(f"{_join(list(m.sides))} counted once")
    return f"{m.name}: {', '.join(details)}" if details else m.name


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
