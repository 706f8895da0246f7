from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from needlepoint.clinical.finder import DrawingError, PainMark, normalise, parse_mark, suggest
from needlepoint.knowledge import load_knowledge

KB = load_knowledge()
LATERAL = [code for code, r in KB.regions.items() if not r.midline]


def test_each_suggestion_says_what_it_explains_and_what_it_does_not() -> None:
    marks = [parse_mark("head.temple:left"), parse_mark("foot.big_toe:left")]
    top = suggest(marks)[0]
    explained = {(e.region, e.side) for e in top.explains}
    assert explained | set(top.missing) == {("head.temple", "left"), ("foot.big_toe", "left")}
    assert not explained & set(top.missing)
    as_dict = top.as_dict()
    assert set(as_dict) >= {"muscle", "name", "side", "score", "explains", "missing"}


def test_side_matters() -> None:
    ranked = suggest([parse_mark("elbow.lateral:right"), parse_mark("hand.thumb_web:right")])
    assert ranked and all(s.side == "right" for s in ranked)


def test_a_region_without_side_means_both_sides() -> None:
    assert normalise([PainMark("elbow.lateral")]) == [
        PainMark("elbow.lateral", "left"),
        PainMark("elbow.lateral", "right"),
    ]


def test_higher_intensity_weighs_more() -> None:
    strong_temple = suggest([PainMark("head.temple", "left", 9), PainMark("hand.thumb_web", "left", 1)])[0]
    strong_thumb = suggest([PainMark("head.temple", "left", 1), PainMark("hand.thumb_web", "left", 9)])[0]
    assert strong_temple.muscle != strong_thumb.muscle


def test_unknown_codes_and_sides_are_named_all_at_once() -> None:
    with pytest.raises(DrawingError) as info:
        normalise(
            [
                PainMark("head.tempel", "left"),
                PainMark("elbow.lateral", "up"),  # type: ignore[arg-type]
                PainMark("head.vertex", "left"),
                PainMark("knee.medial", "left", 12),
            ]
        )
    problems = info.value.problems
    assert "unknown region code 'head.tempel'" in problems
    assert "unknown side 'up' for elbow.lateral (use left or right)" in problems
    assert "head.vertex is a midline region: give it no side" in problems
    assert "intensity 12 for knee.medial is outside 0-10" in problems


def test_empty_drawing_suggests_nothing() -> None:
    assert suggest([]) == []


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(LATERAL), st.sampled_from(["left", "right"]), st.integers(min_value=0, max_value=10)),
        min_size=1,
        max_size=12,
    )
)
def test_scores_are_ranked_bounded_and_consistent(drawing: list[tuple[str, str, int]]) -> None:
    marks = [PainMark(r, s, i) for r, s, i in drawing]  # type: ignore[arg-type]
    ranked = suggest(marks, limit=20)
    scores = [s.score for s in ranked]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < s <= 1 for s in scores)
    assert len({(s.muscle, s.side) for s in ranked}) == len(ranked)
    drawn = {(m.region, m.side) for m in normalise(marks)}
    for s in ranked:
        assert {(e.region, e.side) for e in s.explains} | set(s.missing) == drawn


def test_adding_an_unexplained_region_never_raises_a_score() -> None:
    base = [PainMark("head.temple", "left"), PainMark("neck.posterolateral", "left")]
    before = {(s.muscle, s.side): s.score for s in suggest(base, limit=50)}
    after = {(s.muscle, s.side): s.score for s in suggest([*base, PainMark("foot.toes", "right")], limit=50)}
    for key, score in after.items():
        if key in before and key[0] not in {m.id for m in KB.muscles_referring_to("foot.toes")}:
            assert score <= before[key]
