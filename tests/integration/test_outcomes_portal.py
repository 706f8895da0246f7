"""The patient's questionnaires in the portal: their own open invitations and past scores, answering
while signed in, and nobody else's (404)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from tests.base import make_user
from tests.questionnaire_fixtures import QuestionnaireTestCase, form_data, full_answers, make_episode

from needlepoint.accounts.models import Role
from needlepoint.audit.models import AuditEvent
from needlepoint.knowledge.outcomes import load_questionnaires
from needlepoint.outcomes.models import QuestionnaireInvitation, QuestionnaireResponse
from needlepoint.outcomes.services.questionnaires import mark_response_in_error, submit_response

LIST = "/portal/questionnaires/"


class Portal(QuestionnaireTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.bruno_user = make_user("bruno", cls.other_clinic, Role.PATIENT, "Bruno", "Rossi")
        cls.bruno.user = cls.bruno_user
        cls.bruno.save()

    def setUp(self) -> None:
        super().setUp()
        self.ndi = load_questionnaires()["ndi"]
        self.pats = self.invite(questionnaire="ndi")
        self.olives = self.invite(patient=self.olive, episode=self.olive_episode, questionnaire="odi")

    def answer_url(self, invitation: QuestionnaireInvitation) -> str:
        return f"/portal/questionnaires/{invitation.pk}/"

    def test_the_list_shows_only_the_patients_own_open_invitations_and_scores(self) -> None:
        submit_response(
            self.alice,
            patient_id=self.pat_record.pk,
            episode_id=self.pat_episode.pk,
            questionnaire_id="ndi",
            answers=full_answers(self.ndi, pick=2),
            timepoint="baseline",
            completed_on=dt.date(2025, 1, 6),
            source="clinic",
        )
        wrong = submit_response(
            self.alice,
            patient_id=self.pat_record.pk,
            episode_id=self.pat_episode.pk,
            questionnaire_id="psfs",
            answers=full_answers(load_questionnaires()["psfs"]),
            timepoint="baseline",
            completed_on=dt.date(2025, 1, 7),
            source="clinic",
        )
        mark_response_in_error(self.alice, wrong.pk, "Wrong patient")
        later = self.invite(questionnaire="quickdash", due_at=timezone.now() + dt.timedelta(days=30))
        self.login(self.pat)
        response = self.client.get(LIST)
        html = response.content.decode()
        assert response.status_code == 200
        assert self.answer_url(self.pats) in html
        assert self.answer_url(self.olives) not in html and "Oswestry" not in html  # Olive's
        assert self.answer_url(later) not in html  # not due yet
        assert "6 Jan 2025" in html and "20 out of 50 (lower is better)" in html
        assert "Patient-Specific" not in html  # entered in error
        row = AuditEvent.objects.filter(action="read", actor_id=self.pat.pk).last()
        assert row is not None and row.patient_id == str(self.pat_record.pk)

    def test_answering_while_signed_in_uses_the_invitation(self) -> None:
        self.login(self.pat)
        response = self.csrf_post(self.answer_url(self.pats), form_data(self.ndi, full_answers(self.ndi)))
        assert response.status_code == 302 and response["Location"] == LIST
        stored = QuestionnaireResponse.objects.get()
        assert (stored.source, stored.entered_by, stored.patient_id) == ("portal", None, self.pat_record.pk)
        self.pats.refresh_from_db()
        assert self.pats.response_id == stored.pk
        again = self.csrf_post(self.answer_url(self.pats), form_data(self.ndi, full_answers(self.ndi)), form_page=LIST)
        assert again.status_code == 410
        assert QuestionnaireResponse.objects.count() == 1
        assert self.answer_url(self.pats) not in self.client.get(LIST).content.decode()

    def test_someone_elses_invitation_is_404(self) -> None:
        self.login(self.pat)
        assert self.client.get(self.answer_url(self.olives)).status_code == 404
        self.client.logout()
        self.login(self.bruno_user)
        assert self.client.get(self.answer_url(self.pats)).status_code == 404
        response = self.csrf_post(
            self.answer_url(self.pats), form_data(self.ndi, full_answers(self.ndi)), form_page=LIST
        )
        assert response.status_code == 404
        assert not QuestionnaireResponse.objects.exists()
        assert "Neck Disability" not in self.client.get(LIST).content.decode()

    def test_staff_and_strangers_do_not_use_the_portal_pages(self) -> None:
        for user in (self.alice, self.charlie):
            self.login(user)
            assert self.client.get(LIST).status_code == 404
            assert self.client.get(self.answer_url(self.pats)).status_code == 404
            self.client.logout()
        response = self.client.get(LIST)
        assert response.status_code == 302 and "/login/" in response["Location"]

    def test_an_expired_invitation_is_closed(self) -> None:
        QuestionnaireInvitation.objects.filter(pk=self.pats.pk).update(
            due_at=timezone.now() - dt.timedelta(days=20), expires_at=timezone.now() - dt.timedelta(days=1)
        )
        self.login(self.pat)
        response = self.client.get(self.answer_url(self.pats))
        assert response.status_code == 410 and b"closed" in response.content

    def test_the_portal_card_counts_what_is_waiting(self) -> None:
        from django.template import Context, Template
        from django.test import RequestFactory

        make_episode(self.pat_record, self.alice)
        request = RequestFactory().get("/")
        request.user = self.pat
        html = Template("{% load outcomes_invitations %}{% questionnaires_portal_card patient %}").render(
            Context({"request": request, "patient": self.pat_record})
        )
        assert self.answer_url(self.pats) in html and self.answer_url(self.olives) not in html

    def test_a_psfs_follow_up_offers_the_activities_named_first(self) -> None:
        psfs = load_questionnaires()["psfs"]
        first = full_answers(psfs) | {psfs.items[0].id: {"activity": "Gardening on my knees", "score": 3}}
        submit_response(
            self.alice,
            patient_id=self.pat_record.pk,
            episode_id=self.pat_episode.pk,
            questionnaire_id="psfs",
            answers=first,
            timepoint="baseline",
            completed_on=dt.date(2025, 1, 6),
            source="clinic",
        )
        follow_up = self.invite(questionnaire="psfs", timepoint="month_3")
        self.login(self.pat)
        html = self.client.get(self.answer_url(follow_up)).content.decode()
        assert 'value="Gardening on my knees"' in html
        assert " checked" not in html  # the old ratings are not carried over
