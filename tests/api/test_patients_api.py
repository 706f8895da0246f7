from __future__ import annotations

import json

from tests.base import ClinicTestCase

from needlepoint.audit.models import AuditEvent
from needlepoint.patients.models import Patient

NEW = {
    "given_name": "Iris",
    "family_name": "Novak",
    "date_of_birth": "1980-02-02",
    "sex": "female",
    "height_cm": "170.0",
    "weight_kg": "65.0",
}


def post(client, path, data):  # type: ignore[no-untyped-def]
    return client.post(path, data=json.dumps(data), content_type="application/json")


def patch(client, path, data):  # type: ignore[no-untyped-def]
    return client.patch(path, data=json.dumps(data), content_type="application/json")


class PatientApiTests(ClinicTestCase):
    def test_list_is_scoped_to_the_tokens_clinic(self) -> None:
        body = self.api(self.alice).get("/api/v1/patients").json()
        names = {p["family_name"] for p in body["items"]}
        assert names == {"Kowalski", "Brennan"} and body["count"] == 2
        assert {p["family_name"] for p in self.api(self.charlie).get("/api/v1/patients").json()["items"]} == {"Rossi"}

    def test_search_and_pagination(self) -> None:
        client = self.api(self.alice)
        assert [p["family_name"] for p in client.get("/api/v1/patients?search=kowal").json()["items"]] == ["Kowalski"]
        page = client.get("/api/v1/patients?page=2&page_size=1").json()
        assert (page["count"], page["pages"], len(page["items"])) == (2, 2, 1)
        assert client.get("/api/v1/patients?page_size=1000").status_code == 422

    def test_read_other_clinic_is_404_and_own_is_audited(self) -> None:
        client = self.api(self.alice)
        assert client.get(f"/api/v1/patients/{self.bruno.pk}").status_code == 404
        assert client.get("/api/v1/patients/not-a-uuid").status_code == 404
        response = client.get(f"/api/v1/patients/{self.pat_record.pk}")
        assert response.status_code == 200 and response.json()["bmi"] == "21.2"
        assert AuditEvent.objects.filter(action="read", patient_id=str(self.pat_record.pk)).count() == 1

    def test_patient_token_reads_only_own_record(self) -> None:
        client = self.api(self.pat)
        assert [p["family_name"] for p in client.get("/api/v1/patients").json()["items"]] == ["Kowalski"]
        assert client.get(f"/api/v1/patients/{self.olive.pk}").status_code == 404
        assert post(client, "/api/v1/patients", NEW).status_code == 403

    def test_no_or_bad_token_is_401(self) -> None:
        from django.test import Client

        assert Client().get("/api/v1/patients").status_code == 401
        bad = Client(headers={"Authorization": "Bearer np_not-a-real-token"})
        response = bad.get("/api/v1/patients")
        assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")

    def test_create(self) -> None:
        response = post(self.api(self.fran), "/api/v1/patients", NEW)
        assert response.status_code == 201, response.content
        created = Patient.objects.get(pk=response.json()["id"])
        assert created.clinic == self.clinic and response.json()["bmi"] == "22.5"

    def test_bad_input_names_each_field_and_saves_nothing(self) -> None:
        count = Patient.objects.count()
        response = post(
            self.api(self.fran),
            "/api/v1/patients",
            {**NEW, "sex": "robot", "weight_kg": "9999", "date_of_birth": "2999-01-01", "extra": 1},
        )
        assert response.status_code == 422
        assert response["Content-Type"] == "application/problem+json"
        fields = {e["field"] for e in response.json()["errors"]}
        assert {"sex", "weight_kg", "extra"} <= fields
        response = post(self.api(self.fran), "/api/v1/patients", {**NEW, "date_of_birth": "2999-01-01"})
        assert response.status_code == 422
        assert [e["field"] for e in response.json()["errors"]] == ["date_of_birth"]
        assert Patient.objects.count() == count

    def test_foreign_site_is_refused_naming_the_field(self) -> None:
        response = post(self.api(self.fran), "/api/v1/patients", {**NEW, "home_site_id": self.other_site.pk})
        assert response.status_code == 422
        assert response.json()["errors"] == [{"field": "home_site_id", "message": "no such site in this clinic"}]

    def test_update(self) -> None:
        client = self.api(self.alice)
        response = patch(client, f"/api/v1/patients/{self.olive.pk}", {"weight_kg": "70.5", "height_cm": "168"})
        assert response.status_code == 200 and response.json()["bmi"] == "25.0"
        assert patch(client, f"/api/v1/patients/{self.olive.pk}", {"given_name": None}).status_code == 422
        assert patch(client, f"/api/v1/patients/{self.bruno.pk}", {"phone": "1"}).status_code == 404
        self.bruno.refresh_from_db()
        assert self.bruno.phone == ""

    def test_openapi_document(self) -> None:
        from django.test import Client

        schema = Client().get("/api/openapi.json").json()
        assert {"/api/v1/patients", "/api/v1/patients/{patient_id}"} <= set(schema["paths"])
        assert "BearerToken" in schema["components"]["securitySchemes"]
