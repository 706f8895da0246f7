"""Suggested home exercises for an episode: region first, then condition, then the muscles in or
referring to the episode's regions; already-assigned exercises are left out."""

from __future__ import annotations

from needlepoint.clinical.home_exercise import suggest_exercises
from needlepoint.knowledge import load_knowledge
from needlepoint.knowledge.exercises import load_exercises

KB = load_knowledge()
LIBRARY = load_exercises().exercises


def ids(**kwargs: object) -> list[str]:
    return [s.exercise.id for s in suggest_exercises(LIBRARY, KB, **kwargs)]  # type: ignore[arg-type]


def test_neck_episode_suggests_neck_stretches_first() -> None:
    found = suggest_exercises(LIBRARY, KB, regions=["neck.posterolateral"], condition_id="neck-pain")
    top = {s.exercise.id for s in found if s.score == found[0].score}
    assert {"upper-trapezius-stretch", "levator-scapulae-stretch"} <= top
    assert all("neck" in " ".join(s.reasons) for s in found[:2])
    assert not {"heel-raise", "plantar-fascia-stretch"} & {s.exercise.id for s in found}


def test_tennis_elbow_gets_the_eccentric_wrist_exercise() -> None:
    assert "eccentric-wrist-extension" in ids(regions=["elbow.lateral"], condition_id="lateral-epicondylalgia")[:3]


def test_condition_alone_ranks_its_exercises() -> None:
    found = ids(regions=[], condition_id="plantar-heel-pain")
    assert {"plantar-fascia-stretch", "heel-raise"} <= set(found)


def test_a_referring_muscle_counts_once_and_less_than_a_region() -> None:
    # Headache at the temple: the upper trapezius refers there (travell-simons-1999), so its stretch
    # is suggested although no exercise works on the temple itself.
    found = suggest_exercises(LIBRARY, KB, regions=["head.temple"], condition_id=None)
    by_id = {s.exercise.id: s for s in found}
    assert "upper-trapezius-stretch" in by_id
    assert by_id["upper-trapezius-stretch"].score == 1
    assert by_id["upper-trapezius-stretch"].reasons == ("targets upper trapezius",)


def test_assigned_exercises_are_left_out_and_the_limit_holds() -> None:
    found = ids(regions=["back.lumbar"], condition_id="low-back-pain", exclude={"glute-bridge"}, limit=4)
    assert "glute-bridge" not in found and len(found) == 4


def test_nothing_to_go_on_gives_nothing() -> None:
    assert ids(regions=[], condition_id=None) == []
    assert ids(regions=["not.a.region"], condition_id="no-such-condition") == []
