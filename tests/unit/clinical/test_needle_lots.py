"""Single use is about needles, not lots: a lot number names a box of needles (issue 11)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from needlepoint.clinical import needling
from needlepoint.clinical.needling import check_single_use, distinct_lots, needle_count_problem
from needlepoint.knowledge import load_knowledge


def test_two_needles_from_one_box_are_fine() -> None:
    assert check_single_use(["2411-07B", "2411-07B"]) == []
    assert check_single_use(["2411-07B"]) == []
    assert check_single_use(["2411-07B", "2411-09C"]) == []


def test_no_lot_recorded_is_a_warning_with_its_source() -> None:
    for lots in ([], [""], ["  ", ""]):
        (finding,) = check_single_use(lots)
        assert (finding.code, finding.level, finding.source) == ("needle-lot-missing", "warning", "nzasa-codes")
    assert needling.STERILE_SOURCE in load_knowledge().references


def test_repeated_lots_are_one_box_each_in_the_order_given() -> None:
    assert distinct_lots([" B ", "A", "B", "", "A", "C"]) == ["B", "A", "C"]
    assert distinct_lots([]) == []


@given(st.lists(st.sampled_from(["L1", "L2", "L3", " L1", ""]), max_size=20))
def test_no_list_of_lots_is_ever_blocked(lots: list[str]) -> None:
    found = check_single_use(lots)
    assert all(f.level != "block" for f in found)
    assert bool(found) == (not distinct_lots(lots))


def test_the_count_compares_needles_used_with_needles_opened() -> None:
    # Three entries of 2, 1 and 3 needles: 6 needles logged, whatever their lots.
    logged = sum([2, 1, 3])
    assert needle_count_problem(6, 6, logged) is None
    assert needle_count_problem(7, 7, logged) is None  # one opened and dropped unused: still disposed of
    problem = needle_count_problem(5, 5, logged) or ""
    assert "lists 6 needles used but 5 were opened" in problem
    assert "1 needle used but 0 were opened" in (needle_count_problem(0, 0, 1) or "")


def test_every_needle_opened_must_still_be_removed() -> None:
    assert "1 needle opened but not accounted for" in (needle_count_problem(6, 5, 6) or "")
    assert "removed than opened" in (needle_count_problem(5, 6, 5) or "")
    assert needle_count_problem(-1, 0) == "Needle counts cannot be negative."
    assert needle_count_problem(1, 1, -1) == "Needle counts cannot be negative."


@given(opened=st.integers(0, 60), removed=st.integers(0, 60), logged=st.integers(0, 60))
def test_a_count_passes_only_when_all_opened_are_removed_and_none_extra_logged(
    opened: int, removed: int, logged: int
) -> None:
    assert (needle_count_problem(opened, removed, logged) is None) == (opened == removed and logged <= opened)
