"""The e-mailed one-time link: that questionnaire only, once, before it expires, never a login."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone
from tests.base import make_user
from tests.questionnaire_fixtures import QuestionnaireTestCase, form_data, full_answers, make_episode

from needlepoint.accounts.models import Clinic, Role
from needlepoint.audit.models import AuditEvent
from needlepoint.errors import Conflict
from needlepoint.knowledge.outcomes import load_questionnaires
from needlepoint.outcomes.forms import CONFIRM_FIELD
from needlepoint.outcomes.models import QuestionnaireInvitation, QuestionnaireResponse
from needlepoint.outcomes.services import invitations
from needlepoint.outcomes.services.questionnaires import submit_response
from needlepoint.patients.models import Patient


class TheLink(QuestionnaireTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.invitation = self.invite(questionnaire="ndi")
        self.token = self.send(self.invitation)
        self.ndi = load_questionnaires()["ndi"]

    def post(self, data: dict[str, object]):  # type: ignore[no-untyped-def]
        return self.csrf_post(self.link(self.token), data)

    def test_an_unknown_token_is_a_plain_404(self) -> None:
        for token in ("x" * 43, self.token[:-1] + ("A" if self.token[-1] != "A" else "B"), "y" * 500):
            response = self.client.get(self.link(token))
            assert response.status_code == 404
            assert b"Front Range" not in response.content

    def test_the_page_shows_that_questionnaire_and_nothing_else_from_the_chart(self) -> None:
        # Things the chart knows that the page must not show: other questionnaires and answers,
        # the condition, identifiers, contact details, the clinician.
        self.invite(questionnaire="psfs")
        submit_response(
            self.alice,
            patient_id=self.pat_record.pk,
            episode_id=self.pat_episode.pk,
            questionnaire_id="odi",
            answers=full_answers(load_questionnaires()["odi"]),
            timepoint="baseline",
            completed_on=dt.date(2025, 1, 6),
            source="clinic",
        )
        response = self.client.get(self.link(self.token))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Hello Pat" in html and "Front Range Physical Therapy" in html and "Neck Disability Index" in html
        assert html.count('<fieldset class="qn-item') == len(self.ndi.items)
        for secret in (
            "Kowalski",
            "NP-000001",
            "1986",
            "pat@example.org",
            "neck-pain",
            "non-specific",
            "Cervicalgia",
            "M54.2",
            "Alice",
            "Chen",
            "Oswestry",
            "Patient-Specific",
            "Olive",
            str(self.pat_record.pk),
            str(self.pat_episode.pk),
            str(self.invitation.pk),
            "58.5",
            "166",
        ):
            assert secret not in html, secret
        assert "Sign out" not in html  # nobody is signed in
        assert response["Cache-Control"] == "no-store, private"
        assert response["Referrer-Policy"] == "same-origin"

    def test_answering_stores_one_response_as_the_patient_and_thanks_them(self) -> None:
        response = self.post(form_data(self.ndi, full_answers(self.ndi, pick=2)))
        assert response.status_code == 200
        assert b"Thank you" in response.content and b"/login/?next=/portal/questionnaires/" in response.content
        stored = QuestionnaireResponse.objects.get()
        assert (stored.source, stored.entered_by, stored.timepoint, stored.patient_id) == (
            "link",
            None,
            "discharge",
            self.pat_record.pk,
        )
        assert stored.score is not None
        self.invitation.refresh_from_db()
        assert self.invitation.used_at is not None and self.invitation.response_id == stored.pk
        row = AuditEvent.objects.get(action="create", object_id=str(stored.pk))
        assert (row.actor_id, row.actor_name, row.patient_id, row.clinic_id) == (
            None,
            "",
            str(self.pat_record.pk),
            self.clinic.pk,
        )
        assert row.after["invitation_id"] == str(self.invitation.pk)
        assert "_auth_user_id" not in self.client.session

    def test_the_link_works_once(self) -> None:
        data = form_data(self.ndi, full_answers(self.ndi))
        assert self.post(data).status_code == 200
        again = self.post(data)
        assert again.status_code == 410
        assert b"already been answered" in again.content
        assert self.client.get(self.link(self.token)).status_code == 410
        assert QuestionnaireResponse.objects.count() == 1

    def test_an_expired_link_says_so_with_410(self) -> None:
        QuestionnaireInvitation.objects.filter(pk=self.invitation.pk).update(
            due_at=timezone.now() - dt.timedelta(days=15), expires_at=timezone.now() - dt.timedelta(seconds=1)
        )
        response = self.client.get(self.link(self.token))
        assert response.status_code == 410
        assert b"expired" in response.content and b"Front Range Physical Therapy" in response.content
        assert self.post(form_data(self.ndi, full_answers(self.ndi))).status_code == 410
        assert not QuestionnaireResponse.objects.exists()

    def test_a_cancelled_link_says_so(self) -> None:
        self.site.phone = "303 555 0100"
        self.site.save()
        invitations.cancel_invitation(self.alice, self.invitation.pk)
        response = self.client.get(self.link(self.token))
        assert response.status_code == 410
        assert b"withdrawn" in response.content and b"303 555 0100" in response.content

    def test_blanks_are_shown_and_confirmed_once_without_losing_answers(self) -> None:
        answers = full_answers(self.ndi, pick=3)
        skipped = self.ndi.items[4]
        answers[skipped.id] = None
        first = self.post(form_data(self.ndi, answers))
        assert first.status_code == 200
        html = first.content.decode()
        assert "You left 1 question blank" in html and skipped.text in html
        assert html.count("checked") == len(self.ndi.items) - 1
        assert not QuestionnaireResponse.objects.exists()
        second = self.post(form_data(self.ndi, answers, **{CONFIRM_FIELD: skipped.id}))
        assert b"Thank you" in second.content
        stored = QuestionnaireResponse.objects.get()
        assert (stored.answered, stored.missing, stored.answers[skipped.id]) == (len(self.ndi.items) - 1, 1, None)

    def test_a_bad_answer_is_shown_on_its_item(self) -> None:
        data = form_data(self.ndi, full_answers(self.ndi)) | {f"item-{self.ndi.items[0].id}": "9"}
        response = self.post(data)
        assert response.status_code == 422
        assert b"Choose one of the answers shown" in response.content
        assert not QuestionnaireResponse.objects.exists()

    def test_posting_without_the_csrf_token_is_refused(self) -> None:
        response = self.client.post(self.link(self.token), form_data(self.ndi, full_answers(self.ndi)))
        assert response.status_code == 403
        assert not QuestionnaireResponse.objects.exists()

    def test_a_stale_copy_of_the_invitation_cannot_answer_twice(self) -> None:
        stale = QuestionnaireInvitation.objects.get(pk=self.invitation.pk)
        kwargs = {
            "patient_id": self.pat_record.pk,
            "episode_id": self.pat_episode.pk,
            "questionnaire_id": "ndi",
            "answers": full_answers(self.ndi),
            "timepoint": "discharge",
            "completed_on": dt.date(2025, 3, 3),
            "source": "link",
        }
        submit_response(None, invitation=self.invitation, **kwargs)
        with self.assertRaises(Conflict):
            submit_response(None, invitation=stale, **kwargs)
        assert QuestionnaireResponse.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_submits_at_the_same_moment_store_one_response() -> None:
    clinic = Clinic.objects.create(name="Race Clinic", slug="race-clinic", time_zone="Europe/Berlin")
    clinician = make_user("rita", clinic, Role.CLINICIAN, "Rita", "Race")
    patient = Patient.objects.create(
        clinic=clinic,
        chart_number="R-1",
        given_name="Rae",
        family_name="Race",
        date_of_birth=dt.date(1980, 1, 1),
        sex="female",
        email="rae@example.org",
    )
    episode = make_episode(patient, clinician)
    invitation = invitations.invite(
        clinician, patient_id=patient.pk, episode_id=episode.pk, questionnaire_id="ndi", timepoint="discharge"
    )
    ndi = load_questionnaires()["ndi"]
    outcomes: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def submit() -> None:
        try:
            copy = QuestionnaireInvitation.objects.get(pk=invitation.pk)  # each request loads its own
            start.wait()
            submit_response(
                None,
                patient_id=patient.pk,
                episode_id=episode.pk,
                questionnaire_id="ndi",
                answers=full_answers(ndi),
                timepoint="discharge",
                completed_on=dt.date(2025, 3, 3),
                source="link",
                invitation=copy,
            )
            outcomes.append("stored")
        except Conflict:
            outcomes.append("conflict")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sorted(outcomes) == ["conflict", "stored"]
    assert QuestionnaireResponse.objects.count() == 1
