"""Every consent route refuses outsiders with 404, the same answer as for an id that never existed.

Routes (for tests/integration/test_isolation.py):
  staff, one patient:  patients/<uuid:patient_id>/consent/, .../consent/sign/,
                       .../consent/<int:record_id>/withdraw/, .../consent/<int:record_id>.pdf
  patient portal:      portal/consent/, portal/consent/<int:record_id>/withdraw/, portal/consent/<int:record_id>.pdf
  clinic admins:       clinic/consent-forms/, .../new/, .../<int:form_id>/, .../<int:form_id>/publish/,
                       .../<int:form_id>/discard/
"""

from __future__ import annotations

import re

from tests.base import ClinicTestCase
from tests.integration.test_consent_helpers import data_url, published

from needlepoint.audit.models import AuditEvent
from needlepoint.consent import services
from needlepoint.consent.models import ConsentRecord


class ConsentAccessTests(ClinicTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.form = published(self.clinic)
        self.pat_consent = services.sign(
            self.pat,
            self.pat_record.pk,
            form_id=self.form.pk,
            typed_name="Pat Kowalski",
            signature_data_url=data_url(),
            confirmed=True,
        )
        self.olive_consent = services.sign(
            self.alice,
            self.olive.pk,
            form_id=self.form.pk,
            typed_name="Olive Brennan",
            signature_data_url=data_url(),
            confirmed=True,
        )

    def staff_paths(self, patient, record) -> list[str]:  # type: ignore[no-untyped-def]
        base = f"/patients/{patient.pk}/consent/"
        return [base, f"{base}sign/", f"{base}{record.pk}/withdraw/", f"{base}{record.pk}.pdf"]

    def test_charlie_gets_404_on_every_front_range_consent_url(self) -> None:
        self.login(self.charlie)
        paths = (
            self.staff_paths(self.olive, self.olive_consent)
            + self.staff_paths(self.pat_record, self.pat_consent)
            + [
                f"/portal/consent/{self.pat_consent.pk}.pdf",
                f"/portal/consent/{self.pat_consent.pk}/withdraw/",
                "/portal/consent/",
                f"/clinic/consent-forms/{self.form.pk}/",
            ]
        )
        for path in paths:
            response = self.client.get(path)
            assert response.status_code == 404, path
            assert b"Olive" not in response.content and b"Kowalski" not in response.content, path
        assert not AuditEvent.objects.filter(actor_id=self.charlie.pk, object_type="consent.consentrecord").exists()

    def test_charlie_cannot_post_to_front_range_consent_urls(self) -> None:
        self.login(self.charlie)
        self.client.get("/patients/")
        token = self.client.cookies["csrftoken"].value
        for path in self.staff_paths(self.olive, self.olive_consent)[1:3]:
            response = self.client.post(
                path, {"csrfmiddlewaretoken": token, "reason": "x", "typed_name": "Olive Brennan"}
            )
            assert response.status_code == 404, path
        self.olive_consent.refresh_from_db()
        assert self.olive_consent.withdrawn_at is None
        assert ConsentRecord.objects.count() == 2

    def test_patient_gets_404_for_others_and_on_staff_pages(self) -> None:
        self.login(self.pat)
        for path in (
            self.staff_paths(self.olive, self.olive_consent)
            + self.staff_paths(self.pat_record, self.pat_consent)
            + [f"/portal/consent/{self.olive_consent.pk}.pdf", f"/portal/consent/{self.olive_consent.pk}/withdraw/"]
        ):
            assert self.client.get(path).status_code == 404, path
        assert self.client.get(f"/portal/consent/{self.pat_consent.pk}.pdf").status_code == 200

    def test_staff_cannot_open_the_portal_consent_pages(self) -> None:
        self.login(self.alice)
        for path in (
            "/portal/consent/",
            f"/portal/consent/{self.pat_consent.pk}.pdf",
            f"/portal/consent/{self.pat_consent.pk}/withdraw/",
        ):
            assert self.client.get(path).status_code == 404, path

    def test_a_record_of_another_patient_under_this_patients_url_is_404(self) -> None:
        self.login(self.alice)
        assert self.client.get(f"/patients/{self.pat_record.pk}/consent/{self.olive_consent.pk}.pdf").status_code == 404
        response = self.client.get(f"/patients/{self.pat_record.pk}/consent/{self.olive_consent.pk}/withdraw/")
        assert response.status_code == 404

    def test_unknown_and_foreign_ids_answer_alike(self) -> None:
        self.login(self.charlie)
        foreign = self.client.get(f"/patients/{self.olive.pk}/consent/{self.olive_consent.pk}.pdf")
        missing = self.client.get("/patients/00000000-0000-4000-8000-000000000000/consent/99999.pdf")
        assert foreign.status_code == missing.status_code == 404
        strip = re.compile(rb'"X-CSRFToken": "[^"]+"|name="csrfmiddlewaretoken" value="[^"]+"')
        assert strip.sub(b"", foreign.content) == strip.sub(b"", missing.content)

    def test_signed_out_visitors_are_sent_to_sign_in(self) -> None:
        paths = [
            *self.staff_paths(self.olive, self.olive_consent),
            "/portal/consent/",
            f"/portal/consent/{self.pat_consent.pk}.pdf",
            "/clinic/consent-forms/",
        ]
        for path in paths:
            response = self.client.get(path)
            assert response.status_code == 302 and response["Location"].startswith("/login/"), path

    def test_staff_of_the_clinic_read_the_consent_page_and_it_is_audited(self) -> None:
        self.login(self.fran)
        page = self.client.get(f"/patients/{self.olive.pk}/consent/")
        assert page.status_code == 200 and b"Olive Brennan" in page.content
        assert AuditEvent.objects.filter(
            action="read", actor_id=self.fran.pk, object_id=str(self.olive_consent.pk)
        ).exists()
