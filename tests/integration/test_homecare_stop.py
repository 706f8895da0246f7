"""Stopping a home exercise: it leaves the current programme (and the patient's portal) but stays
as history; the stop is audited; a stopped exercise cannot be stopped or re-dosed again, and may be
assigned afresh."""

from __future__ import annotations

import pytest
from tests.integration.test_homecare_helpers import HomecareTestCase, dose_data

from needlepoint.audit.models import AuditEvent
from needlepoint.errors import Conflict, Forbidden
from needlepoint.homecare import services
from needlepoint.homecare.models import ExerciseAssignment


class StopTests(HomecareTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.stretch = self.give("upper-trapezius-stretch")
        self.tuck = self.give("chin-tuck")

    def test_stopping_through_the_page(self) -> None:
        self.login(self.alice)
        response = self.send(self.url(f"{self.stretch.pk}/stop/"))
        assert response.status_code == 302
        self.stretch.refresh_from_db()
        assert self.stretch.stopped_at is not None and self.stretch.stopped_by == self.alice
        event = AuditEvent.objects.get(object_type="homecare.exerciseassignment", action="update")
        assert event.object_id == str(self.stretch.pk) and event.before == {"stopped_at": None}
        assert event.after["stopped_by_id"] == self.alice.pk
        page = self.client.get(self.url())
        current = [row["assignment"].pk for row in page.context["rows"]]
        assert current == [self.tuck.pk]
        assert [a.pk for a, _ in page.context["stopped"]] == [self.stretch.pk]
        assert b"Stopped" in page.content

    def test_the_patient_no_longer_sees_a_stopped_exercise(self) -> None:
        services.stop(self.alice, self.pat_record.pk, self.episode.pk, self.stretch.pk)
        self.login(self.pat)
        page = self.client.get("/portal/exercises/")
        assert [a.pk for a, _ in page.context["items"]] == [self.tuck.pk]
        assert b"Upper trapezius stretch" not in page.content

    def test_a_stopped_exercise_is_not_stopped_or_changed_again_but_may_be_reassigned(self) -> None:
        services.stop(self.alice, self.pat_record.pk, self.episode.pk, self.stretch.pk)
        with pytest.raises(Conflict, match="was stopped on"):
            services.stop(self.alice, self.pat_record.pk, self.episode.pk, self.stretch.pk)
        with pytest.raises(Conflict, match="assign it again instead"):
            services.change_dose(self.alice, self.pat_record.pk, self.episode.pk, self.stretch.pk, {"reps": 2})
        self.login(self.alice)
        response = self.send(self.url(f"{self.stretch.pk}/dose/"), dose_data(self.stretch, reps=2))
        assert response.status_code == 302
        assert ExerciseAssignment.objects.get(pk=self.stretch.pk).reps == 3
        again = self.give("upper-trapezius-stretch")
        assert again.pk != self.stretch.pk and again.stopped_at is None
        assert ExerciseAssignment.objects.filter(exercise_id="upper-trapezius-stretch").count() == 2

    def test_front_desk_may_not_stop(self) -> None:
        self.login(self.fran)
        assert self.send(self.url(f"{self.stretch.pk}/stop/")).status_code == 403
        with pytest.raises(Forbidden):
            services.stop(self.fran, self.pat_record.pk, self.episode.pk, self.stretch.pk)
        self.stretch.refresh_from_db()
        assert self.stretch.stopped_at is None
