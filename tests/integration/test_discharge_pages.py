"""The plan-of-care pages: change the plan, discharge with long-term follow-ups, reopen.

Pat's neck-pain episode (opened 60 days ago) with two signed visits. Discharge closes the episode
and schedules the follow-up questionnaires in one transaction; a draft note blocks it; reopening
withdraws the follow-ups not yet answered. Clinicians act, other staff look, outsiders get 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from tests.integration.test_outcomes_measures_helpers import OutcomesTestCase

from needlepoint.audit.models import AuditEvent
from needlepoint.errors import InvalidInput
from needlepoint.outcomes.models import QuestionnaireInvitation
from needlepoint.outcomes.services import invitations
from needlepoint.visits import services as visits
from needlepoint.visits.models import Episode


class DischargePageCase(OutcomesTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.signed_visit(0, 7, 4)
        self.signed_visit(14, 3, 2)
        self.measure("nprs", 7, day=0)

    @property
    def url(self) -> str:
        return reverse("episode-discharge", kwargs={"patient_id": self.pat_record.pk, "episode_id": self.episode.pk})

    @property
    def reopen_url(self) -> str:
        return reverse("episode-reopen", kwargs={"patient_id": self.pat_record.pk, "episode_id": self.episode.pk})

    def post(self, data: dict[str, Any], url: str | None = None) -> Any:
        return self.csrf_post(url or self.url, data, form_page=reverse("episode-detail", args=[self.episode.pk]))

    def stored(self) -> Episode:
        return Episode.objects.get(pk=self.episode.pk)

    def discharge_data(self, **changes: Any) -> dict[str, Any]:
        return {
            "closed_on": self.today.isoformat(),
            "reason": "goals-met",
            "summary": "Works full days at the computer again.",
            "questionnaires": ["ndi"],
            **changes,
        }


class DischargePageTests(DischargePageCase):
    def test_the_page_shows_the_standing_and_ticks_the_conditions_questionnaire(self) -> None:
        self.login(self.alice)
        response = self.client.get(self.url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "2 of 6 planned visits signed" in html
        responder = html.split('data-testid="discharge-responder"', 1)[1].split("</p>", 1)[0]
        assert '<span class="pill ok">Responder</span>' in responder
        assert 'value="ndi" id="id_questionnaires_2" checked' in html
        assert 'value="odi" id="id_questionnaires_3">' in html  # not the condition's
        six_weeks = self.today + dt.timedelta(weeks=6)
        dates = html.split('data-testid="follow-up-dates">', 1)[1].split("</p>", 1)[0]
        day = f"{self.today.day} {self.today:%b %Y}"
        assert f"For a discharge on {day} they are due {six_weeks.day} {six_weeks:%b %Y}" in dates
        assert AuditEvent.objects.filter(action="read", patient_id=str(self.pat_record.pk)).exists()

    def test_discharge_closes_the_episode_and_schedules_four_follow_ups(self) -> None:
        self.login(self.alice)
        response = self.post(self.discharge_data())
        assert response.status_code == 302
        assert response["Location"] == reverse("episode-detail", args=[self.episode.pk])
        episode = self.stored()
        assert (episode.closed_on, episode.discharge_reason, episode.discharged_by) == (
            self.today,
            "goals-met",
            self.alice,
        )
        rows = QuestionnaireInvitation.objects.filter(episode=episode)
        assert sorted(rows.values_list("timepoint", flat=True)) == ["month_12", "month_3", "month_6", "week_6"]
        assert {r.questionnaire for r in rows} == {"ndi"}
        page = self.client.get(response["Location"]).content.decode()
        assert "Discharged on" in page and "4 follow-up questionnaires scheduled" in page
        assert 'data-testid="discharged"' in page and "Goals met" in page
        assert "Works full days at the computer again." in page
        assert "Change the plan" not in page  # history now

    def test_no_questionnaires_ticked_schedules_none(self) -> None:
        self.login(self.alice)
        self.post(self.discharge_data(questionnaires=[]))
        assert self.stored().closed_on == self.today
        assert not QuestionnaireInvitation.objects.exists()

    def test_a_draft_note_blocks_discharge(self) -> None:
        visits.start_visit(self.alice, self.episode.pk)
        self.login(self.alice)
        page = self.client.get(self.url).content.decode()
        assert 'data-testid="draft-block"' in page and "disabled" in page
        response = self.post(self.discharge_data())
        assert response.status_code == 302
        assert self.stored().closed_on is None and not QuestionnaireInvitation.objects.exists()
        assert "still a draft" in self.client.get(response["Location"]).content.decode()

    def test_bad_input_is_shown_by_its_field_and_nothing_is_saved(self) -> None:
        self.login(self.alice)
        tomorrow = (self.today + dt.timedelta(days=1)).isoformat()
        response = self.post(self.discharge_data(closed_on=tomorrow, reason=""))
        assert response.status_code == 422
        html = response.content.decode()
        assert "This field is required." in html  # the reason
        response = self.post(self.discharge_data(closed_on=tomorrow))
        assert response.status_code == 422 and "Cannot be in the future" in response.content.decode()
        assert self.stored().closed_on is None and not QuestionnaireInvitation.objects.exists()

    def test_follow_ups_that_could_never_arrive_are_refused(self) -> None:
        olive_episode = visits.create_episode(self.alice, self.olive.pk, {"condition": "neck-pain",
                                              "icd10_code": "M54.2", "planned_sessions": 4})
        type(self.olive).objects.filter(pk=self.olive.pk).update(email="")
        url = reverse("episode-discharge", kwargs={"patient_id": self.olive.pk, "episode_id": olive_episode.pk})
        self.login(self.alice)
        page = self.client.get(url).content.decode()
        assert 'data-testid="unreachable"' in page
        response = self.csrf_post(url, self.discharge_data())
        assert response.status_code == 422 and "would never reach them" in response.content.decode()
        assert Episode.objects.get(pk=olive_episode.pk).closed_on is None
        assert self.csrf_post(url, self.discharge_data(questionnaires=[])).status_code == 302
        assert Episode.objects.get(pk=olive_episode.pk).closed_on is not None

    def test_without_an_email_they_wait_in_the_portal(self) -> None:
        type(self.pat_record).objects.filter(pk=self.pat_record.pk).update(email="")
        self.login(self.alice)
        assert 'data-testid="portal-only"' in self.client.get(self.url).content.decode()
        assert self.post(self.discharge_data()).status_code == 302
        assert QuestionnaireInvitation.objects.filter(episode=self.episode).count() == 4

    def test_a_refused_follow_up_undoes_the_discharge(self) -> None:
        def refuse(*args: Any, **kwargs: Any) -> Any:
            raise InvalidInput({"questionnaires": ["refused for the test"]})

        self.login(self.alice)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(invitations, "schedule_follow_ups", refuse)
            response = self.post(self.discharge_data())
        assert response.status_code == 422 and "Refused for the test" in response.content.decode()
        assert self.stored().closed_on is None
        assert not AuditEvent.objects.filter(action="update", object_id=str(self.episode.pk)).exists()

    def test_front_desk_looks_but_does_not_discharge_and_outsiders_get_404(self) -> None:
        self.login(self.fran)
        page = self.client.get(self.url)
        assert page.status_code == 200 and "Only a clinician discharges" in page.content.decode()
        assert self.post(self.discharge_data()).status_code == 403
        for user in (self.charlie, self.pat):
            self.client.logout()
            self.login(user)
            assert self.client.get(self.url).status_code == 404
            home = "/" if user == self.charlie else reverse("portal-home")
            assert self.csrf_post(self.url, self.discharge_data(), form_page=home).status_code == 404
            assert self.csrf_post(self.reopen_url, {"reason": "x"}, form_page=home).status_code == 404
        assert self.stored().closed_on is None

    def test_reopen_withdraws_the_unanswered_follow_ups(self) -> None:
        self.login(self.alice)
        self.post(self.discharge_data(questionnaires=["ndi", "odi"]))
        assert QuestionnaireInvitation.objects.filter(cancelled_at__isnull=True).count() == 8
        response = self.post({"reason": "  "}, url=self.reopen_url)
        assert self.stored().closed_on is not None
        assert "say why" in self.client.get(response["Location"]).content.decode()
        response = self.post({"reason": "Flare-up within the course"}, url=self.reopen_url)
        assert self.stored().closed_on is None
        assert not QuestionnaireInvitation.objects.filter(cancelled_at__isnull=True).exists()
        page = self.client.get(response["Location"]).content.decode()
        assert "Episode of care reopened. 8 follow-up questionnaires not yet answered withdrawn." in page
        assert "Change the plan" in page


class PlanPageTests(DischargePageCase):
    @property
    def plan_url(self) -> str:
        return reverse("episode-edit", args=[self.episode.pk])

    def form_data(self, **changes: Any) -> dict[str, Any]:
        return {
            "diagnosis": "neck-pain|M54.2",
            "regions": ["neck.posterolateral:left"],
            "goals": "Sleep through the night",
            "planned_sessions": "8",
            "interval_weeks": "2",
            "co_treatments": ["exercise"],
            "opened_on": self.episode.opened_on.isoformat(),
            **changes,
        }

    def test_the_form_is_filled_with_the_plan_and_saving_is_audited(self) -> None:
        self.login(self.alice)
        html = self.client.get(self.plan_url).content.decode()
        assert "Change the plan of care" in html and 'value="6"' in html
        response = self.csrf_post(self.plan_url, self.form_data())
        assert response.status_code == 302
        episode = self.stored()
        assert (episode.planned_sessions, episode.interval_weeks, episode.goals) == (8, 2, "Sleep through the night")
        row = AuditEvent.objects.filter(action="update", object_id=str(episode.pk)).latest("seq")
        assert row.before["planned_sessions"] == 6 and row.after["planned_sessions"] == 8

    def test_opening_after_the_first_visit_is_refused_by_its_field(self) -> None:
        self.login(self.alice)
        late = (self.episode.opened_on + dt.timedelta(days=3)).isoformat()
        response = self.csrf_post(self.plan_url, self.form_data(opened_on=late))
        assert response.status_code == 422 and "after the first visit" in response.content.decode()
        assert self.stored().planned_sessions == 6

    def test_a_discharged_plan_cannot_be_changed_and_only_clinicians_change_it(self) -> None:
        self.login(self.fran)
        assert self.client.get(self.plan_url).status_code == 403
        self.client.logout()
        self.login(self.charlie)
        assert self.client.get(self.plan_url).status_code == 404
        self.client.logout()
        self.login(self.alice)
        self.post(self.discharge_data())
        response = self.csrf_post(self.plan_url, self.form_data(), form_page="/")
        assert response.status_code == 302 and self.stored().planned_sessions == 6
        assert "reopen the episode to change its plan" in self.client.get(response["Location"]).content.decode()
