from __future__ import annotations

import json

from tests.base import ClinicTestCase


class AtlasApiTests(ClinicTestCase):
    def test_regions(self) -> None:
        regions = self.api(self.alice).get("/api/v1/atlas/regions").json()
        assert len(regions) == 86 and regions[0]["code"] == "head.vertex"

    def test_muscles_search_and_detail(self) -> None:
        client = self.api(self.alice)
        found = client.get("/api/v1/atlas/muscles?search=scalene").json()
        assert [m["id"] for m in found] == ["scalenes"]
        detail = client.get("/api/v1/atlas/muscles/scalenes").json()
        assert detail["references"] and detail["danger_structures"]
        assert client.get("/api/v1/atlas/muscles/nope").status_code == 404
        assert client.get("/api/v1/atlas/muscles?group=wings").status_code == 422

    def test_conditions(self) -> None:
        client = self.api(self.alice)
        assert len(client.get("/api/v1/atlas/conditions").json()) >= 25
        assert client.get("/api/v1/atlas/conditions/plantar-heel-pain").json()["icd10cm"]

    def test_suggest(self) -> None:
        response = self.api(self.alice).post(
            "/api/v1/suggest",
            data=json.dumps(
                {
                    "drawing": [
                        {"region": "heel.posterior", "side": "left"},
                        {"region": "heel.plantar", "side": "left", "intensity": 8},
                    ],
                    "limit": 3,
                }
            ),
            content_type="application/json",
        )
        ranked = response.json()
        assert response.status_code == 200 and ranked[0]["muscle"] == "soleus" and ranked[0]["side"] == "left"

    def test_suggest_names_bad_entries(self) -> None:
        response = self.api(self.alice).post(
            "/api/v1/suggest",
            data=json.dumps(
                {
                    "drawing": [
                        {"region": "heel.posterior", "side": "left"},
                        {"region": "head.tempel", "side": "left"},
                        {"region": "chest.sternum", "side": "left"},
                    ]
                }
            ),
            content_type="application/json",
        )
        assert response.status_code == 422
        errors = {e["field"]: e["message"] for e in response.json()["errors"]}
        assert errors == {
            "drawing.1": "unknown region code 'head.tempel'",
            "drawing.2": "chest.sternum is a midline region: give it no side",
        }
        bad_side = self.api(self.alice).post(
            "/api/v1/suggest",
            data=json.dumps({"drawing": [{"region": "knee.medial", "side": "up"}]}),
            content_type="application/json",
        )
        assert bad_side.status_code == 422 and bad_side.json()["errors"][0]["field"] == "drawing.0.side"

    def test_atlas_needs_a_token(self) -> None:
        from django.test import Client

        assert Client().get("/api/v1/atlas/regions").status_code == 401
