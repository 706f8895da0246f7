"""The signed consent's PDF: made at signing, kept, and showing the version, risks, signature and time."""

from __future__ import annotations

import hashlib
import zoneinfo

import pytest
from tests.base import ClinicTestCase
from tests.integration.test_consent_helpers import data_url, pdf_image_count, pdf_text, published
from weasyprint.urls import FatalURLFetchingError

from needlepoint.audit.models import AuditEvent
from needlepoint.consent import services
from needlepoint.consent.models import ConsentRecord
from needlepoint.consent.pdf import local_time
from needlepoint.documents.fetcher import DataOnlyFetcher


def _sign(actor, patient, form, **kwargs):  # type: ignore[no-untyped-def]
    arguments = {
        "form_id": form.pk,
        "typed_name": patient.full_name,
        "signature_data_url": data_url(),
        "confirmed": True,
        **kwargs,
    }
    return services.sign(actor, patient.pk, **arguments)


class ConsentPdfTests(ClinicTestCase):
    def setUp(self) -> None:
        super().setUp()
        published(self.clinic)
        # a later minor version, so the PDF must say 1.1 rather than any default
        self.form = services.publish(self.ada, services.create_draft(self.ada).pk, "minor")

    def test_the_pdf_shows_version_risks_signer_time_and_witness(self) -> None:
        record = _sign(self.alice, self.olive, self.form)
        pdf = bytes(record.pdf)
        assert pdf.startswith(b"%PDF")
        assert hashlib.sha256(pdf).hexdigest() == record.pdf_sha256
        text = " ".join(pdf_text(pdf).split())
        for expected in (
            "Version 1.1",
            "Front Range Physical Therapy",
            "Olive Brennan",
            "3 September 1971",  # date of birth
            "Bruising",
            "7.55% of 7,629 treatments",
            "Brady et al. 2014",
            "Collapsed lung (pneumothorax)",
            "several hours later",
            "Electrical stimulation",
            "Alice Chen",  # witness
            "Clinic tablet",
            f"Consent record #{record.pk}",
            local_time(record.signed_at, "America/Denver"),
        ):
            assert expected in text, expected
        assert "(America/Denver)" in text
        assert pdf_image_count(pdf) == 1  # the drawn signature is embedded

    def test_no_drawn_signature_is_said_on_the_pdf(self) -> None:
        record = _sign(self.pat, self.pat_record, self.form, signature_data_url="", typed_name_is_signature=True)
        text = " ".join(pdf_text(bytes(record.pdf)).split())
        assert "No drawn signature" in text and "Pat Kowalski" in text and "Patient portal" in text
        assert pdf_image_count(bytes(record.pdf)) == 0

    def test_signed_time_is_in_the_clinic_zone_with_its_name(self) -> None:
        record = _sign(self.pat, self.pat_record, self.form)
        local = record.signed_at.astimezone(zoneinfo.ZoneInfo("America/Denver"))
        label = local_time(record.signed_at, "America/Denver")
        assert label.endswith("(America/Denver)") and f"{local:%H:%M}" in label and local.tzname() in label

    def test_the_pdf_is_kept_not_remade(self) -> None:
        record = _sign(self.pat, self.pat_record, self.form)
        kept = bytes(record.pdf)
        self.login(self.pat)
        response = self.client.get(f"/portal/consent/{record.pk}.pdf")
        assert response.content == kept

    def test_portal_and_staff_downloads_are_inline_pdfs_and_audited(self) -> None:
        record = _sign(self.pat, self.pat_record, self.form)
        self.login(self.pat)
        response = self.client.get(f"/portal/consent/{record.pk}.pdf")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == f'inline; filename="consent-NP-000001-v1.1-{record.pk}.pdf"'
        assert response.content.startswith(b"%PDF")
        self.login(self.bob)
        response = self.client.get(f"/patients/{self.pat_record.pk}/consent/{record.pk}.pdf")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        reads = AuditEvent.objects.filter(action="read", object_type="consent.consentrecord", object_id=str(record.pk))
        assert {e.actor_id for e in reads if e.after == {"document": "pdf"}} == {self.pat.pk, self.bob.pk}

    def test_the_renderer_fetches_nothing_but_data_uris(self) -> None:
        fetcher = DataOnlyFetcher()
        for url in ("http://example.org/x.png", "https://example.org/x.css", "file:///etc/passwd"):
            with pytest.raises(FatalURLFetchingError):
                fetcher.fetch(url)

    def test_a_pdf_record_has_no_other_images(self) -> None:
        record = _sign(self.pat, self.pat_record, self.form)
        assert ConsentRecord.objects.get(pk=record.pk).pdf_sha256 == record.pdf_sha256
