"""Pain-pattern finder: which trigger points best explain a pain drawing?

A pure function over the atlas. Each trigger point, placed on the left or the right, has a
referred-pain zone: primary regions (where its pain is usually felt), spillover regions (where it
is sometimes felt) and, as with any trigger point, the muscle's own site (local pain). A
candidate's score says how much of the drawing it explains and how much of its own primary zone
the drawing shows. The scoring is documented with worked examples in ``docs/pain-pattern-finder.md``.

Sources: referral zones are the atlas's (Travell & Simons and the fact-sheet sources cited on
each trigger point); the scoring itself is a documented design choice of this project, not a
published instrument.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from needlepoint.knowledge import Knowledge, Muscle, load_knowledge

Side = Literal["left", "right"]
SIDES: tuple[Side, Side] = ("left", "right")
Match = Literal["primary", "spillover", "local"]

# How much a drawn region counts as explained by each kind of match.
MATCH_WEIGHT: Mapping[Match, float] = {"primary": 1.0, "spillover": 0.6, "local": 0.4}
# Share of the score that rewards showing the pattern's own primary zone (vs. explaining the drawing).
PATTERN_SHARE = 0.3
# A region drawn without an intensity counts as a moderate one.
DEFAULT_INTENSITY = 5


class DrawingError(ValueError):
    """A pain drawing names unknown regions or sides; ``problems`` says which, one per entry."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True, order=True)
class PainMark:
    """One region of a pain drawing. ``side`` is None for a midline region."""

    region: str
    side: Side | None = None
    intensity: int | None = None

    @property
    def key(self) -> tuple[str, Side | None]:
        return (self.region, self.side)


@dataclass(frozen=True)
class Explained:
    region: str
    side: Side | None
    match: Match


@dataclass(frozen=True)
class Suggestion:
    muscle: str
    name: str
    side: Side
    trigger_point: str
    score: float
    explains: tuple[Explained, ...]
    missing: tuple[tuple[str, Side | None], ...]
    confirmed: bool
    pattern_shown: float = field(compare=False)

    def as_dict(self) -> dict[str, object]:
        return {
            "muscle": self.muscle,
            "name": self.name,
            "side": self.side,
            "trigger_point": self.trigger_point,
            "score": self.score,
            "explains": [{"region": e.region, "side": e.side, "match": e.match} for e in self.explains],
            "missing": [{"region": r, "side": s} for r, s in self.missing],
            "confirmed": self.confirmed,
        }


def _other(side: Side) -> Side:
    return "right" if side == "left" else "left"


@dataclass(frozen=True)
class _Candidate:
    muscle: Muscle
    trigger_point: str
    side: Side
    confirmed: bool
    zone: Mapping[tuple[str, Side | None], Match]  # best match per (region, side)
    primary: frozenset[tuple[str, Side | None]]


@dataclass(frozen=True)
class _Index:
    candidates: tuple[_Candidate, ...]
    by_mark: Mapping[tuple[str, Side | None], tuple[int, ...]]  # which candidates touch a mark
    midline: frozenset[str]


def _place(code: str, side: Side, midline: frozenset[str]) -> tuple[str, Side | None]:
    return (code, None) if code in midline else (code, side)


def _build_index(kb: Knowledge) -> _Index:
    midline = frozenset(code for code, region in kb.regions.items() if region.midline)
    candidates: list[_Candidate] = []
    for muscle in kb.muscles.values():
        for tp in muscle.trigger_points:
            for side in SIDES:
                zone: dict[tuple[str, Side | None], Match] = {}

                def put(key: tuple[str, Side | None], match: Match, zone: dict = zone) -> None:  # type: ignore[type-arg]
                    if key not in zone or MATCH_WEIGHT[match] > MATCH_WEIGHT[zone[key]]:
                        zone[key] = match

                for code in muscle.regions:
                    put(_place(code, side, midline), "local")
                for code in tp.referral.spillover:
                    put(_place(code, side, midline), "spillover")
                primary = {_place(code, side, midline) for code in tp.referral.primary}
                for key in primary:
                    put(key, "primary")
                for code in tp.referral.contralateral:
                    kind: Match = "primary" if code in tp.referral.primary else "spillover"
                    key = _place(code, _other(side), midline)
                    put(key, kind)
                    if kind == "primary":
                        primary.add(key)
                candidates.append(_Candidate(muscle, tp.id, side, tp.confirmed, zone, frozenset(primary)))
    by_mark: dict[tuple[str, Side | None], list[int]] = {}
    for index, candidate in enumerate(candidates):
        for key in candidate.zone:
            by_mark.setdefault(key, []).append(index)
    return _Index(tuple(candidates), {k: tuple(v) for k, v in by_mark.items()}, midline)


@cache
def _default_index() -> _Index:
    return _build_index(load_knowledge())


def parse_mark(text: str) -> PainMark:
    """``REGION`` or ``REGION:SIDE`` (command line). Validation happens in :func:`normalise`."""
    region, _, side = text.strip().partition(":")
    return PainMark(region=region, side=side or None)  # type: ignore[arg-type]


def normalise(marks: Iterable[PainMark], kb: Knowledge | None = None) -> list[PainMark]:
    """Check a drawing against the region vocabulary.

    A bilateral region drawn without a side means both sides. Unknown codes, unknown sides, a
    side on a midline region and intensities outside 0-10 are errors, all reported at once.
    """
    kb = kb or load_knowledge()
    problems: list[str] = []
    result: dict[tuple[str, Side | None], PainMark] = {}
    for mark in marks:
        region = kb.regions.get(mark.region)
        if region is None:
            problems.append(f"unknown region code {mark.region!r}")
            continue
        if mark.side is not None and mark.side not in SIDES:
            problems.append(f"unknown side {mark.side!r} for {mark.region} (use left or right)")
            continue
        if mark.intensity is not None and not 0 <= mark.intensity <= 10:
            problems.append(f"intensity {mark.intensity} for {mark.region} is outside 0-10")
            continue
        if region.midline:
            if mark.side is not None:
                problems.append(f"{mark.region} is a midline region: give it no side")
                continue
            sides: tuple[Side | None, ...] = (None,)
        else:
            sides = (mark.side,) if mark.side is not None else SIDES
        for side in sides:
            key = (mark.region, side)
            previous = result.get(key)
            if previous is None or (mark.intensity or 0) > (previous.intensity or 0):
                result[key] = PainMark(mark.region, side, mark.intensity)
    if problems:
        raise DrawingError(problems)
    return sorted(result.values())


def _weight(mark: PainMark) -> float:
    # Intensity 0 still counts a little: the patient drew it.
    return max(mark.intensity if mark.intensity is not None else DEFAULT_INTENSITY, 1) / 10


def suggest(marks: Iterable[PainMark], *, limit: int = 10, kb: Knowledge | None = None) -> list[Suggestion]:
    """Rank muscle trigger points (with side) by how well they explain the drawing.

    Returns at most ``limit`` suggestions with a score above zero, best first; each muscle and
    side appears once, with its best-matching trigger point.
    """
    index = _default_index() if kb is None else _build_index(kb)
    drawing = normalise(marks, kb)
    if not drawing:
        return []
    weights = {mark.key: _weight(mark) for mark in drawing}
    total = sum(weights.values())
    touched: set[int] = set()
    for key in weights:
        touched.update(index.by_mark.get(key, ()))
    best: dict[tuple[str, Side], Suggestion] = {}
    for i in touched:
        candidate = index.candidates[i]
        explained = 0.0
        explains: list[Explained] = []
        missing: list[tuple[str, Side | None]] = []
        for key, weight in weights.items():
            match = candidate.zone.get(key)
            if match is None:
                missing.append(key)
            else:
                explained += weight * MATCH_WEIGHT[match]
                explains.append(Explained(key[0], key[1], match))
        if not any(e.match != "local" for e in explains):
            continue  # pain only at the muscle's own site says nothing about referral
        coverage = explained / total
        shown = len(candidate.primary & weights.keys()) / len(candidate.primary)
        score = round(coverage * ((1 - PATTERN_SHARE) + PATTERN_SHARE * shown), 4)
        suggestion = Suggestion(
            muscle=candidate.muscle.id,
            name=candidate.muscle.name,
            side=candidate.side,
            trigger_point=candidate.trigger_point,
            score=score,
            explains=tuple(explains),
            missing=tuple(missing),
            confirmed=candidate.confirmed,
            pattern_shown=shown,
        )
        slot = (candidate.muscle.id, candidate.side)
        if slot not in best or _rank_key(suggestion) < _rank_key(best[slot]):
            best[slot] = suggestion
    ranked = sorted(best.values(), key=_rank_key)
    return ranked[:limit]


def _rank_key(s: Suggestion) -> tuple[float, float, int, str, str]:
    # Higher score first; then the pattern more fully shown; confirmed patterns before recalled.
    return (-s.score, -s.pattern_shown, 0 if s.confirmed else 1, s.name, s.side)
