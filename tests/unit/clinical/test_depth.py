"""The depth to the lung: a lower bound from cited data, blocks at the bound, nothing passed silently."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from needlepoint.clinical.depth import Body, check_depth, estimate_pleura
from needlepoint.knowledge import load_knowledge
from needlepoint.knowledge.models import PLEURA_ZONES
from needlepoint.knowledge.pleura import pleura_zones


def codes(findings: list) -> dict[str, str]:  # type: ignore[type-arg]
    return {f.code: f.level for f in findings}


def deep(muscle: str, depth: float | None, needle: float | None, body: Body, **kw: object) -> dict[str, str]:
    return codes(check_depth(muscle, technique="deep", depth_mm=depth, needle_length_mm=needle, body=body, **kw))  # type: ignore[arg-type]


# --- the estimate ----------------------------------------------------------------------------


def test_kim_2002_lower_bound_is_the_mean_less_two_sd() -> None:
    # 0.109 x 60 - 2.744 = 3.796 cm; less 2 x 7 mm = 23.96 -> 24.0 (the contract's example)
    estimate = estimate_pleura("posterior-thorax", Body(weight_kg=60))
    assert estimate.mm == 24.0 and estimate.method == "weight, lower bound" and estimate.source == "kim-2002"
    assert not estimate.outside_range
    # BMI 21.1: 0.380 x 21.1 - 4.301 = 3.717 cm -> 37.2 - 14 = 23.2
    assert estimate_pleura("posterior-thorax", Body(bmi=21.1)).mm == pytest.approx(23.2, abs=0.05)


def test_the_smaller_of_weight_and_bmi_bounds_is_used() -> None:
    # 70 kg -> 48.9 - 14 = 34.9; BMI 20 -> 32.99 - 14 = 19.0
    estimate = estimate_pleura("posterior-thorax", Body(weight_kg=70, bmi=20))
    assert estimate.mm == pytest.approx(19.0, abs=0.05) and estimate.method.startswith("BMI")


def test_outside_the_measured_range_is_held_and_said() -> None:
    # 90 kg predicts 71 mm, deeper than the study's 51 mm (mean + 2 SD): held there, so 37 mm
    heavy = estimate_pleura("posterior-thorax", Body(weight_kg=90))
    assert heavy.mm == 37.0 and heavy.outside_range and "outside" in heavy.method
    obese = estimate_pleura("posterior-thorax", Body(bmi=40))
    assert obese.mm == 37.0 and obese.outside_range  # not the 109 mm of the bare regression


def test_very_light_patients_get_a_smaller_bound_never_a_floor() -> None:
    light = estimate_pleura("posterior-thorax", Body(weight_kg=35))
    assert light.mm == 0.0 and light.outside_range  # 38.2 - 27.4 - 14 < 0: no deep needling is safe


def test_missing_measures_are_not_measured() -> None:
    estimate = estimate_pleura("posterior-thorax", Body())
    assert estimate.mm is None and estimate.kind == "not-measured"


def test_lateral_and_anterior_chest_use_the_ct_population_by_sex() -> None:
    # 5th rib space, front armpit line (left): women 23.98 - 2 x 8.15 = 7.7; men 20.95 - 2 x 6.11 = 8.7
    assert estimate_pleura("lateral-thorax", Body(sex="female")).mm == 7.7
    assert estimate_pleura("lateral-thorax", Body(sex="male")).mm == 8.7
    assert estimate_pleura("lateral-thorax", Body()).mm == 7.7  # sex unknown: the smaller
    assert estimate_pleura("lateral-thorax", Body(sex="intersex")).mm == 7.7
    # 2nd rib space, mid-clavicular line (left): women 36.19 - 20.46 = 15.7; men 33.41 - 17.42 = 16.0
    assert estimate_pleura("anterior-thorax", Body(sex="female")).mm == 15.7
    assert estimate_pleura("anterior-thorax", Body(sex="male")).mm == 16.0
    assert estimate_pleura("anterior-thorax", Body(), age_years=30).outside_range is False
    assert estimate_pleura("anterior-thorax", Body(), age_years=60).outside_range is True


def test_lateral_chest_is_shallower_than_between_the_shoulder_blades() -> None:
    body = Body(weight_kg=60, sex="female")
    lateral = estimate_pleura("lateral-thorax", body).mm
    posterior = estimate_pleura("posterior-thorax", body).mm
    assert lateral is not None and posterior is not None and lateral < posterior


def test_position_is_named_never_added() -> None:
    supine = estimate_pleura("posterior-thorax", Body(weight_kg=60), "supine")
    prone = estimate_pleura("posterior-thorax", Body(weight_kg=60), "prone")
    assert supine.mm == prone.mm == 24.0
    assert not supine.notes and "bolster" in prone.notes[0]


def test_every_zone_is_described_and_cited() -> None:
    zones = pleura_zones()
    assert set(zones) == set(PLEURA_ZONES)
    refs = load_knowledge().references
    for zone in zones.values():
        assert zone.source_ids and all(s in refs for s in zone.source_ids)


# --- the checks (the issue's examples) --------------------------------------------------------


@pytest.mark.parametrize(
    ("muscle", "depth", "needle", "body"),
    [
        ("middle-trapezius", 28, 30, Body(weight_kg=60)),
        ("serratus-anterior", 25, 30, Body(weight_kg=60)),
        ("pectoralis-major", 35, 40, Body(weight_kg=70)),
        ("iliocostalis-thoracis", 45, 50, Body(weight_kg=80)),
    ],
)
def test_the_issues_dangerous_examples_are_blocked(muscle: str, depth: float, needle: float, body: Body) -> None:
    found = deep(muscle, depth, needle, body)
    assert found.get("chest-wall-depth") == "block"
    assert found.get("chest-wall-needle-length") == "block"


def test_a_depth_and_needle_within_the_bound_pass_with_the_estimate_shown() -> None:
    findings = check_depth("middle-trapezius", technique="deep", depth_mm=15, needle_length_mm=15, body=Body(60))
    assert codes(findings) == {"pleura-estimate": "note"}
    assert "24 mm" in findings[0].message and "kim" not in findings[0].message.lower()


def test_needle_length_alone_reaching_the_bound_blocks() -> None:
    assert deep("rhomboid-minor", 10, 25, Body(weight_kg=60)).get("chest-wall-needle-length") == "block"


def test_near_lung_muscles_behind_the_scapula_and_below_the_12th_rib_are_checked() -> None:
    for muscle in ("infraspinatus", "supraspinatus", "teres-major", "teres-minor"):
        assert deep(muscle, 30, 40, Body(weight_kg=60)).get("chest-wall-depth") == "block", muscle
    # Quadratus lumborum: nothing published to check against: said, and must be acknowledged
    assert deep("quadratus-lumborum", 40, 60, Body(weight_kg=60)) == {"lung-depth-not-published": "warning"}


def test_missing_weight_blocks_deep_needling_near_the_lung() -> None:
    assert deep("middle-trapezius", 10, 15, Body()) == {"chest-wall-no-estimate": "block"}
    superficial = codes(
        check_depth("middle-trapezius", technique="superficial", depth_mm=5, needle_length_mm=15, body=Body())
    )
    assert superficial == {"chest-wall-no-estimate": "warning"}
    # away from the lung nothing is needed
    assert deep("gluteus-medius", 45, 60, Body()) == {}


def test_no_depth_and_no_needle_cannot_be_checked() -> None:
    assert deep("middle-trapezius", None, None, Body(60)).get("chest-wall-depth-unknown") == "block"


def test_outside_the_range_warns() -> None:
    found = deep("middle-trapezius", 20, 25, Body(weight_kg=95))
    assert found.get("pleura-estimate-outside-range") == "warning"
    assert "chest-wall-depth" not in found  # 20 < 37


# --- properties: deeper or longer is never safer ----------------------------------------------

NEAR_LUNG = [m.id for m in load_knowledge().muscles.values() if m.near_lung]
bodies = st.builds(
    Body,
    weight_kg=st.none() | st.floats(30, 200),
    bmi=st.none() | st.floats(12, 60),
    sex=st.sampled_from([None, "female", "male"]),
)
mm = st.none() | st.floats(0, 120)


def _blocks(muscle: str, depth: float | None, needle: float | None, body: Body) -> set[str]:
    return {k for k, v in deep(muscle, depth, needle, body).items() if v == "block"}


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(NEAR_LUNG), mm, mm, st.floats(0, 50), st.floats(0, 50), bodies)
def test_deeper_or_longer_is_never_safer(
    muscle: str, depth: float | None, needle: float | None, more_depth: float, more_length: float, body: Body
) -> None:
    before = _blocks(muscle, depth, needle, body)
    deeper = _blocks(muscle, None if depth is None else depth + more_depth, needle, body)
    longer = _blocks(muscle, depth, None if needle is None else needle + more_length, body)
    assert before <= deeper
    assert before - {"depth-beyond-needle"} <= longer  # a longer needle may hold the recorded depth


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(NEAR_LUNG), st.floats(1, 120), st.floats(1, 120), bodies)
def test_a_depth_or_needle_at_or_past_the_bound_always_blocks(
    muscle: str, depth: float, needle: float, body: Body
) -> None:
    zone = load_knowledge().muscles[muscle].pleura_zone
    assert zone is not None
    estimate = estimate_pleura(zone, body)
    found = deep(muscle, depth, needle, body)
    if estimate.mm is None:
        assert found.get("chest-wall-no-estimate") == "block" or found.get("lung-depth-not-published") == "warning"
    else:
        assert (found.get("chest-wall-depth") == "block") == (depth >= estimate.mm)
        assert (found.get("chest-wall-needle-length") == "block") == (needle >= estimate.mm)


@settings(max_examples=200, deadline=None)
@given(bodies)
def test_the_bound_never_exceeds_the_measured_range(body: Body) -> None:
    estimate = estimate_pleura("posterior-thorax", body)
    if estimate.mm is not None:
        assert 0 <= estimate.mm <= 51 - 14
