from __future__ import annotations

import json
from typing import Any

from tests.base import ClinicTestCase

from needlepoint.audit.models import AuditEvent
from needlepoint.screening.models import Screening

RESULT_KEYS = {"status", "findings", "blocked", "blocked_electrical_stimulation", "avoid_regions"}


def post(client: Any, path: str, body: Any) -> Any:
    return client.post(path, data=json.dumps(body), content_type="application/json")


class StatelessScreeningTests(ClinicTestCase):
    def test_returns_the_contract_result_and_stores_nothing(self) -> None:
        response = post(
            self.api(self.alice),
            "/api/v1/screenings",
            {
                "answers": {"anticoagulants": True},
                "plan": {"targets": [{"muscle": "psoas-major", "side": "left"}], "electrical_stimulation": False},
            },
        )
        body = response.json()
        assert response.status_code == 200 and set(body) == RESULT_KEYS
        assert body["blocked"] == [
            {
                "muscle": "psoas-major",
                "side": "left",
                "reason": "bleeding here cannot be stopped by pressure (anticoagulants or bleeding disorder)",
            }
        ]
        assert body["findings"][0] == {
            "rule": "anticoagulants-deep-muscle",
            "severity": "absolute",
            "message": body["findings"][0]["message"],
            "source": "ahpcsa-bn121",
        }
        assert not Screening.objects.exists()

    def test_each_bad_field_is_named(self) -> None:
        response = post(
            self.api(self.alice),
            "/api/v1/screenings",
            {
                "answers": {"age_years": -3, "wings": True, "pregnancy_trimester": 2},
                "plan": {"targets": [{"muscle": "wingus", "side": "left"}]},
            },
        )
        assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
        fields = {e["field"] for e in response.json()["errors"]}
        assert fields == {"age_years", "wings", "pregnancy_trimester", "plan.targets.0.muscle"}


class StoredScreeningTests(ClinicTestCase):
    def test_store_and_read_back(self) -> None:
        client = self.api(self.alice)
        response = post(client, f"/api/v1/patients/{self.olive.pk}/screenings", {"answers": {"frail": True}})
        assert response.status_code == 201 and set(response.json()) == RESULT_KEYS
        screening = Screening.objects.get()
        assert response["Location"] == f"/api/v1/patients/{self.olive.pk}/screenings/{screening.pk}"
        read = client.get(response["Location"]).json()
        assert read["current"] and read["channel"] == "api" and read["result"]["status"] == "precautions"
        assert AuditEvent.objects.filter(action="read", object_id=str(screening.pk)).exists()

    def test_other_clinic_and_other_patients_get_404(self) -> None:
        assert (
            post(self.api(self.charlie), f"/api/v1/patients/{self.olive.pk}/screenings", {"answers": {}}).status_code
            == 404
        )
        assert (
            post(self.api(self.pat), f"/api/v1/patients/{self.olive.pk}/screenings", {"answers": {}}).status_code == 404
        )
        stored = post(self.api(self.alice), f"/api/v1/patients/{self.olive.pk}/screenings", {"answers": {}})
        assert self.api(self.charlie).get(stored["Location"]).status_code == 404
        assert not Screening.objects.filter(patient__clinic=self.other_clinic).exists()

    def test_bad_answers_save_nothing(self) -> None:
        response = post(
            self.api(self.alice), f"/api/v1/patients/{self.olive.pk}/screenings", {"answers": {"willing": "maybe"}}
        )
        assert response.status_code == 422 and not Screening.objects.exists()
