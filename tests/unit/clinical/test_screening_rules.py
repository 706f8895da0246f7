"""Each screening rule: it applies when it should and not when it should not, and it is cited."""

from __future__ import annotations

from typing import Any

import pytest

from needlepoint.clinical.screening import RULES, evaluate
from needlepoint.knowledge import load_knowledge

KB = load_knowledge()

# rule id -> (answers that make it apply, answers that do not)
CASES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "needle-phobia": ({"needle_phobia": "severe"}, {"needle_phobia": "mild"}),
    "needle-fear-mild": ({"needle_phobia": "mild"}, {"needle_phobia": "none"}),
    "unwilling": ({"willing": False}, {"willing": True}),
    "unable-to-consent": ({"able_to_consent": False}, {"able_to_consent": True}),
    "minor-without-guardian": (
        {"age_years": 15, "guardian_consent": False},
        {"age_years": 15, "guardian_consent": True},
    ),
    "child": ({"age_years": 12, "guardian_consent": True}, {"age_years": 18}),
    "acute-illness": ({"acute_illness": True}, {"acute_illness": False}),
    "prior-adverse-reaction": ({"prior_adverse_reaction": True}, {"prior_adverse_reaction": False}),
    "anticoagulants-deep-muscle": ({"anticoagulants": True}, {"anticoagulants": False, "bleeding_disorder": False}),
    "bleeding-tendency": ({"bleeding_disorder": True}, {"bleeding_disorder": False}),
    "lymphoedema": ({"lymphoedema": [{"group": "limb.upper", "side": "left"}]}, {"lymphoedema": []}),
    "lymph-node-removal": (
        {"lymph_node_removal": [{"region": "chest.lateral", "side": "right"}]},
        {"lymph_node_removal": []},
    ),
    "local-infection": ({"local_infection": [{"region": "knee.anterior", "side": "left"}]}, {"local_infection": []}),
    "immunocompromised": ({"immunocompromised": True}, {"immunocompromised": False}),
    "diabetes": ({"diabetes": "controlled"}, {"diabetes": "none"}),
    "vascular-disease": ({"vascular_disease": True}, {"vascular_disease": False}),
    "heart-valve-disease": ({"heart_valve_disease": True}, {"heart_valve_disease": False}),
    "epilepsy": ({"epilepsy": "controlled"}, {"epilepsy": "none"}),
    "estim-uncontrolled-epilepsy": ({"epilepsy": "uncontrolled"}, {"epilepsy": "controlled"}),
    "estim-pacemaker": ({"pacemaker_or_icd": True}, {"pacemaker_or_icd": False}),
    "estim-metal-implant": ({"metal_implant": [{"region": "knee.anterior", "side": "right"}]}, {"metal_implant": []}),
    "metal-allergy": ({"metal_allergy": True}, {"metal_allergy": False}),
    "pregnancy": ({"pregnant": True, "pregnancy_trimester": 1}, {"pregnant": False}),
    "pneumothorax-risk": ({"lung_disease": ["tuberculosis"]}, {"lung_disease": [], "chest_surgery": False}),
    "frailty": ({"frail": True}, {"frail": False}),
    "recent-surgery": ({"recent_surgery": [{"region": "shoulder.anterior", "side": "left"}]}, {"recent_surgery": []}),
    "unanswered-safety-questions": ({"anticoagulants": None}, {"anticoagulants": False}),
}


def rule_ids(answers: dict[str, Any], plan: dict[str, Any] | None = None) -> set[str]:
    return {f.rule.id for f in evaluate(answers, plan).findings}


def test_every_rule_has_a_case_and_a_known_source() -> None:
    assert {r.id for r in RULES} == set(CASES)
    for rule in RULES:
        assert rule.source in KB.references, rule.id
        assert rule.patient_message and rule.clinician_message and rule.patient_message != rule.clinician_message


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_applies(rule_id: str) -> None:
    assert rule_id in rule_ids(CASES[rule_id][0])


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_does_not_apply(rule_id: str) -> None:
    assert rule_id not in rule_ids(CASES[rule_id][1])


def test_nothing_found_is_clear() -> None:
    result = evaluate({"age_years": 40, "needle_phobia": "none", "willing": True, "able_to_consent": True})
    assert result.as_dict() == {
        "status": "clear",
        "findings": [],
        "blocked": [],
        "blocked_electrical_stimulation": False,
        "avoid_regions": [],
    }


@pytest.mark.parametrize(
    "answers",
    [
        {"needle_phobia": "severe"},
        {"willing": False},
        {"acute_illness": True},
        {"age_years": 16},
        {"prior_adverse_reaction": True},
    ],
)
def test_patient_wide_absolutes_contraindicate(answers: dict[str, Any]) -> None:
    assert evaluate(answers).status == "contraindicated"


def test_target_absolutes_do_not_stop_the_whole_visit() -> None:
    assert evaluate({"anticoagulants": True}).status == "precautions"


def test_anticoagulants_block_only_non_compressible_planned_muscles() -> None:
    plan = {
        "targets": [
            {"muscle": "psoas-major", "side": "left"},
            {"muscle": "tibialis-posterior", "side": "right"},
            {"muscle": "upper-trapezius", "side": "left"},
        ]
    }
    blocked = {(b["muscle"], b["side"]) for b in evaluate({"anticoagulants": True}, plan).as_dict()["blocked"]}
    assert blocked == {("psoas-major", "left"), ("tibialis-posterior", "right")}


def test_without_a_plan_every_non_compressible_muscle_is_listed_for_both_sides() -> None:
    blocked = evaluate({"bleeding_disorder": True}).as_dict()["blocked"]
    assert {"muscle": "psoas-major", "side": None} in [{k: b[k] for k in ("muscle", "side")} for b in blocked]
    assert all(not KB.muscles[b["muscle"]].compressible for b in blocked)


def test_lymphoedema_blocks_the_limb_on_that_side_only() -> None:
    plan = {
        "targets": [
            {"muscle": "extensor-carpi-radialis-brevis", "side": "left"},
            {"muscle": "extensor-carpi-radialis-brevis", "side": "right"},
        ]
    }
    result = evaluate({"lymphoedema": [{"group": "limb.upper", "side": "left"}]}, plan).as_dict()
    assert [(b["muscle"], b["side"]) for b in result["blocked"]] == [("extensor-carpi-radialis-brevis", "left")]
    assert {"region": "elbow.lateral", "side": "left"} in result["avoid_regions"]
    assert {"region": "elbow.lateral", "side": "right"} not in result["avoid_regions"]


def test_pneumothorax_risk_blocks_chest_wall_targets_and_names_the_odds() -> None:
    plan = {"targets": [{"muscle": "rhomboid-major", "side": "right"}, {"muscle": "gluteus-medius", "side": "right"}]}
    result = evaluate({"chest_surgery": True, "lung_disease": ["emphysema"]}, plan)
    assert [(b.muscle, b.side) for b in result.blocked] == [("rhomboid-major", "right")]
    message = next(f.message for f in result.findings if f.rule.id == "pneumothorax-risk")
    assert "7.85" in message and "4.87" in message


def test_pregnancy_avoids_points_and_blocks_electrical_stimulation() -> None:
    result = evaluate(
        {"pregnant": True, "pregnancy_trimester": 1},
        {"targets": [{"muscle": "first-dorsal-interosseous", "side": "left"}], "electrical_stimulation": True},
    ).as_dict()
    assert result["blocked_electrical_stimulation"] is True
    assert {"region": "hand.thumb_web", "side": "left"} in result["avoid_regions"]
    assert {"region": "back.sacrum", "side": None} in result["avoid_regions"]
    assert result["blocked"] and result["blocked"][0]["muscle"] == "first-dorsal-interosseous"


def test_pacemaker_blocks_electrical_stimulation_but_not_needling() -> None:
    result = evaluate({"pacemaker_or_icd": True})
    assert result.blocked_electrical_stimulation and result.status == "precautions" and not result.blocked


def test_metal_implant_matters_only_with_electrical_stimulation() -> None:
    implant = {"metal_implant": [{"region": "knee.anterior", "side": "right"}]}
    assert "estim-metal-implant" not in rule_ids(implant, {"targets": [], "electrical_stimulation": False})
    assert "estim-metal-implant" in rule_ids(implant, {"targets": [], "electrical_stimulation": True})


def test_the_screening_doc_lists_every_rule() -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[3] / "docs" / "screening.md").read_text()
    missing = [rule.id for rule in RULES if f"`{rule.id}`" not in doc]
    assert not missing, f"docs/screening.md lacks {missing}: regenerate its rule table"
