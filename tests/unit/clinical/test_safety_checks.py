"""Every needling safety check, positive and negative."""

from __future__ import annotations

import datetime as dt

import pytest

from needlepoint.clinical.billing import cpt_codes
from needlepoint.clinical.credentials import Certification, Credentials, check_practitioner
from needlepoint.clinical.depth import Body, check_depth
from needlepoint.clinical.needling import check_screening_blocks, check_single_use, needle_count_problem
from needlepoint.clinical.screening import evaluate
from needlepoint.knowledge import load_knowledge
from needlepoint.knowledge.regulation import jurisdictions

TODAY = dt.date(2026, 11, 21)
CERT = Certification(hours=54, completed_on=dt.date(2025, 3, 1), expires_on=dt.date(2027, 3, 1), verified=True)


def creds(**kw: object) -> Credentials:
    base: dict[str, object] = {
        "profession": "physical_therapist",
        "licence_number": "PT-1",
        "licence_jurisdiction": "US-CO",
        "licence_expires_on": dt.date(2027, 1, 1),
        "certifications": (CERT,),
    }
    return Credentials(**(base | kw))  # type: ignore[arg-type]


def codes(findings: list) -> dict[str, str]:  # type: ignore[type-arg]
    return {f.code: f.level for f in findings}


# --- practitioner ----------------------------------------------------------------------------


def test_licensed_certified_practitioner_in_an_allowing_state_is_clear() -> None:
    assert check_practitioner(creds(), TODAY) == []


@pytest.mark.parametrize(
    ("change", "code", "level"),
    [
        ({"licence_number": ""}, "no-licence", "block"),
        ({"licence_expires_on": dt.date(2026, 1, 1)}, "licence-expired", "block"),
        ({"certifications": ()}, "no-current-certification", "block"),
        (
            {"certifications": (Certification(54, dt.date(2020, 1, 1), dt.date(2022, 1, 1), True),)},
            "no-current-certification",
            "block",
        ),
        (
            {"certifications": (Certification(54, dt.date(2025, 1, 1), None, False),)},
            "certification-unverified",
            "warning",
        ),
        ({"licence_jurisdiction": "US-CA"}, "jurisdiction-not-permitted", "block"),
        ({"licence_jurisdiction": "US-NY"}, "jurisdiction-not-permitted", "block"),
        ({"licence_jurisdiction": "US-PA"}, "jurisdiction-silent", "warning"),
        ({"licence_jurisdiction": "CA-AB"}, "jurisdiction-authorisation", "warning"),
        ({"licence_jurisdiction": "NZ"}, "jurisdiction-unknown", "warning"),
        ({"profession": "chiropractor"}, "jurisdiction-profession-unknown", "warning"),
        (
            {"certifications": (Certification(27, dt.date(2025, 1, 1), None, True),)},
            "training-hours-below-minimum",
            "block",
        ),
        ({"licence_jurisdiction": "US-FL"}, "years-licensed-unchecked", "warning"),
    ],
)
def test_practitioner_problems(change: dict[str, object], code: str, level: str) -> None:
    assert codes(check_practitioner(creds(**change), TODAY)).get(code) == level


def test_hours_add_up_across_current_certifications() -> None:
    two = (Certification(27, dt.date(2025, 1, 1), None, True), Certification(27, dt.date(2025, 6, 1), None, True))
    assert "training-hours-below-minimum" not in codes(check_practitioner(creds(certifications=two), TODAY))


def test_jurisdiction_data_is_dated_and_complete() -> None:
    table = jurisdictions()
    states = [j for j in table.jurisdictions if j.code.startswith("US-")]
    assert table.as_of == "2026-01" and len(states) == 51  # 50 states and DC
    assert {j.code for j in states if j.status == "not-permitted"} == {"US-CA", "US-HI", "US-NY", "US-OR"}


# --- depth (more in test_depth.py) ------------------------------------------------------------


def test_superficial_needling_is_at_most_10_mm() -> None:
    assert codes(
        check_depth("gluteus-medius", technique="superficial", depth_mm=12, needle_length_mm=30, body=Body(70))
    ) == {"superficial-too-deep": "block"}
    assert check_depth("gluteus-medius", technique="superficial", depth_mm=8, needle_length_mm=30, body=Body(70)) == []


def test_muscle_hard_limit_blocks() -> None:
    found = codes(check_depth("rhomboid-major", technique="deep", depth_mm=10, needle_length_mm=25, body=Body(80)))
    assert found.get("needle-too-long") == "block"
    ok = codes(check_depth("rhomboid-major", technique="deep", depth_mm=10, needle_length_mm=15, body=Body(80)))
    assert "needle-too-long" not in ok


def test_depth_beyond_the_needle_is_impossible() -> None:
    assert "depth-beyond-needle" in codes(
        check_depth("gluteus-medius", technique="deep", depth_mm=50, needle_length_mm=40, body=Body(70))
    )


# --- screening blocks, single use, needle count, billing ------------------------------------


def test_screening_blocks_are_enforced() -> None:
    result = evaluate(
        {"anticoagulants": True, "pacemaker_or_icd": True, "lymphoedema": [{"group": "limb.upper", "side": "left"}]}
    )
    assert "screening-blocked-target" in codes(check_screening_blocks(result, "psoas-major", "right", False))
    assert "screening-avoid-region" in codes(
        check_screening_blocks(result, "extensor-carpi-radialis-brevis", "left", False)
    )
    assert "screening-no-electrical-stimulation" in codes(
        check_screening_blocks(result, "gluteus-medius", "right", True)
    )
    assert check_screening_blocks(result, "gluteus-medius", "right", False) == []
    assert check_screening_blocks(result, "extensor-carpi-radialis-brevis", "right", False) == []


def test_single_use() -> None:
    # A lot is a box of needles: two needles from one box share it (more in test_needle_lots.py).
    assert check_single_use(["L123", "L123"]) == []
    assert codes(check_single_use([""])) == {"needle-lot-missing": "warning"}
    assert check_single_use(["L123", "L124"]) == []


def test_needle_count() -> None:
    assert needle_count_problem(6, 6) is None
    assert "1 needle opened but not accounted for" in (needle_count_problem(6, 5) or "")
    assert "removed than opened" in (needle_count_problem(5, 6) or "")


def test_cpt_codes_follow_distinct_muscles() -> None:
    assert cpt_codes([]) == []
    assert cpt_codes([("upper-trapezius", "left"), ("upper-trapezius", "left")]) == ["20560"]
    assert cpt_codes([("upper-trapezius", "left"), ("levator-scapulae", "left")]) == ["20560"]
    assert cpt_codes([("upper-trapezius", "left"), ("levator-scapulae", "left"), ("infraspinatus", "left")]) == [
        "20561"
    ]


def test_every_source_exists() -> None:
    from needlepoint.clinical import credentials, depth, needling

    refs = load_knowledge().references
    for source in (
        "kim-2002",
        "baldry-2002",
        credentials.TRAINING_SOURCE,
        needling.SCREENING_SOURCE,
        needling.STERILE_SOURCE,
        "apta-2020-cpt",
        jurisdictions().source,
        "acupuntura-electroacupuncture",
    ):
        assert source in refs, source
    assert depth.SUPERFICIAL_MAX_MM == 10


def test_technique_the_atlas_does_not_advise_warns() -> None:
    kb = load_knowledge()
    deep_only = next(m for m in kb.muscles.values() if not m.needling.superficial_suitable)
    found = codes(check_depth(deep_only.id, technique="superficial", depth_mm=5, needle_length_mm=30, body=Body(70)))
    assert found.get("technique-not-suited") == "warning"
    suited = next(m for m in kb.muscles.values() if m.needling.superficial_suitable and not m.near_lung)
    assert "technique-not-suited" not in codes(
        check_depth(suited.id, technique="superficial", depth_mm=5, needle_length_mm=30, body=Body(70))
    )
