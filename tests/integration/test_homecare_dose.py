"""Dose validation and dose changes: every bad value is named by its field and nothing is saved;
a change is audited with the values before and after; a change that changes nothing writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from tests.integration.test_homecare_helpers import HomecareTestCase, dose_data

from needlepoint.audit.models import AuditEvent
from needlepoint.errors import Forbidden, InvalidInput
from needlepoint.homecare import services
from needlepoint.homecare.models import ExerciseAssignment

ASSIGN = {
    "assign-exercise_id": "clamshell",
    "assign-sets": "3",
    "assign-reps": "12",
    "assign-hold_seconds": "2",
    "assign-times_per_day": "1",
    "assign-days_per_week": "5",
}


class DoseValidationTests(HomecareTestCase):
    def assign_with(self, **changes: Any) -> Any:
        self.login(self.alice)
        return self.send(self.url("assign/"), {**ASSIGN, **{f"assign-{k}": v for k, v in changes.items()}})

    def test_out_of_range_values_are_named_on_the_page(self) -> None:
        cases = {
            "sets": ("0", "greater than or equal to 1"),
            "reps": ("101", "less than or equal to 100"),
            "hold_seconds": ("301", "less than or equal to 300"),
            "times_per_day": ("7", "less than or equal to 6"),
            "days_per_week": ("8", "less than or equal to 7"),
        }
        for field, (value, message) in cases.items():
            response = self.assign_with(**{field: value})
            assert response.status_code == 422, field
            assert list(response.context["assign_form"].errors) == [field]
            assert message in response.context["assign_form"].errors[field][0], field
        assert not ExerciseAssignment.objects.exists()

    def test_reps_or_a_hold_time_is_needed(self) -> None:
        response = self.assign_with(reps="", hold_seconds="")
        assert response.status_code == 422
        assert response.context["assign_form"].errors == {"reps": ["Give the repetitions, a hold time or both."]}
        assert b"Give the repetitions, a hold time or both." in response.content
        assert not ExerciseAssignment.objects.exists()

    def test_the_service_checks_the_dose_whatever_the_entry_point(self) -> None:
        bad = {"sets": 11, "reps": None, "hold_seconds": None, "times_per_day": "twice", "days_per_week": True}
        with pytest.raises(InvalidInput) as info:
            self.give("clamshell", **bad)
        errors = info.value.errors
        assert set(errors) == {"sets", "reps", "times_per_day", "days_per_week"}
        assert errors["reps"] == ["give the repetitions, a hold time or both"]
        assert errors["times_per_day"] == ["must be a whole number"]
        with pytest.raises(InvalidInput) as info:
            self.give("clamshell", notes="x" * 1001)
        assert "notes" in info.value.errors
        assert not ExerciseAssignment.objects.exists()
        assert not AuditEvent.objects.filter(object_type="homecare.exerciseassignment").exists()


class DoseChangeTests(HomecareTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.assignment = self.give("hamstring-stretch")

    def test_changing_the_dose_through_the_page_is_audited_with_before_and_after(self) -> None:
        self.login(self.alice)
        response = self.send(
            self.url(f"{self.assignment.pk}/dose/"), dose_data(self.assignment, reps=3, times_per_day=2)
        )
        assert response.status_code == 302
        self.assignment.refresh_from_db()
        assert (self.assignment.reps, self.assignment.times_per_day, self.assignment.hold_seconds) == (3, 2, 30)
        event = AuditEvent.objects.get(object_type="homecare.exerciseassignment", action="update")
        assert event.before == {"reps": 1, "times_per_day": 1}
        assert event.after == {"reps": 3, "times_per_day": 2}
        assert event.patient_id == str(self.pat_record.pk)

    def test_a_bad_dose_change_is_named_and_nothing_changes(self) -> None:
        self.login(self.alice)
        response = self.send(
            self.url(f"{self.assignment.pk}/dose/"), dose_data(self.assignment, reps=None, hold_seconds=None)
        )
        assert response.status_code == 422
        assert b"Give the repetitions, a hold time or both." in response.content
        self.assignment.refresh_from_db()
        assert (self.assignment.reps, self.assignment.hold_seconds) == (1, 30)
        with pytest.raises(InvalidInput) as info:
            services.change_dose(self.alice, self.pat_record.pk, self.episode.pk, self.assignment.pk,
                                 {"days_per_week": 0, "exercise_id": "chin-tuck"})
        assert set(info.value.errors) == {"days_per_week", "exercise_id"}
        assert not AuditEvent.objects.filter(action="update", object_type="homecare.exerciseassignment").exists()

    def test_a_change_that_changes_nothing_writes_nothing(self) -> None:
        services.change_dose(self.alice, self.pat_record.pk, self.episode.pk, self.assignment.pk, {"reps": 1})
        assert not AuditEvent.objects.filter(action="update", object_type="homecare.exerciseassignment").exists()

    def test_front_desk_may_not_change_a_dose(self) -> None:
        self.login(self.fran)
        response = self.send(self.url(f"{self.assignment.pk}/dose/"), dose_data(self.assignment, reps=5))
        assert response.status_code == 403
        with pytest.raises(Forbidden):
            services.change_dose(self.fran, self.pat_record.pk, self.episode.pk, self.assignment.pk, {"reps": 5})
        self.assignment.refresh_from_db()
        assert self.assignment.reps == 1
