"""Discharge and the plan of care: a clinician changes the plan, discharges with a reason (never
over a draft note, never before the last visit or in the future), and may reopen with a reason.
Each change is audited; a discharged episode's plan is history until it is reopened."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.integration.test_visits_helpers import VisitTestCase

from needlepoint.audit.models import AuditEvent
from needlepoint.errors import Conflict, Forbidden, InvalidInput, NotFound
from needlepoint.visits import services
from needlepoint.visits.models import Episode
from needlepoint.visits.services.common import clinic_today


class DischargeTests(VisitTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.today = clinic_today(self.clinic.pk)

    def discard_draft(self) -> None:
        services.discard_visit(self.alice, self.visit.pk, self.version)

    def updates(self) -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(action="update", object_id=str(self.episode.pk)).order_by("seq"))

    def test_discharge_keeps_date_reason_summary_and_who(self) -> None:
        self.discard_draft()
        episode = services.close_episode(
            self.alice, self.episode.pk, reason="goals-met", summary="  Back at work full days; HEP to continue. "
        )
        stored = Episode.objects.get(pk=episode.pk)
        assert stored.closed_on == self.today and stored.discharge_reason == "goals-met"
        assert stored.discharge_summary == "Back at work full days; HEP to continue."
        assert stored.discharged_by == self.alice
        row = self.updates()[-1]
        assert row.after["closed_on"] == self.today.isoformat() and row.after["discharge_reason"] == "goals-met"
        assert row.before["closed_on"] is None and row.patient_id == str(self.pat_record.pk)

    def test_a_draft_note_must_be_signed_or_discarded_first(self) -> None:
        with pytest.raises(Conflict, match="still a draft: sign or discard it first"):
            services.close_episode(self.alice, self.episode.pk, reason="goals-met")
        assert Episode.objects.get(pk=self.episode.pk).closed_on is None
        assert not self.updates()

    def test_bad_date_reason_and_summary_are_named_and_nothing_is_saved(self) -> None:
        self.discard_draft()
        cases = [
            ({"closed_on": self.today + dt.timedelta(days=1), "reason": "goals-met"}, "closed_on", "future"),
            (
                {"closed_on": self.today - dt.timedelta(days=1), "reason": "goals-met"},
                "closed_on",
                "before the episode",
            ),
            ({"closed_on": "21/11/2026", "reason": "goals-met"}, "closed_on", "YYYY-MM-DD"),
            ({"reason": "bored"}, "reason", "goals-met"),
            ({"reason": None}, "reason", "choose one of"),
            ({"reason": "other", "summary": "x" * 2001}, "summary", "at most 2000"),
        ]
        for kwargs, field, text in cases:
            with pytest.raises(InvalidInput) as exc:
                services.close_episode(self.alice, self.episode.pk, **kwargs)  # type: ignore[arg-type]
            assert text in exc.value.errors[field][0], (kwargs, exc.value.errors)
        assert Episode.objects.get(pk=self.episode.pk).closed_on is None
        assert not self.updates()

    def past_signed_visit(self, days_ago: int) -> None:
        """Replace today's draft with a signed visit ``days_ago`` days back."""
        Episode.objects.filter(pk=self.episode.pk).update(opened_on=self.today - dt.timedelta(days=14))
        self.discard_draft()
        self.visit = services.start_visit(
            self.alice, self.episode.pk, visit_date=self.today - dt.timedelta(days=days_ago)
        )
        self.insert()
        self.sign()

    def test_not_before_the_last_visit(self) -> None:
        self.past_signed_visit(7)
        with pytest.raises(InvalidInput) as exc:
            services.close_episode(self.alice, self.episode.pk, self.today - dt.timedelta(days=10), reason="plateau")
        assert "before the last visit" in exc.value.errors["closed_on"][0]
        day = (self.today - dt.timedelta(days=7)).isoformat()
        assert services.close_episode(self.alice, self.episode.pk, day, reason="plateau").closed_on.isoformat() == day

    def test_twice_is_a_conflict_and_only_clinicians_discharge(self) -> None:
        self.discard_draft()
        for user in (self.fran, self.ada):
            with pytest.raises(Forbidden):
                services.close_episode(user, self.episode.pk, reason="goals-met")
        for user in (self.charlie, self.pat):
            with pytest.raises(NotFound):
                services.close_episode(user, self.episode.pk, reason="goals-met")
        services.close_episode(self.alice, self.episode.pk, reason="referred")
        with pytest.raises(Conflict, match="already discharged"):
            services.close_episode(self.bob, self.episode.pk, reason="goals-met")

    def test_a_discharged_plan_is_history_until_reopened(self) -> None:
        self.discard_draft()
        services.close_episode(self.alice, self.episode.pk, reason="patient-choice", summary="Moving interstate.")
        with pytest.raises(Conflict, match="reopen it to change its plan"):
            services.update_episode(self.alice, self.episode.pk, {"planned_sessions": 8})
        with pytest.raises(InvalidInput) as exc:
            services.reopen_episode(self.alice, self.episode.pk, "   ")
        assert "say why" in exc.value.errors["reason"][0]
        with pytest.raises(Forbidden):
            services.reopen_episode(self.fran, self.episode.pk, "Back again")
        reopened = services.reopen_episode(self.bob, self.episode.pk, "Discharged the wrong course by mistake")
        stored = Episode.objects.get(pk=reopened.pk)
        assert stored.closed_on is None and stored.discharge_reason == "" and stored.discharged_by is None
        row = self.updates()[-1]
        assert row.after["reason"] == "Discharged the wrong course by mistake"
        assert row.before["discharge_reason"] == "patient-choice" and row.after["closed_on"] is None
        assert row.actor_name == "Bob Okafor"
        services.update_episode(self.alice, self.episode.pk, {"planned_sessions": 8})
        with pytest.raises(Conflict, match="no discharge to undo"):
            services.reopen_episode(self.alice, self.episode.pk, "again")

    def test_the_plan_cannot_open_after_its_first_visit(self) -> None:
        self.past_signed_visit(7)
        with pytest.raises(InvalidInput) as exc:
            services.update_episode(self.alice, self.episode.pk, {"opened_on": self.today - dt.timedelta(days=3)})
        assert "after the first visit" in exc.value.errors["opened_on"][0]
        assert Episode.objects.get(pk=self.episode.pk).opened_on == self.today - dt.timedelta(days=14)
        services.update_episode(self.alice, self.episode.pk, {"opened_on": self.today - dt.timedelta(days=8)})
        assert Episode.objects.get(pk=self.episode.pk).opened_on == self.today - dt.timedelta(days=8)
