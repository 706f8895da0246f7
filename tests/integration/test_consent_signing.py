"""Signing consent in the portal and on a clinic tablet, withdrawing it, and whether it holds."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from PIL import Image
from tests.base import ClinicTestCase
from tests.integration.test_consent_helpers import csrf_post, data_url, published, sign_data, signature_png

from needlepoint.audit.models import AuditEvent
from needlepoint.clinical.readiness import may_needle
from needlepoint.consent import services
from needlepoint.consent.models import ConsentRecord, ImmutableError, SigningMethod
from needlepoint.errors import Conflict, InvalidInput, NotFound


def sign(actor, patient, form, **kwargs):  # type: ignore[no-untyped-def]
    arguments = {
        "form_id": form.pk,
        "typed_name": patient.full_name,
        "signature_data_url": data_url(),
        "confirmed": True,
        **kwargs,
    }
    return services.sign(actor, patient.pk, **arguments)


class PortalSigningTests(ClinicTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.form = published(self.clinic)

    def test_the_portal_shows_the_form_to_read_and_sign(self) -> None:
        self.login(self.pat)
        page = self.client.get("/portal/consent/")
        assert page.status_code == 200
        for text in (
            b"Version 1.0",
            b"Bruising",
            b"7.55% of 7,629 treatments",
            b"Collapsed lung",
            b"several hours later",
            b"Electrical stimulation",
            b"signature.js",
            b"I cannot draw a signature",
        ):
            assert text in page.content, text

    def test_portal_sign_happy_path_creates_record_pdf_and_audit_rows(self) -> None:
        self.login(self.pat)
        response = self.csrf_post("/portal/consent/", sign_data(self.form, "  pat   KOWALSKI "))
        assert response.status_code == 302 and response["Location"] == "/portal/consent/"
        record = ConsentRecord.objects.get()
        assert record.patient == self.pat_record and record.form == self.form
        assert record.method == SigningMethod.PORTAL and record.signed_by_user == self.pat and record.witness is None
        assert record.typed_name == "pat KOWALSKI"
        assert bytes(record.signature_png) == signature_png()
        assert bytes(record.pdf).startswith(b"%PDF") and len(record.pdf_sha256) == 64
        created = AuditEvent.objects.get(action="create", object_type="consent.consentrecord")
        assert created.patient_id == str(self.pat_record.pk) and created.actor_id == self.pat.pk
        assert created.after["form_version"] == "1.0" and created.after["pdf_sha256"] == record.pdf_sha256
        assert "pdf" not in created.after and "signature_png" not in created.after
        page = self.client.get("/portal/consent/")
        assert b"Consent current" in page.content and f"/portal/consent/{record.pk}.pdf".encode() in page.content
        assert AuditEvent.objects.filter(action="read", object_type="consent.consentrecord").exists()
        assert services.current_consent(self.pat_record) == record

    def test_typed_name_mismatch_is_422_naming_typed_name_and_nothing_is_saved(self) -> None:
        self.login(self.pat)
        before = AuditEvent.objects.count()
        response = self.csrf_post("/portal/consent/", sign_data(self.form, "Patricia Kowalska"))
        assert response.status_code == 422
        assert b"must match the name on the record" in response.content
        assert b'id="id_typed_name-error"' in response.content
        assert not ConsentRecord.objects.exists()
        assert AuditEvent.objects.count() == before
        with pytest.raises(InvalidInput) as exc:
            sign(self.pat, self.pat_record, self.form, typed_name="Pat Smith")
        assert list(exc.value.errors) == ["typed_name"]

    def test_a_missing_signature_is_an_error(self) -> None:
        self.login(self.pat)
        response = self.csrf_post("/portal/consent/", sign_data(self.form, "Pat Kowalski", signature=""))
        assert response.status_code == 422
        assert b"Draw your signature in the box" in response.content
        assert not ConsentRecord.objects.exists()

    def test_typed_name_alone_is_the_signature_when_ticked(self) -> None:
        self.login(self.pat)
        data = sign_data(self.form, "Pat Kowalski", signature="", typed_name_is_signature="on")
        assert self.csrf_post("/portal/consent/", data).status_code == 302
        record = ConsentRecord.objects.get()
        assert not record.has_drawn_signature

    def test_bad_images_are_refused(self) -> None:
        buffer = io.BytesIO()
        Image.new("RGBA", (300, 100), (0, 0, 0, 0)).save(buffer, "PNG")
        blank = buffer.getvalue()
        cases = {
            "not a data url": "javascript:alert(1)",
            "jpeg": "data:image/jpeg;base64,/9j/4AAQSkZJRg==",
            "not base64": "data:image/png;base64,@@@",
            "not a png": data_url(b"GIF89a" + b"\0" * 20),
            "blank": data_url(blank),
            "too big": data_url(b"\x89PNG\r\n\x1a\n" + b"\0" * 210_000),
        }
        for label, url in cases.items():
            with pytest.raises(InvalidInput) as exc:
                sign(self.pat, self.pat_record, self.form, signature_data_url=url)
            assert list(exc.value.errors) == ["signature"], label
        assert not ConsentRecord.objects.exists()

    def test_confirmation_is_required(self) -> None:
        with pytest.raises(InvalidInput) as exc:
            sign(self.pat, self.pat_record, self.form, confirmed=False)
        assert list(exc.value.errors) == ["confirmed"]

    def test_signing_an_outdated_version_is_refused(self) -> None:
        stale = self.form.pk
        services.publish(self.ada, services.create_draft(self.ada).pk, "minor")
        with pytest.raises(InvalidInput) as exc:
            sign(self.pat, self.pat_record, self.form, form_id=stale)
        assert "form_id" in exc.value.errors

    def test_no_published_form_means_no_signing(self) -> None:
        self.form.status = "retired"
        self.form.save(update_fields=["status"])
        with pytest.raises(Conflict):
            sign(self.pat, self.pat_record, self.form)
        self.login(self.pat)
        assert b"has not published its consent form" in self.client.get("/portal/consent/").content


class TabletSigningTests(ClinicTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.form = published(self.clinic)

    def test_tablet_signing_records_the_staff_member_as_witness(self) -> None:
        self.login(self.fran)
        path = f"/patients/{self.olive.pk}/consent/sign/"
        page = self.client.get(path)
        assert page.status_code == 200 and b"Olive Brennan" in page.content and b"Fran Diaz" in page.content
        response = self.csrf_post(path, sign_data(self.form, "olive brennan"))
        assert response.status_code == 302 and response["Location"] == f"/patients/{self.olive.pk}/consent/"
        record = ConsentRecord.objects.get()
        assert record.method == SigningMethod.TABLET
        assert record.witness == self.fran and record.witness_name == "Fran Diaz"
        assert record.signed_by_user is None
        page = self.client.get(f"/patients/{self.olive.pk}/consent/")
        assert b"witness Fran Diaz" in page.content and b"Consent current" in page.content

    def test_a_tablet_consent_must_have_a_witness(self) -> None:
        with pytest.raises(IntegrityError), transaction.atomic():
            ConsentRecord.objects.create(
                clinic=self.clinic,
                patient=self.olive,
                form=self.form,
                typed_name="Olive Brennan",
                signed_at=timezone.now(),
                method=SigningMethod.TABLET,
            )

    def test_the_chart_card_shows_the_status(self) -> None:
        self.login(self.alice)
        page = self.client.get(f"/patients/{self.olive.pk}/")
        assert b"Not signed" in page.content and b"Sign on tablet" in page.content
        sign(self.alice, self.olive, self.form)
        page = self.client.get(f"/patients/{self.olive.pk}/")
        assert b'<span class="pill ok">Current</span>' in page.content and b"Signed PDF" in page.content
        assert b"witnessed by Alice Chen" in page.content


class WithdrawTests(ClinicTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.form = published(self.clinic)

    def test_patient_withdraws_in_the_portal_with_a_confirm_step(self) -> None:
        record = sign(self.pat, self.pat_record, self.form)
        self.login(self.pat)
        path = f"/portal/consent/{record.pk}/withdraw/"
        page = self.client.get(path)
        assert page.status_code == 200 and b"Keep consent" in page.content
        response = self.csrf_post(path, {"reason": ""})
        assert response.status_code == 302
        record.refresh_from_db()
        assert record.withdrawn_at is not None and record.withdrawn_recorded_by == self.pat
        assert services.current_consent(self.pat_record) is None
        assert services.consent_summary(self.pat_record).status == "withdrawn"
        row = AuditEvent.objects.get(action="update", object_type="consent.consentrecord")
        assert row.before == {"withdrawn_at": None} and row.actor_id == self.pat.pk
        page = self.client.get("/portal/")
        assert b"You withdrew your consent" in page.content and b"Please read and sign" in page.content

    def test_staff_withdraw_on_the_patients_behalf_with_a_reason(self) -> None:
        record = sign(self.alice, self.olive, self.form)
        self.login(self.bob)
        path = f"/patients/{self.olive.pk}/consent/{record.pk}/withdraw/"
        response = self.csrf_post(path, {"reason": ""})
        assert response.status_code == 422 and b'id="id_reason-error"' in response.content
        record.refresh_from_db()
        assert record.withdrawn_at is None
        response = self.csrf_post(path, {"reason": "Told me by phone she no longer wants needling."})
        assert response.status_code == 302
        record.refresh_from_db()
        assert record.withdrawn_recorded_by == self.bob and "by phone" in record.withdrawn_reason
        page = self.client.get(f"/patients/{self.olive.pk}/")
        assert b"Withdrawn" in page.content and b"by phone" in page.content

    def test_withdrawing_twice_or_an_older_record_is_refused(self) -> None:
        first = sign(self.pat, self.pat_record, self.form)
        second = sign(self.pat, self.pat_record, self.form)
        with pytest.raises(Conflict):
            services.withdraw(self.pat, first.pk)
        services.withdraw(self.pat, second.pk)
        with pytest.raises(Conflict):
            services.withdraw(self.pat, second.pk)
        # the latest signature decides: the older one does not bring consent back
        assert services.current_consent(self.pat_record) is None

    def test_signing_again_after_withdrawal_restores_consent(self) -> None:
        services.withdraw(self.pat, sign(self.pat, self.pat_record, self.form).pk)
        again = sign(self.pat, self.pat_record, self.form)
        assert services.current_consent(self.pat_record) == again


class VersionsAndReadinessTests(ClinicTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.form = published(self.clinic)
        self.record = sign(self.pat, self.pat_record, self.form)

    def test_a_new_major_version_ends_the_old_consent(self) -> None:
        services.publish(self.ada, services.create_draft(self.ada).pk, "major")
        state = services.consent_state(self.pat_record)
        assert state is not None and (state.form_major_version, state.latest_major_version) == (1, 2)
        assert not state.is_current(timezone.now())
        assert services.current_consent(self.pat_record) is None
        readiness = may_needle(None, state, timezone.now())
        assert any("version 2 needs a new signature" in r for r in readiness.reasons)
        assert services.consent_summary(self.pat_record).status == "outdated"
        self.login(self.pat)
        assert b"Please read and sign" in self.client.get("/portal/").content

    def test_a_minor_version_does_not(self) -> None:
        services.publish(self.ada, services.create_draft(self.ada).pk, "minor")
        state = services.consent_state(self.pat_record)
        assert state is not None and state.is_current(timezone.now())
        assert services.current_consent(self.pat_record) == self.record
        assert may_needle(None, state, timezone.now() + dt.timedelta(days=400)).reasons == (
            "No screening on record: screen the patient first.",
        )
        self.login(self.pat)
        page = self.client.get("/portal/consent/")
        assert b"Consent current" in page.content and b"version 1.1 with small changes" in page.content

    def test_no_record_means_no_state(self) -> None:
        assert services.consent_state(self.olive) is None
        assert services.current_consent(self.olive) is None


class SignedRecordImmutabilityTests(ClinicTestCase):
    def test_a_signed_record_cannot_be_changed_or_deleted(self) -> None:
        record = sign(self.pat, self.pat_record, published(self.clinic))
        record.typed_name = "Someone Else"
        with pytest.raises(ImmutableError):
            record.save()
        with pytest.raises(ImmutableError):
            record.delete()
        for assignment in (
            "typed_name = 'X'",
            "signed_at = CURRENT_TIMESTAMP",
            "pdf_sha256 = ''",
            "witness_name = 'Someone'",
        ):
            with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"UPDATE consent_consentrecord SET {assignment} WHERE id = %s", [record.pk])  # noqa: S608
        services.withdraw(self.pat, record.pk)
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE consent_consentrecord SET withdrawn_at = NULL WHERE id = %s", [record.pk])

    def test_outsiders_cannot_sign_or_withdraw(self) -> None:
        form = published(self.clinic)
        record = sign(self.pat, self.pat_record, form)
        with pytest.raises(NotFound):
            sign(self.charlie, self.olive, form)
        with pytest.raises(NotFound):
            sign(self.pat, self.olive, form)
        with pytest.raises(NotFound):
            services.withdraw(self.charlie, record.pk, reason="x")
        self.login(self.charlie)
        response = csrf_post(
            self.client, "/", f"/patients/{self.pat_record.pk}/consent/{record.pk}/withdraw/", {"reason": "x"}
        )
        assert response.status_code == 404
        record.refresh_from_db()
        assert record.withdrawn_at is None


class DemoSeedingTests(ClinicTestCase):
    def test_the_calls_the_demo_makes_work(self) -> None:
        from needlepoint.consent.signature import demo_signature_data_url

        form = services.ensure_default_form(self.clinic)
        record = services.sign(
            self.alice,
            self.olive.pk,
            form_id=form.pk,
            typed_name=self.olive.full_name,
            signature_data_url=demo_signature_data_url(self.olive.full_name),
            confirmed=True,
        )
        assert record.has_drawn_signature and services.current_consent(self.olive) == record
