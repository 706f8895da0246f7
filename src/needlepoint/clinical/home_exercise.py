"""Which home exercises to suggest first for an episode of care (pure ranking over the library).

An exercise is suggested when it works on a region of the episode, is listed for the episode's
condition, or targets a muscle that lies in, or refers pain into, one of the episode's regions
(the referral zones of knowledge/data/muscles.yaml, travell-simons-1999 and travell-simons-1992).
Points: a region of the episode 3, the condition 2, a muscle 1. Ties keep library order. The
clinician chooses; a suggestion is an ordering of the library, not a prescription.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from needlepoint.knowledge import Knowledge
from needlepoint.knowledge.exercises import Exercise

REGION_POINTS = 3
CONDITION_POINTS = 2
MUSCLE_POINTS = 1
SOURCES = ("travell-simons-1999", "travell-simons-1992")


@dataclass(frozen=True)
class Suggestion:
    exercise: Exercise
    score: int
    reasons: tuple[str, ...]


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def suggest_exercises(
    exercises: Mapping[str, Exercise],
    knowledge: Knowledge,
    *,
    regions: Iterable[str],
    condition_id: str | None = None,
    exclude: Collection[str] = (),
    limit: int = 8,
) -> list[Suggestion]:
    """The best-matching exercises for these region codes and condition, best first, at most
    ``limit``; exercises in ``exclude`` (already assigned) are left out."""
    wanted = [code for code in dict.fromkeys(regions) if code in knowledge.regions]
    condition = knowledge.conditions.get(condition_id) if condition_id else None
    related: dict[str, None] = {}
    if condition is not None:
        related.update(dict.fromkeys(condition.muscles))
    for code in wanted:
        related.update(dict.fromkeys(m.id for m in knowledge.muscles_in_region(code)))
        related.update(dict.fromkeys(m.id for m in knowledge.muscles_referring_to(code)))
    ranked: list[tuple[int, int, Suggestion]] = []
    for order, exercise in enumerate(exercises.values()):
        if exercise.id in exclude:
            continue
        score = 0
        reasons: list[str] = []
        shared = [code for code in exercise.regions if code in wanted]
        if shared:
            score += REGION_POINTS
            labels = ", ".join(knowledge.regions[code].label for code in shared)
            reasons.append(f"works on the {labels}")
        if condition is not None and condition.id in exercise.conditions:
            score += CONDITION_POINTS
            reasons.append(f"used for {_lower(condition.plain_name)}")
        muscles = [m for m in exercise.muscles if m in related]
        if muscles:
            score += MUSCLE_POINTS
            names = ", ".join(_lower(knowledge.muscles[m].name) for m in muscles if m in knowledge.muscles)
            reasons.append(f"targets {names}")
        if score:
            ranked.append((-score, order, Suggestion(exercise, score, tuple(reasons))))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [item[2] for item in ranked[: max(limit, 0)]]
