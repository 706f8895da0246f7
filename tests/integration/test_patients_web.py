from __future__ import annotations

from tests.base import ClinicTestCase

from needlepoint.audit.models import AuditEvent
from needlepoint.patients.models import Patient

VALID = {
    "given_name": "Iris",
    "family_name": "Novak",
    "date_of_birth": "1980-02-02",
    "sex": "female",
    "height_cm": "170",
    "weight_kg": "65",
}


class PatientListTests(ClinicTestCase):
    def test_lists_only_own_clinic(self) -> None:
        self.login(self.fran)
        response = self.client.get("/patients/")
        assert b"Brennan" in response.content and b"Kowalski" in response.content
        assert b"Rossi" not in response.content

    def test_search_by_name_and_htmx_partial(self) -> None:
        self.login(self.alice)
        response = self.client.get("/patients/?q=bren", headers={"HX-Request": "true"})
        assert b"Brennan" in response.content and b"Kowalski" not in response.content
        assert b"<html" not in response.content  # only the results fragment


class PatientPageTests(ClinicTestCase):
    def test_opening_a_chart_shows_bmi_and_is_audited(self) -> None:
        self.login(self.alice)
        response = self.client.get(f"/patients/{self.pat_record.pk}/")
        assert response.status_code == 200
        assert b"21.2" in response.content  # 58.5 kg / 1.66 m^2
        assert AuditEvent.objects.filter(
            action="read", patient_id=str(self.pat_record.pk), actor_id=self.alice.pk
        ).exists()


class PatientFormTests(ClinicTestCase):
    def test_create(self) -> None:
        self.login(self.fran)
        response = self.csrf_post("/patients/new/", {**VALID, "home_site": self.site.pk})
        patient = Patient.objects.get(family_name="Novak")
        assert response.status_code == 302 and response["Location"] == f"/patients/{patient.pk}/"
        assert patient.clinic == self.clinic and patient.chart_number == "NP-000003" and patient.bmi is not None

    def test_bad_input_names_the_field_and_saves_nothing(self) -> None:
        self.login(self.fran)
        count = Patient.objects.count()
        response = self.csrf_post("/patients/new/", {**VALID, "date_of_birth": "2999-01-01", "weight_kg": "4000"})
        assert response.status_code == 422
        body = response.content.decode()
        assert "Date of birth cannot be in the future" in body
        assert "Ensure this value is less than or equal to 400" in body
        assert Patient.objects.count() == count

    def test_cannot_pick_another_clinics_site(self) -> None:
        self.login(self.fran)
        response = self.csrf_post("/patients/new/", {**VALID, "home_site": self.other_site.pk})
        assert response.status_code == 422
        assert not Patient.objects.filter(family_name="Novak").exists()

    def test_edit(self) -> None:
        self.login(self.alice)
        data = {**VALID, "given_name": "Olivia", "family_name": "Brennan"}
        response = self.csrf_post(f"/patients/{self.olive.pk}/edit/", data)
        assert response.status_code == 302
        self.olive.refresh_from_db()
        assert self.olive.given_name == "Olivia"
        row = AuditEvent.objects.filter(action="update", patient_id=str(self.olive.pk)).get()
        assert row.before["given_name"] == "Olive" and row.after["given_name"] == "Olivia"


class HomeTests(ClinicTestCase):
    def test_clinician_home_shows_todays_patients(self) -> None:
        import datetime as dt
        import zoneinfo

        from django.utils import timezone

        from needlepoint.scheduling.services import book_appointment

        tz = zoneinfo.ZoneInfo(self.clinic.time_zone)
        today = timezone.localdate(timezone=tz)
        book_appointment(
            self.fran,
            patient_id=self.olive.pk,
            clinician_id=self.alice.pk,
            site_id=self.site.pk,
            starts_at=dt.datetime.combine(today, dt.time(9, 30), tzinfo=tz),
        )
        book_appointment(
            self.fran,
            patient_id=self.pat_record.pk,
            clinician_id=self.bob.pk,
            site_id=self.site.pk,
            starts_at=dt.datetime.combine(today, dt.time(10, 0), tzinfo=tz),
        )
        self.login(self.alice)
        body = self.client.get("/").content.decode()
        assert "Olive Brennan" in body and "09:30" in body  # in the clinic's time zone
        assert "Pat Kowalski" not in body  # Bob's patient
        self.login(self.fran)
        body = self.client.get("/").content.decode()
        assert "Olive Brennan" in body and "Pat Kowalski" in body

    def test_portal_shows_the_patients_own_record(self) -> None:
        self.login(self.pat)
        body = self.client.get("/portal/").content.decode()
        assert "Pat Kowalski" in body and "Olive" not in body
