"""The home-exercise library: the shipped data is complete and cited, and the loader rejects broken
entries loudly, naming the file, the entry and the field."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from needlepoint.knowledge import Knowledge, KnowledgeError, data_directory, load_knowledge
from needlepoint.knowledge.exercises import (
    BODY_AREAS,
    EXERCISE_KINDS,
    ExerciseLibrary,
    dose_text,
    load_exercises,
    load_exercises_from,
)

# Named in the source articles as exercises to do after needling.
ARTICLE_EXERCISES = {"quadratus-lumborum-stretch", "glute-bridge"}
# Common home exercises the library must offer, by part of the body.
REQUIRED = {
    "neck": {"chin-tuck", "upper-trapezius-stretch", "levator-scapulae-stretch"},
    "shoulder": {"pendulum", "band-external-rotation", "doorway-pec-stretch", "scapular-retraction"},
    "elbow-wrist": {"wrist-extensor-stretch", "eccentric-wrist-extension"},
    "hip": {"clamshell", "hip-flexor-stretch", "piriformis-stretch"},
    "knee": {"quad-set", "straight-leg-raise", "hamstring-stretch"},
    "ankle-foot": {
        "calf-stretch-gastrocnemius",
        "calf-stretch-soleus",
        "plantar-fascia-stretch",
        "heel-raise",
        "towel-curl",
    },
}


@pytest.fixture(scope="module")
def library() -> ExerciseLibrary:
    return load_exercises()


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_knowledge()


def test_library_has_the_articles_exercises_and_the_common_ones(library: ExerciseLibrary) -> None:
    assert len(library) >= 28
    assert set(library.exercises) >= ARTICLE_EXERCISES
    for area, ids in REQUIRED.items():
        missing = ids - set(library.exercises)
        assert not missing, f"{area}: {missing}"
        for ident in ids:
            assert area in library.areas[ident], f"{ident} is not listed under {area}"


def test_every_body_area_and_kind_is_covered(library: ExerciseLibrary) -> None:
    for code, _label, _prefixes in BODY_AREAS:
        assert len(library.search(area=code)) >= 2, code
    assert {e.kind for e in library.exercises.values()} == set(EXERCISE_KINDS)


def test_every_exercise_is_complete_and_cited(library: ExerciseLibrary, kb: Knowledge) -> None:
    for exercise in library.exercises.values():
        assert len(exercise.steps) >= 2 and exercise.cautions and exercise.purpose, exercise.id
        assert exercise.sources and all(s in kb.references for s in exercise.sources), exercise.id
        assert all(m in kb.muscles for m in exercise.muscles), exercise.id
        assert all(r in kb.regions for r in exercise.regions), exercise.id
        assert all(c in kb.conditions for c in exercise.conditions), exercise.id
    for advice in library.advice:
        assert all(s in kb.references for s in advice.sources), advice.id


def test_a_confirmed_exercise_rests_on_a_confirmed_source(library: ExerciseLibrary, kb: Knowledge) -> None:
    confirmed = [e for e in library.exercises.values() if e.confirmed]
    assert confirmed, "at least the exercises whose trial was read"
    for exercise in confirmed:
        assert any(kb.references[s].status == "confirmed" for s in exercise.sources), exercise.id
    # Sources marked unconfirmed never back an exercise on their own as if read.
    for exercise in library.exercises.values():
        if all(kb.references[s].status == "unconfirmed" for s in exercise.sources):
            assert not exercise.confirmed, exercise.id


def test_default_doses_fit_the_kind(library: ExerciseLibrary) -> None:
    for exercise in library.exercises.values():
        if exercise.kind == "stretch":
            assert exercise.dose.hold_seconds is not None and exercise.dose.hold_seconds >= 10, exercise.id
        if exercise.kind == "strengthening":
            assert exercise.dose.reps is not None, exercise.id
    # Tyler 2010: 3 sets of 15, every day; Bandy 1997: one 30-second hold.
    wrist = library.exercises["eccentric-wrist-extension"].dose
    assert wrist.text() == "3 sets of 15 repetitions · once a day · every day"
    assert library.exercises["hamstring-stretch"].dose.hold_seconds == 30


def test_dose_in_words() -> None:
    assert dose_text(3, 10, 5, 2, 7) == "3 sets of 10 repetitions, hold each for 5 seconds · twice a day · every day"
    assert dose_text(1, 3, 30, 1, 5) == "3 repetitions, hold each for 30 seconds · once a day · 5 days a week"
    assert dose_text(1, 1, 60, 3, 1) == "hold for 1 minute · 3 times a day · 1 day a week"
    assert dose_text(2, None, 20, 1, 7) == "2 holds of 20 seconds · once a day · every day"


def test_search_by_words_area_and_kind(library: ExerciseLibrary) -> None:
    assert [e.id for e in library.search("bridge")] == ["glute-bridge"]
    assert "quadratus-lumborum-stretch" in {e.id for e in library.search("QL")}
    assert all("knee" in library.areas[e.id] for e in library.search(area="knee"))
    assert {e.kind for e in library.search(kind="stretch")} == {"stretch"}
    assert library.search("calf", area="ankle-foot", kind="strengthening")
    assert library.search("no such exercise at all") == []


# --- the loader refuses broken data -------------------------------------------------------------

GOOD: dict[str, Any] = {
    "id": "test-stretch",
    "name": "Test stretch",
    "kind": "stretch",
    "regions": ["neck.posterolateral"],
    "muscles": ["upper-trapezius"],
    "conditions": ["neck-pain"],
    "purpose": "A purpose.",
    "steps": ["One.", "Two."],
    "dose": {"sets": 1, "reps": 3, "hold_seconds": 30, "times_per_day": 2, "days_per_week": 7},
    "cautions": ["Gently."],
    "confirmed": False,
    "sources": ["garber-2011"],
}
ADVICE = {"id": "advice", "text": "Gently.", "confirmed": False, "sources": ["garber-2011"]}


def _load(tmp_path: Path, *exercises: dict[str, Any]) -> ExerciseLibrary:
    (tmp_path / "exercises.yaml").write_text(
        yaml.safe_dump({"advice": [ADVICE], "exercises": list(exercises)}, sort_keys=False), "utf-8"
    )
    return load_exercises_from(tmp_path, load_knowledge())


def _error(tmp_path: Path, *exercises: dict[str, Any]) -> str:
    with pytest.raises(KnowledgeError) as info:
        _load(tmp_path, *exercises)
    return str(info.value)


def _with(**changes: Any) -> dict[str, Any]:
    entry = copy.deepcopy(GOOD)
    entry.update(changes)
    return entry


def test_a_good_entry_loads(tmp_path: Path) -> None:
    library = _load(tmp_path, GOOD)
    assert list(library.exercises) == ["test-stretch"]
    assert library.areas["test-stretch"] == ("neck",)


def test_unknown_region_muscle_condition_and_source_are_named(tmp_path: Path) -> None:
    message = _error(
        tmp_path,
        _with(
            regions=["neck.back"], muscles=["upper-trapezius", "gluteus-maximum"], conditions=["tennis"],
            sources=["nobody-2000"],
        ),
    )
    assert "exercises.yaml: entry 'test-stretch', field 'regions.0': unknown region code 'neck.back'" in message
    assert "exercises.yaml: entry 'test-stretch', field 'muscles.1': unknown muscle id 'gluteus-maximum'" in message
    assert "exercises.yaml: entry 'test-stretch', field 'conditions.0': unknown condition id 'tennis'" in message
    assert "field 'sources.0': unknown source id 'nobody-2000' (not in the bibliography)" in message


def test_a_dose_needs_reps_or_a_hold_within_limits(tmp_path: Path) -> None:
    message = _error(tmp_path, _with(dose={"sets": 1, "times_per_day": 1, "days_per_week": 7}))
    assert message == "exercises.yaml: entry 'test-stretch', field 'dose': give reps, hold_seconds or both"
    message = _error(tmp_path, _with(dose={**GOOD["dose"], "days_per_week": 8}))
    assert message.startswith("exercises.yaml: entry 'test-stretch', field 'dose.days_per_week':")
    message = _error(tmp_path, _with(dose={**GOOD["dose"], "sets": "3"}))
    assert "field 'dose.sets'" in message  # no silent conversion of text to numbers


def test_unknown_fields_kinds_and_duplicate_ids_are_refused(tmp_path: Path) -> None:
    assert "field 'video': unknown field 'video'" in _error(tmp_path, _with(video="x"))
    assert "field 'kind'" in _error(tmp_path, _with(kind="yoga"))
    assert "field 'steps': " in _error(tmp_path, _with(steps=["Only one."]))
    message = _error(tmp_path, GOOD, _with(name="Again"))
    assert "exercises.yaml: entry 'test-stretch', field 'id': duplicate id 'test-stretch'" in message


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError, match=r"exercises.yaml: required data file is missing"):
        load_exercises_from(tmp_path, load_knowledge())


def test_the_shipped_file_is_package_data() -> None:
    assert data_directory().joinpath("exercises.yaml").is_file()
