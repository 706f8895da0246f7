from needlepoint.clinical.adverse_events import (
    ALWAYS_SERIOUS,
    SEVERITIES,
    SEVERITY_DEFINITIONS,
    SOURCES,
    grading_problems,
)
from needlepoint.clinical.needling import needle_count_problem
from needlepoint.knowledge import load_knowledge


def test_a_mild_bruise_needs_nothing_more() -> None:
    assert grading_problems("bruising", "mild", "", "") == {}


def test_pneumothorax_is_always_serious() -> None:
    assert "pneumothorax" in ALWAYS_SERIOUS
    assert "always serious" in grading_problems("pneumothorax", "significant", "Sent to A&E", "")["severity"][0]
    assert grading_problems("pneumothorax", "serious", "Sent to A&E", "") == {}


def test_significant_and_serious_events_need_the_action_taken() -> None:
    assert grading_problems("fainting", "significant", "", "") == {"action_taken": ["say what was done about it"]}
    assert grading_problems("fainting", "significant", "Lay flat, recovered in 5 minutes", "") == {}


def test_other_needs_a_description_and_unknown_values_are_named() -> None:
    assert set(grading_problems("other", "mild", "", "")) == {"description"}
    assert set(grading_problems("dizzy", "awful", "", "")) == {"kind", "severity"}


def test_every_grade_is_defined_and_cited() -> None:
    assert set(SEVERITY_DEFINITIONS) == set(SEVERITIES)
    assert all(source in load_knowledge().references for source in SOURCES)


def test_needle_log_cannot_list_more_needles_than_opened() -> None:
    assert "lists 4 needles used but 3 were opened" in (needle_count_problem(3, 3, 4) or "")
    assert needle_count_problem(3, 3, 3) is None
