"""The outcomes API contract: the episode's outcomes, listing and recording measurements, marking
one entered in error. Outsiders get 404 on every operation; the front desk reads but never records;
bad input answers 422 naming the field; reads and writes are audited."""

from __future__ import annotations

from typing import Any

from tests.integration.test_outcomes_measures_helpers import OutcomesTestCase
from tests.integration.test_visits_helpers import post

from needlepoint.audit.models import AuditEvent
from needlepoint.outcomes.models import Measurement


class OutcomesApiCase(OutcomesTestCase):
    def path(self, suffix: str) -> str:
        return f"/api/v1/episodes/{self.episode.pk}/{suffix}"

    def body(self, **changes: Any) -> dict[str, Any]:
        return {"measure": "nprs", "timepoint": "baseline", "taken_on": self.day(0).isoformat(), "value": 7, **changes}


class RecordAndListTests(OutcomesApiCase):
    def test_record_then_list(self) -> None:
        client = self.api(self.alice)
        response = post(
            client,
            self.path("measurements"),
            self.body(measure="rom", value="55.5", joint="cervical", movement="rotation", side="left"),
        )
        body = response.json()
        assert response.status_code == 201, body
        assert (body["measure"], body["value"], body["unit"], body["where"]) == (
            "rom",
            "55.50",
            "degrees",
            "Cervical rotation, left",
        )
        assert body["recorded_by"] == "Alice Chen" and body["entered_in_error"] is False
        assert response["Location"] == self.path("measurements")
        listed = client.get(self.path("measurements"))
        assert listed.status_code == 200 and [m["id"] for m in listed.json()] == [body["id"]]
        assert AuditEvent.objects.filter(action="read", object_repr__startswith="Measurements").count() == 1

    def test_bad_input_names_the_field(self) -> None:
        client = self.api(self.alice)
        response = post(client, self.path("measurements"), self.body(value=11))
        assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
        assert [e["field"] for e in response.json()["errors"]] == ["value"]
        response = post(client, self.path("measurements"), self.body(measure="rom", value=40))
        assert {e["field"] for e in response.json()["errors"]} == {"joint", "movement"}
        response = post(client, self.path("measurements"), self.body(timepoint="later", wings=2))
        assert response.status_code == 422 and {e["field"] for e in response.json()["errors"]} == {"timepoint", "wings"}
        assert not Measurement.objects.exists()

    def test_front_desk_reads_but_does_not_record(self) -> None:
        self.measure("nprs", 7)
        client = self.api(self.fran)
        assert client.get(self.path("measurements")).status_code == 200
        assert client.get(self.path("outcomes")).status_code == 200
        assert post(client, self.path("measurements"), self.body()).status_code == 403
        assert Measurement.objects.count() == 1

    def test_mark_in_error(self) -> None:
        row = self.measure("nprs", 7)
        path = f"/api/v1/measurements/{row.pk}/entered-in-error"
        assert post(self.api(self.fran), path, {"reason": "typo"}).status_code == 403
        response = post(self.api(self.bob), path, {"reason": "typed 7 for 1"})
        assert response.status_code == 200 and response.json()["entered_in_error"] is True
        assert response.json()["error_reason"] == "typed 7 for 1"
        again = post(self.api(self.bob), path, {"reason": "again"})
        assert again.status_code == 422 and again.json()["errors"][0]["field"] == "reason"
        assert post(self.api(self.bob), path, {"reason": ""}).status_code == 422


class OutcomesTests(OutcomesApiCase):
    def test_the_summary(self) -> None:
        self.measure("nprs", 7)
        self.signed_visit(14, 5, 2)
        self.measure("nprs", 4, day=28, timepoint="discharge")
        response = self.api(self.alice).get(self.path("outcomes"))
        body = response.json()
        assert response.status_code == 200, body
        assert (body["condition"], body["primary_measure"], body["responder"]) == ("neck-pain", "nprs", True)
        nprs = body["series"][0]
        assert [(p["timepoint"], p["source"]) for p in nprs["points"]] == [
            ("baseline", "measurement"),
            ("visit_pre", "visit"),
            ("visit_post", "visit"),
            ("discharge", "measurement"),
        ]
        assert nprs["change"]["label"] == "meaningful improvement" and nprs["change"]["delta"] == -3
        assert nprs["change"]["threshold"] == "MCID 2 points" and "ostelo-2008" in nprs["change"]["sources"]
        assert (nprs["mcid"], nprs["mdc"]) == ("2", "1.77")
        assert body["primary"] == nprs
        assert AuditEvent.objects.filter(action="read", object_id=str(self.episode.pk)).exists()

    def test_not_enough_data(self) -> None:
        body = self.api(self.alice).get(self.path("outcomes")).json()
        assert (body["series"], body["primary"], body["responder"]) == ([], None, None)


class OutsiderTests(OutcomesApiCase):
    def test_every_operation_is_404_for_outsiders(self) -> None:
        row = self.measure("nprs", 7)
        calls = [
            ("get", self.path("outcomes"), None),
            ("get", self.path("measurements"), None),
            ("post", self.path("measurements"), self.body()),
            ("post", f"/api/v1/measurements/{row.pk}/entered-in-error", {"reason": "x"}),
        ]
        for user in (self.charlie, self.pat):
            client = self.api(user)
            for method, path, body in calls:
                response = client.get(path) if method == "get" else post(client, path, body)
                assert response.status_code == 404, (user.username, path)
                assert response.json()["detail"] in ("Not found.", "No such episode of care.", "No such measurement.")
        for method, path, body in calls:
            response = self.api(None).get(path) if method == "get" else post(self.api(None), path, body)
            assert response.status_code == 401
        client = self.api(self.alice)
        assert client.get("/api/v1/episodes/not-a-uuid/outcomes").status_code == 404
        assert Measurement.objects.filter(entered_in_error=False).count() == 1
        assert not AuditEvent.objects.filter(actor_id__in=[self.charlie.pk, self.pat.pk], action="read").exists()
