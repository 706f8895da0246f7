"""The episodes API contract: reading (audited), changing the plan, discharging and reopening.

Outsiders and patient logins get 404 on every operation; the front desk reads but never writes;
a discharged episode refuses changes with 409 until reopened; bad input answers 422 naming the field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.integration.test_visits_helpers import EPISODE, VisitTestCase, patch, post

from needlepoint.audit.models import AuditEvent
from needlepoint.visits import services
from needlepoint.visits.models import Episode, Visit


class EpisodeApiCase(VisitTestCase):
    def path(self, suffix: str = "") -> str:
        return f"/api/v1/episodes/{self.episode.pk}{suffix}"

    def fresh_episode(self) -> Episode:
        return Episode.objects.get(pk=self.episode.pk)

    def discard_draft(self) -> None:
        services.discard_visit(self.alice, self.visit.pk, self.visit.version)

    def discharge(self, user: Any = None, **body: Any) -> Any:
        return post(self.api(user or self.alice), self.path("/discharge"), {"reason": "goals-met", **body})

    def discharged(self) -> Episode:
        self.discard_draft()
        return services.close_episode(self.alice, self.episode.pk, reason="plateau", summary="No further change.")

    def updates(self, actor_name: str = "Alice Chen") -> Any:
        return AuditEvent.objects.filter(action="update", object_id=str(self.episode.pk), actor_name=actor_name)

    def writes(self) -> list[tuple[str, str, dict[str, Any]]]:
        """Every write operation on an episode, with a valid body."""
        return [
            ("patch", self.path(), {"planned_sessions": 8}),
            ("post", self.path("/discharge"), {"reason": "goals-met"}),
            ("post", self.path("/reopen"), {"reason": "Discharged by mistake."}),
        ]

    def call(self, client: Any, method: str, path: str, body: dict[str, Any]) -> Any:
        return (patch if method == "patch" else post)(client, path, body)


class ReadEpisodeTests(EpisodeApiCase):
    def test_read_is_audited(self) -> None:
        response = self.api(self.fran).get(self.path())
        body = response.json()
        assert response.status_code == 200, body
        assert (body["id"], body["patient_id"], body["condition"], body["icd10_label"]) == (
            str(self.episode.pk),
            str(self.pat_record.pk),
            "neck-pain",
            "Cervicalgia",
        )
        assert (body["closed_on"], body["discharge_reason"], body["discharge_reason_label"]) == (None, "", "")
        assert body["regions"] == EPISODE["regions"] and body["planned_sessions"] == 6
        assert AuditEvent.objects.filter(action="read", object_id=str(self.episode.pk), actor_name="Fran Diaz").exists()

    def test_a_discharged_episode_shows_its_discharge(self) -> None:
        self.discharged()
        body = self.api(self.alice).get(self.path()).json()
        assert (body["discharge_reason"], body["discharge_reason_label"], body["discharge_summary"]) == (
            "plateau",
            "Progress has levelled off",
            "No further change.",
        )
        assert body["closed_on"] == self.fresh_episode().closed_on.isoformat()

    def test_outsiders_get_404_and_leave_no_read(self) -> None:
        for user in (self.charlie, self.pat):
            response = self.api(user).get(self.path())
            assert response.status_code == 404, user.username
            assert b"neck-pain" not in response.content
        assert self.api(self.alice).get("/api/v1/episodes/not-a-uuid").status_code == 404
        assert self.api(None).get(self.path()).status_code == 401
        assert not AuditEvent.objects.filter(action="read", object_id=str(self.episode.pk)).exists()


class UpdatePlanTests(EpisodeApiCase):
    def test_patch_changes_only_the_fields_sent(self) -> None:
        response = patch(
            self.api(self.bob),
            self.path(),
            {"planned_sessions": 8, "interval_weeks": 2, "co_treatments": ["massage"], "goals": "Sleep through."},
        )
        body = response.json()
        assert response.status_code == 200, body
        assert (body["planned_sessions"], body["interval_weeks"], body["co_treatments"]) == (8, 2, ["massage"])
        episode = self.fresh_episode()
        assert (episode.planned_sessions, episode.interval_weeks, episode.co_treatments, episode.goals) == (
            8,
            2,
            ["massage"],
            "Sleep through.",
        )
        assert (episode.condition_id, episode.icd10_code, episode.regions) == ("neck-pain", "M54.2", EPISODE["regions"])
        event = self.updates("Bob Okafor").get()
        assert event.before["planned_sessions"] == 6 and event.after["planned_sessions"] == 8

    def test_bad_data_names_the_fields_and_changes_nothing(self) -> None:
        client = self.api(self.alice)
        response = patch(client, self.path(), {"planned_sessions": 0, "wings": 2, "patient_id": str(self.olive.pk)})
        assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
        assert {e["field"] for e in response.json()["errors"]} == {"planned_sessions", "wings", "patient_id"}
        response = patch(client, self.path(), {"icd10_code": "Z99.9", "planned_sessions": 9})
        assert response.status_code == 422 and [e["field"] for e in response.json()["errors"]] == ["icd10_code"]
        response = patch(client, self.path(), {"condition": None, "planned_sessions": 9})
        assert response.status_code == 422 and [e["field"] for e in response.json()["errors"]] == ["condition"]
        tomorrow = self.episode.opened_on + dt.timedelta(days=1)
        response = patch(client, self.path(), {"opened_on": tomorrow.isoformat()})
        assert response.status_code == 422 and [e["field"] for e in response.json()["errors"]] == ["opened_on"]
        episode = self.fresh_episode()
        assert (episode.planned_sessions, episode.icd10_code, episode.opened_on) == (6, "M54.2", self.episode.opened_on)
        assert not self.updates().exists()

    def test_a_discharged_episode_refuses_changes(self) -> None:
        self.discharged()
        response = patch(self.api(self.alice), self.path(), {"planned_sessions": 8})
        assert response.status_code == 409 and "reopen" in response.json()["detail"]
        assert self.fresh_episode().planned_sessions == 6


class DischargeTests(EpisodeApiCase):
    def test_discharge(self) -> None:
        self.discard_draft()
        day = self.episode.opened_on
        response = self.discharge(reason="referred", closed_on=day.isoformat(), summary="  To the pain clinic. ")
        body = response.json()
        assert response.status_code == 200, body
        assert (body["closed_on"], body["discharge_reason"], body["discharge_reason_label"]) == (
            day.isoformat(),
            "referred",
            "Referred on",
        )
        episode = self.fresh_episode()
        assert (episode.closed_on, episode.discharge_reason, episode.discharge_summary) == (
            day,
            "referred",
            "To the pain clinic.",
        )
        assert episode.discharged_by == self.alice
        assert self.updates().filter(after__discharge_reason="referred").exists()
        again = self.discharge()
        assert again.status_code == 409 and self.fresh_episode().discharge_reason == "referred"

    def test_a_draft_note_blocks_discharge(self) -> None:
        response = self.discharge()
        assert response.status_code == 409 and "draft" in response.json()["detail"]
        assert self.fresh_episode().closed_on is None
        assert Visit.objects.filter(pk=self.visit.pk, status=Visit.Status.DRAFT).exists()

    def test_bad_input_names_the_field(self) -> None:
        self.discard_draft()
        response = self.discharge(reason="bored")
        assert response.status_code == 422 and [e["field"] for e in response.json()["errors"]] == ["reason"]
        response = post(self.api(self.alice), self.path("/discharge"), {})
        assert response.status_code == 422 and [e["field"] for e in response.json()["errors"]] == ["reason"]
        response = self.discharge(summary="x" * 2001)
        assert response.status_code == 422 and [e["field"] for e in response.json()["errors"]] == ["summary"]
        before = self.episode.opened_on - dt.timedelta(days=1)
        response = self.discharge(closed_on=before.isoformat())
        assert response.status_code == 422 and [e["field"] for e in response.json()["errors"]] == ["closed_on"]
        assert self.fresh_episode().closed_on is None and not self.updates().exists()


class ReopenTests(EpisodeApiCase):
    def test_reopen(self) -> None:
        self.discharged()
        response = post(self.api(self.bob), self.path("/reopen"), {"reason": "Back within the course."})
        body = response.json()
        assert response.status_code == 200, body
        assert (body["closed_on"], body["discharge_reason"], body["discharge_summary"]) == (None, "", "")
        episode = self.fresh_episode()
        assert (episode.closed_on, episode.discharge_reason, episode.discharged_by) == (None, "", None)
        assert self.updates("Bob Okafor").get().after["reason"] == "Back within the course."
        changed = patch(self.api(self.bob), self.path(), {"planned_sessions": 10})
        assert changed.status_code == 200 and self.fresh_episode().planned_sessions == 10

    def test_a_reason_is_required(self) -> None:
        self.discharged()
        for reason in ("", "   "):
            response = post(self.api(self.alice), self.path("/reopen"), {"reason": reason})
            assert response.status_code == 422, reason
            assert [e["field"] for e in response.json()["errors"]] == ["reason"]
        assert self.fresh_episode().closed_on is not None

    def test_an_open_episode_cannot_be_reopened(self) -> None:
        response = post(self.api(self.alice), self.path("/reopen"), {"reason": "Why not."})
        assert response.status_code == 409 and "open" in response.json()["detail"]
        assert not self.updates().exists()


class RefusalTests(EpisodeApiCase):
    def test_front_desk_reads_but_never_writes(self) -> None:
        client = self.api(self.fran)
        for method, path, body in self.writes():
            assert self.call(client, method, path, body).status_code == 403, (method, path)
        self.discharged()
        assert post(client, self.path("/reopen"), {"reason": "Mistake."}).status_code == 403
        episode = self.fresh_episode()
        assert (episode.planned_sessions, episode.discharge_reason) == (6, "plateau")
        assert not self.updates("Fran Diaz").exists()

    def test_outsiders_and_patient_logins_get_404_on_every_write(self) -> None:
        for user in (self.charlie, self.pat):
            client = self.api(user)
            for method, path, body in self.writes():
                response = self.call(client, method, path, body)
                assert response.status_code == 404, (user.username, method, path)
        self.discard_draft()
        for user in (self.charlie, self.pat):
            assert self.discharge(user).status_code == 404
        episode = self.fresh_episode()
        assert (episode.planned_sessions, episode.closed_on) == (6, None)

    def test_outsiders_cannot_reopen(self) -> None:
        self.discharged()
        for user in (self.charlie, self.pat):
            response = post(self.api(user), self.path("/reopen"), {"reason": "Mistake."})
            assert response.status_code == 404, user.username
        assert self.fresh_episode().discharge_reason == "plateau"

    def test_signed_out_gets_401(self) -> None:
        for method, path, body in self.writes():
            assert self.call(self.api(None), method, path, body).status_code == 401, (method, path)


class FollowUpTests(EpisodeApiCase):
    def test_discharge_schedules_the_follow_ups_and_reopening_withdraws_them(self) -> None:
        from needlepoint.outcomes.models import QuestionnaireInvitation

        self.discard_draft()
        response = self.discharge(follow_up_questionnaires=["ndi"])
        body = response.json()
        assert response.status_code == 200, body
        assert sorted(f["timepoint"] for f in body["follow_ups"]) == ["month_12", "month_3", "month_6", "week_6"]
        assert {f["questionnaire"] for f in body["follow_ups"]} == {"ndi"}
        assert QuestionnaireInvitation.objects.filter(episode=self.episode, cancelled_at__isnull=True).count() == 4
        response = post(self.api(self.alice), self.path("/reopen"), {"reason": "Flare-up within the course."})
        assert response.status_code == 200 and response.json()["withdrawn_follow_ups"] == 4
        assert not QuestionnaireInvitation.objects.filter(episode=self.episode, cancelled_at__isnull=True).exists()

    def test_an_unknown_questionnaire_leaves_the_episode_open(self) -> None:
        from needlepoint.outcomes.models import QuestionnaireInvitation

        self.discard_draft()
        response = self.discharge(follow_up_questionnaires=["ndi", "sf-36"])
        assert response.status_code == 422, response.json()
        assert [e["field"] for e in response.json()["errors"]] == ["follow_up_questionnaires"]
        assert self.fresh_episode().closed_on is None and not QuestionnaireInvitation.objects.exists()
        assert not self.updates().exists()
