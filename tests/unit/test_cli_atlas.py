"""The atlas and suggest commands: reference data only, no database."""

from __future__ import annotations

import json

import pytest
from tests.cli import run

from needlepoint.knowledge import load_knowledge


def test_atlas_regions_json_is_the_whole_vocabulary(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "atlas", "regions", "--json")
    regions = json.loads(out)
    assert code == 0 and len(regions) == 86
    assert {
        "code": "elbow.lateral",
        "view": "both",
        "midline": False,
        "group": "limb.upper",
        "label": "outer elbow (lateral epicondyle)",
    } in regions


def test_atlas_muscles_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "atlas", "muscles", "--json")
    muscles = json.loads(out)
    assert code == 0 and len(muscles) == len(load_knowledge().muscles) >= 70
    assert all(m["sources"] for m in muscles)


def test_atlas_muscles_search_and_bad_group(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "atlas", "muscles", "--json", "--search", "trapezius upper")
    assert code == 0 and [m["id"] for m in json.loads(out)] == ["upper-trapezius"]
    code, _, err = run(capsys, "atlas", "muscles", "--group", "wings")
    assert code == 1 and "unknown group 'wings'" in err


def test_atlas_show(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "atlas", "show", "rhomboid-major")
    assert code == 0 and "Rhomboid major" in out and "19 mm" in out and "Danger" in out
    code, _, err = run(capsys, "atlas", "show", "wingus")
    assert code == 1 and "no muscle 'wingus'" in err and "Traceback" not in err


def test_atlas_conditions_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "atlas", "conditions", "--json")
    conditions = json.loads(out)
    assert code == 0 and len(conditions) >= 25
    assert any(c["id"] == "lateral-epicondylalgia" and c["icd10cm"] for c in conditions)


def test_suggest_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "suggest", "elbow.lateral:right", "hand.thumb_web:right", "--json", "--limit", "3")
    ranked = json.loads(out)
    assert code == 0 and len(ranked) == 3
    assert set(ranked[0]) >= {"muscle", "name", "side", "score", "explains", "missing"}
    assert ranked[0]["side"] == "right" and ranked[0]["score"] >= ranked[1]["score"]
    assert ranked[0]["muscle"] in {"supinator", "brachioradialis"}


def test_suggest_names_every_bad_region(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "suggest", "head.tempel:left", "elbow.lateral:up", "head.vertex:left")
    assert code == 1 and out == ""
    assert "unknown region code 'head.tempel'" in err
    assert "unknown side 'up'" in err and "head.vertex is a midline region" in err
    assert "Traceback" not in err


def test_screen_prints_the_contract_result(capsys: pytest.CaptureFixture[str], tmp_path) -> None:  # type: ignore[no-untyped-def]
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"pacemaker_or_icd": True}))
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"targets": [{"muscle": "upper-trapezius", "side": "left"}],
                                "electrical_stimulation": True}))
    code, out, _ = run(capsys, "screen", "--answers", str(answers), "--plan", str(plan), "--json")
    result = json.loads(out)
    assert code == 0 and set(result) == {"status", "findings", "blocked", "blocked_electrical_stimulation",
                                         "avoid_regions"}
    assert result["blocked_electrical_stimulation"] is True and result["status"] == "precautions"


def test_screen_errors_are_one_line(capsys: pytest.CaptureFixture[str], tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"age_years": "old", "wings": 1}))
    code, out, err = run(capsys, "screen", "--answers", str(bad), "--json")
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "age_years:" in err and "wings: unknown question id" in err
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    code, _, err = run(capsys, "screen", "--answers", str(broken))
    assert code == 1 and "not valid JSON" in err and "Traceback" not in err
