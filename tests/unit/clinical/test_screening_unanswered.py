"""A blank safety answer is unknown, not "no": it blocks what a "yes" would block until answered."""

from __future__ import annotations

from typing import Any

import pytest

from needlepoint.clinical.screening import ScreeningInputError, evaluate, result_with_overrides
from needlepoint.clinical.screening.rules import RULES, UNKNOWN_MEANS

PSOAS = {"targets": [{"muscle": "psoas-major", "side": "left"}], "electrical_stimulation": False}
ADULT = {"age_years": 40, "willing": True, "able_to_consent": True, "needle_phobia": "none"}


def rules_of(answers: dict[str, Any], plan: dict[str, Any] | None = None) -> dict[str, str]:
    return {f.rule.id: f.rule.severity for f in evaluate(answers, plan).findings}


def test_blank_anticoagulant_answer_blocks_deep_psoas_like_a_yes() -> None:
    blank = evaluate(ADULT | {"anticoagulants": None}, PSOAS)
    yes = evaluate(ADULT | {"anticoagulants": True}, PSOAS)
    no = evaluate(ADULT | {"anticoagulants": False}, PSOAS)
    assert (
        [(b.muscle, b.side) for b in blank.blocked]
        == [(b.muscle, b.side) for b in yes.blocked]
        == [("psoas-major", "left")]
    )
    assert blank.blocked[0].reason.startswith("not answered (blood-thinning medicine)")
    assert no.blocked == ()
    assert rules_of(ADULT | {"anticoagulants": None}, PSOAS)["anticoagulants-deep-muscle-unanswered"] == "absolute"


def test_a_blank_is_not_lifted_by_an_override_only_by_an_answer() -> None:
    answers = ADULT | {"chest_surgery": None}
    plan = {"targets": [{"muscle": "infraspinatus", "side": "right"}]}
    result = evaluate(answers, plan)
    assert result.blocks_target("infraspinatus", "right") is not None
    with pytest.raises(ScreeningInputError):
        result_with_overrides(result, ["pneumothorax-risk-unanswered"])
    assert evaluate(ADULT | {"chest_surgery": False}, plan).blocks_target("infraspinatus", "right") is None


@pytest.mark.parametrize(
    ("question", "rule"),
    [
        ("needle_phobia", "needle-phobia-unanswered"),
        ("willing", "unwilling-unanswered"),
        ("able_to_consent", "unable-to-consent-unanswered"),
        ("acute_illness", "acute-illness-unanswered"),
        ("prior_adverse_reaction", "prior-adverse-reaction-unanswered"),
        ("age_years", "minor-without-guardian-unanswered"),
        ("lymphoedema", "lymphoedema-unanswered"),
        ("local_infection", "local-infection-unanswered"),
    ],
)
def test_blank_patient_wide_questions_stop_needling_until_answered(question: str, rule: str) -> None:
    result = evaluate(ADULT | {question: None})
    assert result.status == "contraindicated"
    assert rule in {f.rule.id for f in result.findings}
    assert question in result.unanswered_questions


def test_blank_age_no_longer_skips_the_guardian_rule() -> None:
    assert evaluate({"age_years": None, "guardian_consent": True}).status != "contraindicated"
    assert evaluate({"age_years": None}).status == "contraindicated"


def test_blank_pacemaker_or_epilepsy_blocks_electrical_stimulation() -> None:
    for question in ("pacemaker_or_icd", "epilepsy"):
        assert evaluate(ADULT | {question: None}).blocked_electrical_stimulation, question
    assert not evaluate(ADULT | {"pacemaker_or_icd": False, "epilepsy": "controlled"}).blocked_electrical_stimulation


def test_blank_pregnancy_avoids_the_pregnancy_regions() -> None:
    blank = evaluate(ADULT | {"pregnant": None})
    yes = evaluate(ADULT | {"pregnant": True})
    assert set(blank.avoid_regions) == set(yes.avoid_regions) and blank.avoid_regions
    assert blank.blocked_electrical_stimulation


def test_blank_lung_history_blocks_near_lung_muscles() -> None:
    plan = {"targets": [{"muscle": "quadratus-lumborum", "side": "left"}, {"muscle": "gluteus-medius", "side": "left"}]}
    result = evaluate(ADULT | {"lung_disease": None}, plan)
    assert [b.muscle for b in result.blocked] == ["quadratus-lumborum"]


def test_answered_questions_do_not_stand_in() -> None:
    result = evaluate(ADULT | {"anticoagulants": False, "bleeding_disorder": False, "pregnant": False})
    assert not result.unanswered_questions
    assert result.status == "clear"


def test_not_asked_is_not_blank() -> None:
    """A missing key means the question was not asked (spec): it does not stand in."""
    assert evaluate(ADULT).status == "clear"


def test_every_blocking_rule_says_which_questions_it_reads() -> None:
    for rule in RULES:
        if rule.scope != "advice":
            assert rule.asks, rule.id
            assert all(q in UNKNOWN_MEANS for q in rule.asks), rule.id
