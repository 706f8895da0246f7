"""The answers and plan contract: bad input is refused, each problem named by its field."""

from __future__ import annotations

from typing import Any

import pytest

from needlepoint.clinical.screening import QUESTION_IDS, ScreeningInputError, evaluate, result_with_overrides


def errors(answers: Any, plan: Any = None) -> dict[str, list[str]]:
    with pytest.raises(ScreeningInputError) as info:
        evaluate(answers, plan)
    return info.value.errors


def test_question_ids_are_the_contracts() -> None:
    assert set(QUESTION_IDS) == {
        "age_years",
        "pregnant",
        "pregnancy_trimester",
        "needle_phobia",
        "willing",
        "able_to_consent",
        "guardian_consent",
        "acute_illness",
        "prior_adverse_reaction",
        "anticoagulants",
        "bleeding_disorder",
        "lymphoedema",
        "lymph_node_removal",
        "local_infection",
        "immunocompromised",
        "diabetes",
        "vascular_disease",
        "heart_valve_disease",
        "epilepsy",
        "pacemaker_or_icd",
        "metal_implant",
        "metal_allergy",
        "chest_surgery",
        "lung_disease",
        "recent_surgery",
        "frail",
    }


def test_unknown_ids_wrong_types_and_bad_values_are_all_named() -> None:
    found = errors(
        {
            "favourite_colour": "blue",
            "age_years": "forty",
            "willing": "yes",
            "diabetes": "sometimes",
            "lung_disease": ["asthma"],
            "local_infection": [{"region": "knee.front", "side": "left"}],
            "lymphoedema": [{"group": "limb.middle", "side": "left"}],
        }
    )
    assert set(found) == {
        "favourite_colour",
        "age_years",
        "willing",
        "diabetes",
        "lung_disease.0",
        "local_infection.0.region",
        "lymphoedema.0.group",
    }
    assert found["favourite_colour"] == ["unknown question id"]


def test_impossible_combinations() -> None:
    assert "pregnancy_trimester" in errors({"pregnant": False, "pregnancy_trimester": 2})
    assert "pregnant" in errors({"pregnant": True, "age_years": 5})
    assert "metal_implant.0.side" in errors({"metal_implant": [{"region": "chest.sternum", "side": "left"}]})
    assert "metal_implant.0.side" in errors({"metal_implant": [{"region": "knee.anterior", "side": None}]})


def test_plan_errors_are_named() -> None:
    found = errors(
        {},
        {
            "targets": [{"muscle": "wingus", "side": "left"}, {"muscle": "psoas-major", "side": "up"}],
            "electrical_stimulation": "yes",
            "dose": 3,
        },
    )
    assert set(found) == {"plan.targets.0.muscle", "plan.targets.1.side", "plan.electrical_stimulation", "plan.dose"}


def test_null_means_not_answered_and_is_allowed() -> None:
    assert evaluate({"anticoagulants": None, "pregnant": None}).status == "precautions"


def test_relative_findings_can_be_overridden_and_stop_blocking() -> None:
    plan = {"targets": [{"muscle": "rhomboid-major", "side": "left"}]}
    result = evaluate({"chest_surgery": True}, plan)
    assert result.blocked
    overridden = result_with_overrides(result, {"pneumothorax-risk"})
    assert not overridden.blocked and overridden.overridden == {"pneumothorax-risk"}
    assert [f.rule.id for f in overridden.findings] == ["pneumothorax-risk"]  # still listed


def test_absolute_findings_cannot_be_overridden() -> None:
    result = evaluate({"anticoagulants": True})
    with pytest.raises(ScreeningInputError, match="only relative findings can be overridden"):
        result_with_overrides(result, {"anticoagulants-deep-muscle"})
    with pytest.raises(ScreeningInputError, match="not a finding"):
        result_with_overrides(result, {"frailty"})
