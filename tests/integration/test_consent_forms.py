"""Consent forms: versioned by the clinic administrator; a published version never changes."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from tests.base import ClinicTestCase
from tests.integration.test_consent_helpers import csrf_post, published

from needlepoint.audit.models import AuditEvent
from needlepoint.consent import content, services
from needlepoint.consent.models import ConsentForm, FormStatus, ImmutableError
from needlepoint.errors import Conflict, Forbidden, InvalidInput

EDIT = {
    "title": "Consent to dry needling",
    "body": "What dry needling is.\n\nIt is voluntary.",
    "risk_ids": ["bruising", "pneumothorax"],
    "electrical_stimulation_text": "A mild current may be added.",
}


class DraftTests(ClinicTestCase):
    def test_a_new_draft_starts_from_the_standard_form(self) -> None:
        draft = services.create_draft(self.ada)
        assert draft.status == FormStatus.DRAFT and draft.major is None
        assert draft.title == content.DEFAULT_TITLE
        assert [r["id"] for r in draft.risks] == [
            i for i in content.load_knowledge().adverse_effects if i in content.DEFAULT_RISK_IDS
        ]
        assert AuditEvent.objects.filter(action="create", object_type="consent.consentform").exists()

    def test_risks_are_a_snapshot_of_the_knowledge_base(self) -> None:
        draft = services.create_draft(self.ada, EDIT)
        bruising = draft.risks[0]
        assert bruising["id"] == "bruising"
        assert bruising["plain_name"] == "Bruising"
        assert bruising["rate_text"] == "7.55% of 7,629 treatments"
        assert bruising["source"] == "brady-2014" and bruising["citation"] == "Brady et al. 2014"
        pneumothorax = draft.risks[1]
        assert pneumothorax["serious"] is True and "several hours later" in pneumothorax["timing"]

    def test_drafts_are_editable_and_each_change_is_audited(self) -> None:
        draft = services.create_draft(self.ada, EDIT)
        services.update_draft(self.ada, draft.pk, {**EDIT, "title": "Dry needling: your consent"})
        draft.refresh_from_db()
        assert draft.title == "Dry needling: your consent"
        row = AuditEvent.objects.filter(action="update", object_id=str(draft.pk)).get()
        assert row.before == {"title": "Consent to dry needling"}

    def test_bad_input_names_the_field_and_saves_nothing(self) -> None:
        with pytest.raises(InvalidInput) as exc:
            services.create_draft(self.ada, {**EDIT, "title": "", "risk_ids": ["made-up"]})
        assert set(exc.value.errors) == {"title", "risk_ids"}
        assert not ConsentForm.objects.exists()

    def test_only_clinic_admins_edit_forms(self) -> None:
        for user in (self.alice, self.fran, self.pat, self.charlie):
            with pytest.raises(Forbidden):
                services.create_draft(user, EDIT)

    def test_a_draft_can_be_discarded_but_a_published_form_cannot(self) -> None:
        draft = services.create_draft(self.ada, EDIT)
        services.discard_draft(self.ada, draft.pk)
        assert not ConsentForm.objects.filter(pk=draft.pk).exists()
        form = published(self.clinic)
        with pytest.raises(Conflict):
            services.discard_draft(self.ada, form.pk)
        with pytest.raises(ImmutableError):
            form.delete()


class PublishTests(ClinicTestCase):
    def test_first_version_is_1_0_then_minor_and_major_bumps(self) -> None:
        first = services.publish(self.ada, services.create_draft(self.ada, EDIT).pk, "minor")
        assert (first.major, first.minor, first.status) == (1, 0, FormStatus.PUBLISHED)
        minor = services.publish(self.ada, services.create_draft(self.ada).pk, "minor")
        assert minor.version == "1.1"
        major = services.publish(self.ada, services.create_draft(self.ada).pk, "major")
        assert major.version == "2.0"
        assert ConsentForm.objects.filter(clinic=self.clinic, status=FormStatus.PUBLISHED).get() == major
        first.refresh_from_db()
        minor.refresh_from_db()
        assert first.status == minor.status == FormStatus.RETIRED and minor.retired_at is not None

    def test_a_new_draft_copies_the_latest_version(self) -> None:
        services.publish(self.ada, services.create_draft(self.ada, EDIT).pk, "major")
        draft = services.create_draft(self.ada)
        assert draft.title == EDIT["title"] and [r["id"] for r in draft.risks] == EDIT["risk_ids"]
        assert draft.based_on is not None and draft.based_on.version == "1.0"

    def test_publishing_twice_is_refused(self) -> None:
        form = services.publish(self.ada, services.create_draft(self.ada, EDIT).pk, "major")
        with pytest.raises(Conflict):
            services.publish(self.ada, form.pk, "minor")

    def test_ensure_default_form_is_idempotent(self) -> None:
        form = services.ensure_default_form(self.clinic)
        assert form.version == "1.0" and form.status == FormStatus.PUBLISHED
        assert services.ensure_default_form(self.clinic) == form
        assert ConsentForm.objects.filter(clinic=self.clinic).count() == 1
        titles = {r["id"] for r in form.risks}
        assert {"post-needling-soreness", "bruising", "infection", "pneumothorax", "fainting"} <= titles
        assert "withdraw" in form.body and "voluntary" in form.body and "chest pain" in form.body
        assert "pacemaker" in form.electrical_stimulation_text


class ImmutabilityTests(ClinicTestCase):
    def test_update_of_a_published_form_is_refused_by_the_service(self) -> None:
        form = published(self.clinic)
        with pytest.raises(Conflict):
            services.update_draft(self.ada, form.pk, EDIT)

    def test_orm_save_of_a_published_form_is_refused(self) -> None:
        form = published(self.clinic)
        form.title = "Changed"
        with pytest.raises(ImmutableError):
            form.save()
        form.refresh_from_db()
        form.risks = []
        with pytest.raises(ImmutableError):
            form.save(update_fields=["risks"])
        form.refresh_from_db()
        form.status = FormStatus.DRAFT
        with pytest.raises(ImmutableError):
            form.save()

    def test_queryset_update_is_refused_by_the_database(self) -> None:
        form = published(self.clinic)
        with pytest.raises(IntegrityError), transaction.atomic():
            ConsentForm.objects.filter(pk=form.pk).update(title="Changed")
        form.refresh_from_db()
        assert form.title == content.DEFAULT_TITLE

    def test_raw_sql_update_is_refused_by_the_trigger(self) -> None:
        form = published(self.clinic)
        for assignment in ("title = 'Changed'", "body = ''", "major = 7", "risks = '[]'", "published_at = NULL"):
            with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"UPDATE consent_consentform SET {assignment} WHERE id = %s", [form.pk])  # noqa: S608
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE consent_consentform SET status = 'draft' WHERE id = %s", [form.pk])
        form.refresh_from_db()
        assert (form.title, form.version, form.status) == (content.DEFAULT_TITLE, "1.0", FormStatus.PUBLISHED)

    def test_the_trigger_lets_drafts_change_and_a_published_form_retire_once(self) -> None:
        draft = services.create_draft(self.ada, EDIT)
        with connection.cursor() as cursor:
            cursor.execute("UPDATE consent_consentform SET title = 'Edited' WHERE id = %s", [draft.pk])
        form = published(self.clinic)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE consent_consentform SET status = 'retired', retired_at = CURRENT_TIMESTAMP WHERE id = %s",
                [form.pk],
            )
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE consent_consentform SET status = 'published' WHERE id = %s", [form.pk])


class AdminPagesTests(ClinicTestCase):
    def test_admin_lists_creates_edits_and_publishes(self) -> None:
        self.login(self.ada)
        page = self.client.get("/clinic/consent-forms/")
        assert page.status_code == 200 and b"No consent form is published" in page.content
        new = self.client.get("/clinic/consent-forms/new/")
        assert new.status_code == 200 and b"Collapsed lung" in new.content
        response = self.csrf_post("/clinic/consent-forms/new/", EDIT)
        assert response.status_code == 302
        draft = ConsentForm.objects.get()
        detail = f"/clinic/consent-forms/{draft.pk}/"
        assert response["Location"] == detail
        response = self.csrf_post(detail, {**EDIT, "title": "Edited title"})
        assert response.status_code == 302
        draft.refresh_from_db()
        assert draft.title == "Edited title"
        response = csrf_post(self.client, detail, f"{detail}publish/", {"level": "major"})
        assert response.status_code == 302
        draft.refresh_from_db()
        assert draft.version == "1.0"
        page = self.client.get(detail)
        assert b"cannot be changed" in page.content and b"Save draft" not in page.content

    def test_editing_a_published_form_through_the_page_changes_nothing(self) -> None:
        form = published(self.clinic)
        self.login(self.ada)
        response = self.csrf_post(f"/clinic/consent-forms/{form.pk}/", {**EDIT, "title": "Sneaky"})
        assert response.status_code == 302
        form.refresh_from_db()
        assert form.title == content.DEFAULT_TITLE

    def test_bad_input_on_the_page_is_422_naming_the_field(self) -> None:
        self.login(self.ada)
        response = self.csrf_post("/clinic/consent-forms/new/", {**EDIT, "risk_ids": []})
        assert response.status_code == 422
        assert b"This field is required" in response.content or b"Choose at least one" in response.content
        assert not ConsentForm.objects.exists()

    def test_a_major_version_needs_the_warning_confirmed(self) -> None:
        published(self.clinic)
        self.login(self.ada)
        draft = services.create_draft(self.ada)
        detail = f"/clinic/consent-forms/{draft.pk}/"
        page = self.client.get(detail)
        assert b"Every patient must read and sign this version again" in page.content
        response = csrf_post(self.client, detail, f"{detail}publish/", {"level": "major"})
        assert response.status_code == 422 and b"sign again" in response.content
        draft.refresh_from_db()
        assert draft.is_draft
        response = csrf_post(self.client, detail, f"{detail}publish/", {"level": "major", "confirm_major": "on"})
        assert response.status_code == 302
        draft.refresh_from_db()
        assert draft.version == "2.0"

    def test_only_clinic_admins_open_the_form_pages(self) -> None:
        form = published(self.clinic)
        draft = services.create_draft(self.ada)
        paths = [
            "/clinic/consent-forms/",
            "/clinic/consent-forms/new/",
            f"/clinic/consent-forms/{form.pk}/",
            f"/clinic/consent-forms/{draft.pk}/",
        ]
        for user in (self.alice, self.fran, self.pat, self.charlie):
            self.login(user)
            for path in paths:
                assert self.client.get(path).status_code == 404, (user.username, path)
            self.client.get("/login/")
            token = self.client.cookies["csrftoken"].value
            for path in (f"/clinic/consent-forms/{draft.pk}/publish/", f"/clinic/consent-forms/{draft.pk}/discard/"):
                response = self.client.post(path, {"level": "minor", "csrfmiddlewaretoken": token})
                assert response.status_code == 404, (user.username, path)
        draft.refresh_from_db()
        assert draft.is_draft

    def test_another_clinics_admin_gets_404(self) -> None:
        from tests.base import make_user

        from needlepoint.accounts.models import Role

        yvonne = make_user("yvonne", self.other_clinic, Role.CLINIC_ADMIN, "Yvonne", "Kelly")
        form = published(self.clinic)
        self.login(yvonne)
        assert self.client.get(f"/clinic/consent-forms/{form.pk}/").status_code == 404
        assert self.client.get("/clinic/consent-forms/").status_code == 200
        assert b"Front Range" not in self.client.get("/clinic/consent-forms/").content
