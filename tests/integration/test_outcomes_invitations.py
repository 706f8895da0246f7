"""Questionnaire invitations: inviting puts one message in the outbox; the builder makes the token
when it sends (stored hashed only) and sends nothing for an answered, cancelled or expired
invitation; follow-ups land 6 weeks, 3, 6 and 12 months after discharge at 09:00 clinic time;
the staff actions are for the clinic's own staff."""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo

from django.core import mail
from django.urls import reverse
from django.utils import timezone
from tests.questionnaire_fixtures import QuestionnaireTestCase

from needlepoint.audit.models import AuditEvent
from needlepoint.clinical.outcomes.timepoints import follow_up_due_dates
from needlepoint.errors import Forbidden, InvalidInput, NotFound
from needlepoint.outbox.models import OutboxMessage
from needlepoint.outcomes.models import QuestionnaireInvitation
from needlepoint.outcomes.reminders import build_invitation
from needlepoint.outcomes.services import invitations

DENVER = zoneinfo.ZoneInfo("America/Denver")


def _message(invitation: QuestionnaireInvitation) -> OutboxMessage:
    return OutboxMessage.objects.get(kind="questionnaire_invitation", subject_id=str(invitation.pk))


class Inviting(QuestionnaireTestCase):
    def test_an_invitation_waits_in_the_outbox_with_no_token_yet(self) -> None:
        invitation = self.invite(valid_days=10)
        message = _message(invitation)
        assert (message.status, message.patient_id, message.clinic_id) == (
            "pending",
            self.pat_record.pk,
            self.clinic.pk,
        )
        assert message.due_at == invitation.due_at
        assert invitation.expires_at - invitation.due_at == dt.timedelta(days=10)
        assert (invitation.token_hash, invitation.sent_at, invitation.created_by) == (None, None, self.alice)
        row = AuditEvent.objects.get(action="create", object_type="outcomes.questionnaireinvitation")
        assert (row.actor_id, row.patient_id) == (self.alice.pk, str(self.pat_record.pk))
        assert "token_hash" not in row.after

    def test_bad_input_is_named_and_nothing_is_queued(self) -> None:
        with self.assertRaises(InvalidInput) as caught:
            invitations.invite(
                self.alice,
                patient_id=self.pat_record.pk,
                episode_id=self.pat_episode.pk,
                questionnaire_id="nope",
                timepoint="later",
                valid_days=0,
            )
        assert set(caught.exception.errors) == {"questionnaire", "timepoint", "valid_days"}
        assert not QuestionnaireInvitation.objects.exists() and not OutboxMessage.objects.exists()

    def test_a_second_open_invitation_for_the_same_timepoint_is_refused(self) -> None:
        self.invite()
        with self.assertRaises(InvalidInput) as caught:
            self.invite()
        assert "already waiting" in caught.exception.errors["questionnaire"][0]
        assert QuestionnaireInvitation.objects.count() == 1

    def test_only_the_clinics_staff_invite(self) -> None:
        with self.assertRaises(NotFound):
            invitations.invite(
                self.charlie,
                patient_id=self.pat_record.pk,
                episode_id=self.pat_episode.pk,
                questionnaire_id="ndi",
                timepoint="discharge",
            )
        with self.assertRaises(Forbidden):
            invitations.invite(
                self.pat,
                patient_id=self.pat_record.pk,
                episode_id=self.pat_episode.pk,
                questionnaire_id="ndi",
                timepoint="discharge",
            )
        with self.assertRaises(NotFound):  # Olive's episode under Pat's id
            self.invite(episode=self.olive_episode)
        invitations.invite(
            self.fran,
            patient_id=self.pat_record.pk,
            episode_id=self.pat_episode.pk,
            questionnaire_id="ndi",
            timepoint="discharge",
        )

    def test_cancelling_stops_the_email_and_is_audited(self) -> None:
        invitation = self.invite()
        invitations.cancel_invitation(self.bob, invitation.pk)
        assert _message(invitation).status == "cancelled"
        invitation.refresh_from_db()
        assert invitation.cancelled_at is not None
        row = AuditEvent.objects.get(action="update", object_id=str(invitation.pk))
        assert row.actor_id == self.bob.pk and row.before == {"cancelled_at": None}
        with self.assertRaises(NotFound):
            invitations.cancel_invitation(self.charlie, invitation.pk)


class FollowUps(QuestionnaireTestCase):
    def test_four_follow_ups_at_nine_in_the_morning_clinic_time(self) -> None:
        discharge = timezone.localdate(timezone=DENVER) - dt.timedelta(days=2)
        plan = invitations.schedule_follow_ups(self.alice, self.pat_episode.pk, discharge, ["ndi", "psfs"])
        assert len(plan.created) == 8 and not plan.too_late
        expected = {(str(point), day) for point, day in follow_up_due_dates(discharge)}
        for qid in ("ndi", "psfs"):
            rows = QuestionnaireInvitation.objects.filter(episode=self.pat_episode, questionnaire=qid)
            got = {(inv.timepoint, inv.due_at.astimezone(DENVER).date()) for inv in rows}
            assert got == expected
            assert {inv.due_at.astimezone(DENVER).time() for inv in rows} == {dt.time(9, 0)}
        assert {t for t, _ in expected} == {"week_6", "month_3", "month_6", "month_12"}
        assert OutboxMessage.objects.filter(kind="questionnaire_invitation").count() == 8

    def test_running_it_twice_plans_nothing_new(self) -> None:
        discharge = timezone.localdate(timezone=DENVER)
        invitations.schedule_follow_ups(self.alice, self.pat_episode.pk, discharge, ["ndi"])
        again = invitations.schedule_follow_ups(self.alice, self.pat_episode.pk, discharge, ["ndi"])
        assert again.created == [] and len(again.already_planned) == 4
        assert QuestionnaireInvitation.objects.count() == 4

    def test_follow_ups_whose_time_has_passed_are_left_out(self) -> None:
        discharge = timezone.localdate(timezone=DENVER) - dt.timedelta(days=200)
        plan = invitations.schedule_follow_ups(self.alice, self.pat_episode.pk, discharge, ["ndi"])
        assert [inv.timepoint for inv in plan.created] == ["month_12"]
        assert {tp for _, tp in plan.too_late} == {"week_6", "month_3", "month_6"}

    def test_without_a_date_it_needs_a_closed_episode(self) -> None:
        with self.assertRaises(InvalidInput) as caught:
            invitations.schedule_follow_ups(self.alice, self.pat_episode.pk, None, [])
        assert set(caught.exception.errors) == {"discharge_date", "questionnaires"}

    def test_outsiders_learn_nothing(self) -> None:
        with self.assertRaises(NotFound):
            invitations.schedule_follow_ups(self.charlie, self.pat_episode.pk, dt.date(2025, 3, 1), ["ndi"])


class TheOutboxBuilder(QuestionnaireTestCase):
    def test_the_email_carries_a_working_one_time_link_and_no_clinical_detail(self) -> None:
        invitation = self.invite()
        token = self.send(invitation)
        email = mail.outbox[-1]
        invitation.refresh_from_db()
        assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert invitation.sent_at is not None
        assert email.to == ["pat@example.org"]
        assert "Front Range Physical Therapy" in email.subject
        html = email.alternatives[0][0]
        for body in (email.body, html):
            assert "Neck Disability Index" in body and "minutes" in body and token in body
            local = invitation.expires_at.astimezone(DENVER)  # the clinic's time, not the server's
            assert f"{local:%-d %B %Y}, {local:%H:%M} ({local.tzname()})" in body
            for secret in ("Kowalski", "neck-pain", "M54.2", "NP-000001", "1986"):
                assert secret not in body, secret
        assert self.client.get(self.link(token)).status_code == 200

    def test_the_token_is_stored_only_as_its_hash(self) -> None:
        invitation = self.invite()
        token = self.send(invitation)
        values = [str(v) for v in QuestionnaireInvitation.objects.filter(pk=invitation.pk).values().get().values()]
        assert not any(token in v for v in values)
        assert not AuditEvent.objects.filter(after__icontains=token).exists()
        assert not OutboxMessage.objects.filter(last_error__icontains=token).exists()

    def test_a_resend_replaces_the_token(self) -> None:
        invitation = self.invite()
        first = self.send(invitation)
        second = build_invitation(_message(invitation))
        assert second is not None
        assert self.client.get(self.link(first)).status_code == 404

    def test_nothing_is_sent_for_an_answered_cancelled_or_expired_invitation(self) -> None:
        answered = self.invite(questionnaire="ndi")
        QuestionnaireInvitation.objects.filter(pk=answered.pk).update(used_at=timezone.now())
        cancelled = self.invite(questionnaire="odi")
        QuestionnaireInvitation.objects.filter(pk=cancelled.pk).update(cancelled_at=timezone.now())
        expired = self.invite(questionnaire="psfs")
        QuestionnaireInvitation.objects.filter(pk=expired.pk).update(
            due_at=timezone.now() - dt.timedelta(days=20), expires_at=timezone.now() - dt.timedelta(days=1)
        )
        for invitation in (answered, cancelled, expired):
            assert build_invitation(_message(invitation)) is None
            assert QuestionnaireInvitation.objects.get(pk=invitation.pk).token_hash is None

    def test_nothing_is_sent_without_an_email_address(self) -> None:
        self.pat_record.email = ""
        self.pat_record.save()
        invitation = self.invite()
        assert build_invitation(_message(invitation)) is None
        assert QuestionnaireInvitation.objects.get(pk=invitation.pk).token_hash is None

    def test_the_worker_sends_it_once(self) -> None:
        from needlepoint.outbox import worker

        invitation = self.invite()
        worker.run_once("w1")
        worker.run_once("w2")
        assert len(mail.outbox) == 1
        assert _message(invitation).status == "sent"


class StaffActions(QuestionnaireTestCase):
    def url(self, suffix: str = "", episode=None, patient=None) -> str:  # type: ignore[no-untyped-def]
        patient = patient or self.pat_record
        episode = episode or self.pat_episode
        return f"/patients/{patient.pk}/episodes/{episode.pk}/invitations/{suffix}"

    def test_send_now_queues_an_invitation_and_returns_to_the_episode(self) -> None:
        self.login(self.alice)
        response = self.csrf_post(self.url(), {"questionnaire": "ndi", "timepoint": "discharge"}, form_page="/")
        assert response.status_code == 302
        assert f"{self.pat_episode.pk}" in response["Location"]
        invitation = QuestionnaireInvitation.objects.get()
        assert (invitation.questionnaire, invitation.timepoint, invitation.created_by) == (
            "ndi",
            "discharge",
            self.alice,
        )

    def test_bad_input_is_reported_by_field(self) -> None:
        self.login(self.alice)
        response = self.csrf_post(self.url(), {"questionnaire": "nope", "timepoint": "discharge"}, form_page="/")
        assert response.status_code == 302
        followed = self.client.get(response["Location"])
        assert b"questionnaire:" in followed.content
        assert not QuestionnaireInvitation.objects.exists()

    def test_follow_ups_and_cancel(self) -> None:
        self.login(self.bob)
        day = timezone.localdate(timezone=DENVER)
        self.csrf_post(
            self.url("follow-ups/"),
            {"discharge_date": day.isoformat(), "questionnaires": ["ndi", "odi"]},
            form_page="/",
        )
        assert QuestionnaireInvitation.objects.count() == 8
        invitation = QuestionnaireInvitation.objects.first()
        assert invitation is not None
        self.csrf_post(self.url(f"{invitation.pk}/cancel/"), {}, form_page="/")
        invitation.refresh_from_db()
        assert invitation.cancelled_at is not None

    def test_outsiders_get_404_and_change_nothing(self) -> None:
        invitation = self.invite()
        for user, home in ((self.charlie, "/"), (self.pat, reverse("portal-home"))):
            self.client.logout()
            self.login(user)
            for suffix, data in (
                ("", {"questionnaire": "ndi", "timepoint": "month_3"}),
                ("follow-ups/", {"discharge_date": "2025-03-01", "questionnaires": ["ndi"]}),
                (f"{invitation.pk}/cancel/", {}),
            ):
                response = self.csrf_post(self.url(suffix), data, form_page=home)
                assert response.status_code == 404, (user.username, suffix)
                assert self.client.get(self.url(suffix)).status_code == 404
        assert QuestionnaireInvitation.objects.count() == 1
        invitation.refresh_from_db()
        assert invitation.cancelled_at is None

    def test_an_invitation_of_another_episode_cannot_be_cancelled_through_this_one(self) -> None:
        olive_invitation = self.invite(patient=self.olive, episode=self.olive_episode)
        self.login(self.alice)
        self.csrf_post(self.url(f"{olive_invitation.pk}/cancel/"), {}, form_page="/")
        olive_invitation.refresh_from_db()
        assert olive_invitation.cancelled_at is None

    def test_the_panel_lists_the_episodes_invitations(self) -> None:
        from django.template import Context, Template
        from django.test import RequestFactory

        self.invite()
        request = RequestFactory().get("/")
        request.user = self.alice
        html = Template("{% load outcomes_invitations %}{% invitations_panel episode %}").render(
            Context({"request": request, "episode": self.pat_episode})
        )
        assert "Neck Disability Index" in html and 'data-status="waiting"' in html
        assert f"/patients/{self.pat_record.pk}/episodes/{self.pat_episode.pk}/invitations/follow-ups/" in html
        request.user = self.pat
        assert "Neck Disability Index" not in Template(
            "{% load outcomes_invitations %}{% invitations_panel episode %}"
        ).render(Context({"request": request, "episode": self.pat_episode}))


class DemoInvitations(QuestionnaireTestCase):
    def test_each_portal_patient_with_email_gets_one_suggested_questionnaire_once(self) -> None:
        from needlepoint.outcomes.demo_invitations import seed_demo_invitations

        assert seed_demo_invitations(self.clinic) == 1  # Pat; Olive has no login
        invitation = QuestionnaireInvitation.objects.get()
        assert (invitation.patient_id, invitation.questionnaire) == (self.pat_record.pk, "ndi")  # neck pain -> NDI
        assert invitation.timepoint == "baseline"  # no NDI in this course yet
        assert seed_demo_invitations(self.clinic) == 0

    def test_a_questionnaire_already_answered_in_the_course_gives_way_to_the_next(self) -> None:
        from needlepoint.outcomes.demo_invitations import seed_demo_invitations
        from needlepoint.outcomes.services.questionnaires import questionnaires, submit_response

        ndi = questionnaires()["ndi"]
        submit_response(
            self.alice,
            patient_id=self.pat_record.pk,
            episode_id=self.pat_episode.pk,
            questionnaire_id="ndi",
            answers={item.id: 2 for item in ndi.items},
            timepoint="baseline",
            completed_on=self.pat_episode.opened_on,
            source="clinic",
        )
        assert seed_demo_invitations(self.clinic) == 1
        invitation = QuestionnaireInvitation.objects.get()
        assert (invitation.questionnaire, invitation.timepoint) == ("psfs", "baseline")  # neck pain: NDI, then PSFS
