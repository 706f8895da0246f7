"""The visits API contract: paths, status codes, shapes; outsiders get 404 everywhere, front desk
reads but never writes, stale versions and signed notes answer 409."""

from __future__ import annotations

from typing import Any

from django.core import mail
from tests.integration.test_visits_helpers import ENTRY, EPISODE, VisitTestCase, patch, post

from needlepoint.audit.models import AuditEvent
from needlepoint.visits.models import Episode, NeedleInsertion, Visit

FINDING = {"muscle": "upper-trapezius", "side": "left", "activity": "active", "taut_band": True}


class VisitApiTestCase(VisitTestCase):
    def path(self, suffix: str = "") -> str:
        return f"/api/v1/visits/{self.visit.pk}{suffix}"

    def writes(self, version: int = 1) -> list[tuple[str, str, dict[str, Any]]]:
        """Every write operation on a visit, with a valid body."""
        return [
            ("patch", self.path(), {"version": version, "pain_before": 5}),
            ("post", self.path("/findings"), {"version": version, **FINDING}),
            ("post", self.path("/insertions"), {"version": version, **ENTRY}),
            ("post", self.path("/adverse-events"), {"version": version, "kind": "bruising", "severity": "mild"}),
            ("post", self.path("/sign"), {"version": version, "needles_opened": 0, "needles_removed": 0}),
            ("post", self.path("/addenda"), {"version": version, "text": "A correction."}),
        ]

    def call(self, client: Any, method: str, path: str, body: dict[str, Any]) -> Any:
        return (patch if method == "patch" else post)(client, path, body)


class EpisodeApiTests(VisitApiTestCase):
    def test_create(self) -> None:
        response = post(self.api(self.bob), "/api/v1/episodes", {"patient_id": str(self.olive.pk), **EPISODE})
        body = response.json()
        assert response.status_code == 201, body
        assert (body["condition"], body["icd10_code"], body["icd10_label"], body["interval_weeks"]) == (
            "neck-pain",
            "M54.2",
            "Cervicalgia",
            1,
        )
        assert body["patient_id"] == str(self.olive.pk) and Episode.objects.filter(pk=body["id"]).exists()

    def test_refusals(self) -> None:
        body = {"patient_id": str(self.olive.pk), **EPISODE}
        assert post(self.api(self.fran), "/api/v1/episodes", body).status_code == 403
        for user in (self.charlie, self.pat):
            assert post(self.api(user), "/api/v1/episodes", body).status_code == 404
        assert post(self.api(None), "/api/v1/episodes", body).status_code == 401
        response = post(self.api(self.alice), "/api/v1/episodes", {**body, "icd10_code": "Z99.9", "wings": 2})
        assert response.status_code == 422
        assert {e["field"] for e in response.json()["errors"]} == {"wings"}
        response = post(self.api(self.alice), "/api/v1/episodes", {**body, "icd10_code": "Z99.9"})
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "icd10_code"


class VisitFlowApiTests(VisitApiTestCase):
    def test_a_whole_visit_through_the_api(self) -> None:
        client = self.api(self.alice)
        started = post(client, "/api/v1/visits", {"episode_id": str(self.episode.pk)})
        assert started.status_code == 201 and started["Location"] == f"/api/v1/visits/{started.json()['id']}"
        visit = started.json()
        base = f"/api/v1/visits/{visit['id']}"
        assert (visit["status"], visit["version"], visit["cpt_codes"], visit["icd10_code"]) == ("draft", 1, [], "M54.2")

        changed = patch(
            client,
            base,
            {
                "version": 1,
                "pain_before": 7,
                "pain_drawing": [{"region": "neck.posterolateral", "side": "left", "intensity": 7}],
                "co_interventions": [{"kind": "stretching", "details": "Upper trapezius, 3 x 30 s"}],
            },
        )
        assert changed.status_code == 200 and changed.json()["version"] == 2
        finding = post(client, f"{base}/findings", {"version": 2, **FINDING})
        assert finding.status_code == 201 and finding.json()["version"] == 3
        assert finding.json()["finding"]["muscle_name"] == "Upper trapezius"

        # Quadratus lumborum lies near the lung with no published depth to check: a warning.
        warned = {**ENTRY, "muscle": "quadratus-lumborum", "needle_length_mm": "60", "depth_mm": "40"}
        refused = post(client, f"{base}/insertions", {"version": 3, **warned})
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["field"] == "acknowledged_warnings"
        assert refused.json()["errors"][0]["message"].startswith("lung-depth-not-published:")
        logged = post(
            client,
            f"{base}/insertions",
            {"version": 3, **warned, "acknowledged_warnings": ["lung-depth-not-published"]},
        )
        body = logged.json()
        assert logged.status_code == 201, body
        assert [w["code"] for w in body["warnings"]] == ["lung-depth-not-published"]
        assert body["insertion"]["acknowledgements"][0]["by_name"] == "Alice Chen" and body["version"] == 4
        post(client, f"{base}/insertions", {"version": 4, **ENTRY, "needle_lots": ["LOT-A2"]})
        post(client, f"{base}/insertions", {"version": 5, **ENTRY, "muscle": "teres-minor", "needle_lots": ["LOT-A3"]})

        blocked = post(client, f"{base}/sign", {"version": 6, "needles_opened": 3, "needles_removed": 2})
        assert blocked.status_code == 409 and "not accounted for" in blocked.json()["detail"]
        signed = post(client, f"{base}/sign", {"version": 6, "needles_opened": 3, "needles_removed": 3})
        assert signed.status_code == 200, signed.json()
        note = client.get(base).json()
        assert (note["status"], note["cpt_codes"], note["icd10_code"], note["muscles_needled"]) == (
            "signed",
            ["20561"],
            "M54.2",
            3,
        )
        assert note["signed_by"] == "Alice Chen" and note["pain_drawing"][0]["intensity"] == 7

        changed = patch(client, base, {"version": note["version"], "notes": "later"})
        assert changed.status_code == 409 and "addendum" in changed.json()["detail"]
        addendum = post(client, f"{base}/addenda", {"version": note["version"], "text": "Pre-pain was 6."})
        assert addendum.status_code == 201 and addendum.json()["author"] == "Alice Chen"

    def test_copy_forward(self) -> None:
        self.insert(needles_used=2)
        self.sign(opened=2, removed=2)
        response = post(
            self.api(self.bob), "/api/v1/visits", {"episode_id": str(self.episode.pk), "copy_forward": True}
        )
        body = response.json()
        assert response.status_code == 201 and body["copied_from"] == str(self.visit.pk)
        assert body["insertions"][0]["needle_lots"] == [] and body["insertions"][0]["confirmed"] is False
        assert body["insertions"][0]["needles_used"] == 2 and body["needles_logged"] == 2
        assert body["signing_problems"][0].startswith("Count the needles")

    def test_read_is_audited(self) -> None:
        response = self.api(self.fran).get(self.path())
        assert response.status_code == 200 and response.json()["patient_name"] == "Pat Kowalski"
        assert AuditEvent.objects.filter(action="read", object_id=str(self.visit.pk), actor_name="Fran Diaz").exists()

    def test_a_serious_adverse_event_alerts_the_admin(self) -> None:
        response = post(
            self.api(self.alice),
            self.path("/adverse-events"),
            {"version": 1, "kind": "fainting", "severity": "serious", "action_taken": "Ambulance called."},
        )
        assert response.status_code == 201 and response.json()["admin_alerted"] is True
        assert [m.to for m in mail.outbox] == [[self.ada.email]]

    def test_blocks_name_field_and_code(self) -> None:
        response = post(
            self.api(self.alice), self.path("/insertions"), {"version": 1, **ENTRY, "technique": "superficial"}
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "depth_mm", "message": response.json()["errors"][0]["message"]},
        ]
        assert response.json()["errors"][0]["message"].startswith("superficial-too-deep:")
        assert not NeedleInsertion.objects.exists()

    def test_needles_are_counted_and_lots_are_boxes(self) -> None:
        client = self.api(self.alice)
        two = {"version": 1, **ENTRY, "needles_used": 2, "needle_lots": ["LOT-A1", "LOT-A1"]}
        logged = post(client, self.path("/insertions"), two)
        body = logged.json()
        assert logged.status_code == 201, body
        assert (body["insertion"]["needles_used"], body["insertion"]["needle_lots"], body["warnings"]) == (
            2,
            ["LOT-A1"],
            [],
        )
        note = client.get(self.path()).json()
        assert note["needles_logged"] == 2 and note["insertions"][0]["needles_used"] == 2
        signed = post(client, self.path("/sign"), {"version": 2, "needles_opened": 1, "needles_removed": 1})
        assert signed.status_code == 409 and "lists 2 needles used but 1 were opened" in signed.json()["detail"]

    def test_the_number_of_needles_is_required_and_checked(self) -> None:
        client = self.api(self.alice)
        without = {k: v for k, v in ENTRY.items() if k != "needles_used"}
        for body in (without, {**ENTRY, "needles_used": 0}, {**ENTRY, "needles_used": 51}):
            response = post(client, self.path("/insertions"), {"version": 1, **body})
            assert response.status_code == 422, body
            assert [e["field"] for e in response.json()["errors"]] == ["needles_used"]
        more_lots = {"version": 1, **ENTRY, "needles_used": 1, "needle_lots": ["LOT-A1", "LOT-A2"]}
        response = post(client, self.path("/insertions"), more_lots)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "needle_lots"
        assert response.json()["errors"][0]["message"].startswith("2 different lots for 1 needle:")
        assert not NeedleInsertion.objects.exists()

    def test_a_patient_not_ready_answers_409(self) -> None:
        episode = self.episode_for(self.olive)
        visit = post(self.api(self.alice), "/api/v1/visits", {"episode_id": str(episode.pk)}).json()
        response = post(self.api(self.alice), f"/api/v1/visits/{visit['id']}/insertions", {"version": 1, **ENTRY})
        assert response.status_code == 409 and "No screening on record" in response.json()["detail"]


class VisitAccessApiTests(VisitApiTestCase):
    def test_outsiders_get_404_from_every_operation(self) -> None:
        for user in (self.charlie, self.pat):
            client = self.api(user)
            assert client.get(self.path()).status_code == 404
            for method, path, body in self.writes():
                response = self.call(client, method, path, body)
                assert response.status_code == 404, (user, path)
                assert "Kowalski" not in response.content.decode()
            response = post(client, "/api/v1/visits", {"episode_id": str(self.episode.pk)})
            assert response.status_code == 404
        assert Visit.objects.count() == 1 and self.version == 1

    def test_unknown_ids_answer_like_foreign_ones(self) -> None:
        client = self.api(self.alice)
        for visit_id in ("00000000-0000-0000-0000-000000000000", "nope"):
            assert client.get(f"/api/v1/visits/{visit_id}").status_code == 404
            assert post(client, f"/api/v1/visits/{visit_id}/findings", {"version": 1, **FINDING}).status_code == 404

    def test_front_desk_reads_but_cannot_write(self) -> None:
        client = self.api(self.fran)
        assert client.get(self.path()).status_code == 200
        for method, path, body in self.writes():
            assert self.call(client, method, path, body).status_code == 403, path
        assert post(client, "/api/v1/visits", {"episode_id": str(self.episode.pk)}).status_code == 403

    def test_the_api_needs_a_token(self) -> None:
        assert self.api(None).get(self.path()).status_code == 401
        for method, path, body in self.writes():
            assert self.call(self.api(None), method, path, body).status_code == 401

    def test_a_stale_version_answers_409_naming_who_changed_it(self) -> None:
        post(self.api(self.bob), self.path("/findings"), {"version": 1, **FINDING})
        client = self.api(self.alice)
        for method, path, body in self.writes(version=1):
            response = self.call(client, method, path, body)
            assert response.status_code == 409, path
            assert "changed by Bob Okafor at" in response.json()["detail"]
        assert self.version == 2

    def test_a_signed_note_answers_409_to_every_change(self) -> None:
        signed = self.sign(opened=0, removed=0)
        client = self.api(self.alice)
        for method, path, body in self.writes(version=signed.version):
            if path.endswith(("/adverse-events", "/addenda")):
                continue  # a late report and an addendum go beside the note (tested elsewhere)
            response = self.call(client, method, path, body)
            assert response.status_code == 409, path
            assert "signed by Alice Chen" in response.json()["detail"]
        assert self.fresh().version == signed.version


class OpenApiTests(VisitApiTestCase):
    def test_the_operations_are_documented(self) -> None:
        paths = self.client.get("/api/openapi.json").json()["paths"]
        expected = {
            ("/api/v1/episodes", "post"),
            ("/api/v1/visits", "post"),
            ("/api/v1/visits/{visit_id}", "get"),
            ("/api/v1/visits/{visit_id}", "patch"),
            ("/api/v1/visits/{visit_id}/findings", "post"),
            ("/api/v1/visits/{visit_id}/insertions", "post"),
            ("/api/v1/visits/{visit_id}/adverse-events", "post"),
            ("/api/v1/visits/{visit_id}/sign", "post"),
            ("/api/v1/visits/{visit_id}/addenda", "post"),
        }
        assert expected <= {(p, m) for p, ops in paths.items() for m in ops}
        sign = paths["/api/v1/visits/{visit_id}/sign"]["post"]["responses"]
        assert "409" in sign and "application/problem+json" in sign["409"]["content"]
