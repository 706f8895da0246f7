"""POST /api/v1/safety-checks and `needlepoint safety check`: spec/safety-check.md, one path with the log."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.base import ClinicTestCase
from tests.cli import run

from needlepoint.audit.models import AuditEvent
from needlepoint.clinical.plan_check import check_plan, parse_plan

PLAN: dict[str, Any] = {
    "patient": {"weight_kg": 60, "height_cm": 170, "sex": "female", "age_years": 40},
    "screening": {"anticoagulants": False, "lung_disease": []},
    "position": "prone",
    "insertions": [
        {
            "muscle": "middle-trapezius",
            "side": "left",
            "technique": "deep",
            "depth_mm": 28,
            "needle_length_mm": 30,
            "electrical_stimulation": False,
        },
        {"muscle": "gluteus-medius", "side": "right", "technique": "deep", "depth_mm": 35, "needle_length_mm": 50},
    ],
}


def post(client: Any, body: Any) -> Any:
    return client.post("/api/v1/safety-checks", data=json.dumps(body), content_type="application/json")


class SafetyCheckApiTests(ClinicTestCase):
    def test_the_contracts_result_and_nothing_stored_or_audited(self) -> None:
        client = self.api(self.alice)
        before = AuditEvent.objects.count()
        response = post(client, PLAN)
        body = response.json()
        assert response.status_code == 200, body
        assert set(body) == {"insertions", "pleura_estimate_mm"}
        assert [(i["muscle"], i["side"]) for i in body["insertions"]] == [
            ("middle-trapezius", "left"),
            ("gluteus-medius", "right"),
        ]
        first = {f["code"]: f["level"] for f in body["insertions"][0]["findings"]}
        assert first["chest-wall-depth"] == "block" and first["chest-wall-needle-length"] == "block"
        assert body["insertions"][1]["findings"] == []
        assert body["pleura_estimate_mm"]["source"] == "kim-2002"
        assert body["pleura_estimate_mm"]["method"].endswith("lower bound")
        assert AuditEvent.objects.count() == before

    def test_the_same_answer_as_the_pure_check(self) -> None:
        body = post(self.api(self.alice), PLAN).json()
        assert body == check_plan(parse_plan(PLAN)).as_dict()

    def test_missing_weight_is_said_not_passed(self) -> None:
        plan = {**PLAN, "patient": {}, "insertions": [PLAN["insertions"][0] | {"depth_mm": 10, "needle_length_mm": 15}]}
        body = post(self.api(self.alice), plan).json()
        assert {f["code"]: f["level"] for f in body["insertions"][0]["findings"]} == {"chest-wall-no-estimate": "block"}
        assert body["pleura_estimate_mm"] is None

    def test_a_blank_screening_answer_blocks(self) -> None:
        plan = {
            **PLAN,
            "screening": {"anticoagulants": None},
            "insertions": [{"muscle": "psoas-major", "side": "left", "technique": "deep", "needle_length_mm": 75}],
        }
        findings = post(self.api(self.alice), plan).json()["insertions"][0]["findings"]
        blocked = [f for f in findings if f["code"] == "screening-blocked-target"]
        assert blocked and "not answered" in blocked[0]["message"]

    def test_bad_input_names_the_field(self) -> None:
        cases = [
            ({**PLAN, "colour": "red"}, "colour"),
            ({**PLAN, "insertions": [{**PLAN["insertions"][0], "muscle": "nope"}]}, "insertions.0.muscle"),
            ({**PLAN, "insertions": [{**PLAN["insertions"][0], "depth_mm": "deep"}]}, "insertions.0.depth_mm"),
            ({**PLAN, "insertions": [{**PLAN["insertions"][0], "side": None}]}, "insertions.0.side"),
            ({**PLAN, "screening": {"anticoagulants": "maybe"}}, "screening.anticoagulants"),
            ({**PLAN, "position": "upside-down"}, "position"),
            ({**PLAN, "insertions": []}, "insertions"),
        ]
        for body, field in cases:
            response = post(self.api(self.alice), body)
            assert response.status_code == 422, body
            fields = [e["field"] for e in response.json()["errors"]]
            assert any(f == field or f.endswith(field) for f in fields), (field, fields)

    def test_only_clinicians(self) -> None:
        assert post(self.api(self.fran), PLAN).status_code == 403
        assert post(self.client, PLAN).status_code == 401


def test_cli_follows_the_spec(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(PLAN))
    code, out, _ = run(capsys, "safety", "check", "--plan", str(plan_file), "--json")
    assert code == 3  # an insertion is blocked
    assert json.loads(out) == check_plan(parse_plan(PLAN)).as_dict()
    plan_file.write_text(json.dumps({**PLAN, "insertions": [PLAN["insertions"][1]]}))
    code, out, _ = run(capsys, "safety", "check", "--plan", str(plan_file))
    assert code == 0 and "gluteus-medius (right) passed" in out


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("{not json", "not valid JSON"),
        (
            json.dumps({**PLAN, "insertions": [{"muscle": "nope", "side": "left", "technique": "deep"}]}),
            "insertions.0.muscle",
        ),
    ],
)
def test_cli_bad_input_exits_non_zero_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, needle: str
) -> None:
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(content)
    code, out, err = run(capsys, "safety", "check", "--plan", str(plan_file), "--json")
    assert code == 1 and needle in err and "Traceback" not in err and out == ""
