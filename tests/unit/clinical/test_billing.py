"""CPT 20560/20561: anatomical muscles are counted, not atlas entries, needles or sides."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from tests.unit.knowledge.test_knowledge_loader import MUSCLE, REFERENCE

from needlepoint.clinical.billing import RULES, codes_for, count_muscles, cpt_codes
from needlepoint.knowledge import KnowledgeError, Muscle, data_directory, load_knowledge, load_knowledge_from

ATLAS = load_knowledge().muscles
TRAPEZIUS = ["upper-trapezius", "middle-trapezius", "lower-trapezius"]


def test_the_three_trapezius_entries_are_one_anatomical_muscle() -> None:
    assert {ATLAS[i].billing_muscle for i in TRAPEZIUS} == {"trapezius"}
    assert ATLAS["levator-scapulae"].billing_muscle == "levator-scapulae"  # an entry of its own
    assert ATLAS["scalenes"].covers == ("anterior-scalene", "middle-scalene", "posterior-scalene")


def test_needling_all_three_parts_of_the_trapezius_bills_one_muscle() -> None:
    log = [(m, "left") for m in TRAPEZIUS]
    counted = count_muscles(log)
    assert (counted.count, counted.codes) == (1, ["20560"])
    assert counted.basis() == (
        "CPT 20560: 1 muscle (trapezius: upper trapezius, middle trapezius and lower trapezius counted once)."
    )
    assert [r.id for r in counted.rules] == ["muscles", "parts"]
    # With two more muscles it is three: 20561, where the atlas entries alone would say five.
    assert cpt_codes([*log, ("levator-scapulae", "left")]) == ["20560"]
    assert cpt_codes([*log, ("levator-scapulae", "left"), ("infraspinatus", "left")]) == ["20561"]


def test_left_and_right_of_one_muscle_count_once() -> None:
    counted = count_muscles([("infraspinatus", "left"), ("infraspinatus", "right"), ("teres-minor", "left")])
    assert (counted.count, counted.codes) == (2, ["20560"])
    assert "infraspinatus: left and right counted once" in counted.basis()
    assert [r.id for r in counted.rules] == ["muscles", "sides"]
    # Both sides of three muscles are still three muscles.
    both = [(m, side) for m in ("infraspinatus", "teres-minor", "teres-major") for side in ("left", "right")]
    assert count_muscles(both).count == 3 and cpt_codes(both) == ["20561"]


def test_the_sides_rule_is_marked_unconfirmed_and_cites_the_other_reading() -> None:
    sides = RULES["sides"]
    assert not sides.confirmed
    assert sides.sources == ("apta-2020-cpt", "aapc-right-left-trapezius")
    references = load_knowledge().references
    assert references["aapc-right-left-trapezius"].status == "unconfirmed"
    assert all(source in references for rule in RULES.values() for source in rule.sources)
    assert all(rule.confirmed for rule_id, rule in RULES.items() if rule_id != "sides")


def test_the_scalenes_entry_counts_once_and_says_which_muscles_it_stands_for() -> None:
    counted = count_muscles([("scalenes", "left"), ("scalenes", "right")])
    assert (counted.count, counted.codes) == (1, ["20560"])
    assert counted.basis() == (
        "CPT 20560: 1 muscle (scalenes: one entry for anterior scalene, middle scalene and posterior "
        "scalene, counted once, left and right counted once)."
    )
    assert [r.id for r in counted.rules] == ["muscles", "group", "sides"]
    assert "name them in the note" in RULES["group"].text


def test_an_id_the_atlas_no_longer_knows_counts_as_a_muscle_of_its_own() -> None:
    counted = count_muscles([("retired-entry", "left"), ("upper-trapezius", "left")])
    assert counted.count == 2 and counted.muscles[0].name == "retired entry"


def test_no_needling_no_code() -> None:
    assert count_muscles([]).codes == [] and cpt_codes([]) == []
    assert count_muscles([]).basis() == "No muscle needled, so no CPT code."


@pytest.mark.parametrize(("count", "codes"), [(0, []), (1, ["20560"]), (2, ["20560"]), (3, ["20561"]), (40, ["20561"])])
def test_codes_for_the_number_of_muscles(count: int, codes: list[str]) -> None:
    assert codes_for(count) == codes


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        codes_for(-1)


# --- properties --------------------------------------------------------------------------------

entries = st.tuples(st.sampled_from([*sorted(ATLAS), "retired-entry"]), st.sampled_from(["left", "right"]))
logs = st.lists(entries, max_size=12)
CODE_RANK = {(): 0, ("20560",): 1, ("20561",): 2}


@given(logs, entries)
def test_adding_an_entry_never_lowers_the_count_or_the_code(log: list[tuple[str, str]], extra: tuple[str, str]) -> None:
    before, after = count_muscles(log), count_muscles([*log, extra])
    assert before.count <= after.count <= before.count + 1
    assert CODE_RANK[tuple(before.codes)] <= CODE_RANK[tuple(after.codes)]


@given(logs)
def test_the_count_never_exceeds_the_entries_and_ignores_order_and_repeats(log: list[tuple[str, str]]) -> None:
    counted = count_muscles(log)
    assert counted.count <= len({muscle for muscle, _ in log})
    assert counted.count == count_muscles([*reversed(log), *log]).count
    assert counted.count == len({(ATLAS[m].billing_muscle if m in ATLAS else m) for m, _ in log})


# --- the atlas fields behind it ----------------------------------------------------------------


def test_an_entry_is_a_part_or_a_group_never_both() -> None:
    base = ATLAS["scalenes"].model_dump()
    with pytest.raises(ValidationError, match="either part of one muscle"):
        Muscle.model_validate({**base, "anatomical_muscle": "neck-muscles"})
    with pytest.raises(ValidationError, match="at least two"):
        Muscle.model_validate({**base, "covers": ["anterior-scalene"]})
    with pytest.raises(ValidationError, match="twice"):
        Muscle.model_validate({**base, "covers": ["anterior-scalene", "anterior-scalene"]})


def _load_with(tmp_path: Path, muscles: list[dict[str, Any]]) -> None:
    regions = data_directory().joinpath("regions.yaml").read_text(encoding="utf-8")
    (tmp_path / "regions.yaml").write_text(regions, "utf-8")
    for name, key, rows in (("bibliography.yaml", "references", [REFERENCE]), ("muscles.yaml", "muscles", muscles)):
        (tmp_path / name).write_text(yaml.safe_dump({key: rows}, sort_keys=False), "utf-8")
    load_knowledge_from(tmp_path)


def _muscle(**changes: Any) -> dict[str, Any]:
    muscle = copy.deepcopy(MUSCLE)
    muscle.pop("conditions", None)
    muscle.update(changes)
    return muscle


def test_the_loader_refuses_a_muscle_counted_twice(tmp_path: Path) -> None:
    _load_with(
        tmp_path, [_muscle(id="a-part", anatomical_muscle="whole"), _muscle(id="b-part", anatomical_muscle="whole")]
    )
    with pytest.raises(KnowledgeError, match=r"'covers.0': 'b-muscle' is also counted by another atlas entry"):
        _load_with(tmp_path, [_muscle(id="group", covers=["b-muscle", "c-muscle"]), _muscle(id="b-muscle")])
    with pytest.raises(KnowledgeError, match="is itself a part or a group"):
        _load_with(tmp_path, [_muscle(id="a-part", anatomical_muscle="group"), _muscle(id="group", covers=["x", "y"])])
