"""Assigning a home exercise: the form is prefilled from the library's default dose, the assignment
is saved with the dose chosen and audited in the same transaction; duplicates, unknown exercises
and front-desk users are refused without saving anything."""

from __future__ import annotations

import pytest
from tests.integration.test_homecare_helpers import HomecareTestCase

from needlepoint.audit.models import AuditEvent
from needlepoint.errors import Forbidden, InvalidInput
from needlepoint.homecare.models import ExerciseAssignment


class AssignTests(HomecareTestCase):
    def test_the_assign_form_is_prefilled_with_the_default_dose(self) -> None:
        self.login(self.alice)
        response = self.client.get(self.url() + "?add=eccentric-wrist-extension")
        assert response.status_code == 200
        form = response.context["assign_form"]
        assert form.initial == {
            "exercise_id": "eccentric-wrist-extension",
            "sets": 3,
            "reps": 15,
            "hold_seconds": None,
            "times_per_day": 1,
            "days_per_week": 7,
        }
        assert b'name="assign-sets" value="3"' in response.content
        assert b"Assign: Eccentric wrist extension" in response.content

    def test_assigning_through_the_page_saves_the_chosen_dose_and_audits_it(self) -> None:
        self.login(self.alice)
        response = self.send(
            self.url("assign/"),
            {
                "assign-exercise_id": "upper-trapezius-stretch",
                "assign-sets": "1",
                "assign-reps": "4",
                "assign-hold_seconds": "20",
                "assign-times_per_day": "3",
                "assign-days_per_week": "6",
                "assign-notes": "Mid-morning at your desk.",
            },
        )
        assert response.status_code == 302 and response["Location"].startswith(self.url())
        assignment = ExerciseAssignment.objects.get()
        assert (assignment.exercise_id, assignment.sets, assignment.reps, assignment.hold_seconds) == (
            "upper-trapezius-stretch", 1, 4, 20)
        assert (assignment.times_per_day, assignment.days_per_week) == (3, 6)
        assert assignment.notes == "Mid-morning at your desk."
        assert assignment.patient_id == self.pat_record.pk and assignment.clinic_id == self.clinic.pk
        assert assignment.assigned_by == self.alice and assignment.stopped_at is None
        event = AuditEvent.objects.get(object_type="homecare.exerciseassignment", action="create")
        assert event.object_id == str(assignment.pk) and event.patient_id == str(self.pat_record.pk)
        assert event.after["reps"] == 4 and event.actor_id == self.alice.pk
        page = self.client.get(self.url())
        assert b"4 repetitions, hold each for 20 seconds \xc2\xb7 3 times a day \xc2\xb7 6 days a week" in page.content

    def test_left_out_dose_fields_take_the_library_default(self) -> None:
        assignment = self.give("glute-bridge")
        assert (assignment.sets, assignment.reps, assignment.hold_seconds) == (3, 10, 5)
        assert (assignment.times_per_day, assignment.days_per_week) == (1, 5)

    def test_clinic_administrators_may_assign(self) -> None:
        assert self.give("chin-tuck", actor=self.ada).assigned_by == self.ada

    def test_front_desk_may_read_but_not_assign(self) -> None:
        self.login(self.fran)
        page = self.client.get(self.url())
        assert page.status_code == 200 and b"Assign\xe2\x80\xa6" not in page.content
        response = self.send(self.url("assign/"), {"assign-exercise_id": "chin-tuck", "assign-sets": "1",
                                                   "assign-reps": "10", "assign-times_per_day": "1",
                                                   "assign-days_per_week": "7"})
        assert response.status_code == 403
        with pytest.raises(Forbidden):
            self.give("chin-tuck", actor=self.fran)
        assert not ExerciseAssignment.objects.exists()
        assert not AuditEvent.objects.filter(object_type="homecare.exerciseassignment").exists()

    def test_an_exercise_is_in_a_programme_only_once(self) -> None:
        self.give("chin-tuck")
        with pytest.raises(InvalidInput) as info:
            self.give("chin-tuck")
        assert "already in this programme" in info.value.errors["exercise_id"][0]
        self.login(self.alice)
        response = self.send(self.url("assign/"), {"assign-exercise_id": "chin-tuck", "assign-sets": "2",
                                                   "assign-reps": "5", "assign-times_per_day": "1",
                                                   "assign-days_per_week": "7"})
        assert response.status_code == 422
        assert b"already in this programme" in response.content
        assert ExerciseAssignment.objects.count() == 1
        # Another episode may hold the same exercise.
        assert self.give("chin-tuck", episode=self.olive_episode).exercise_id == "chin-tuck"

    def test_an_unknown_exercise_or_field_is_named(self) -> None:
        with pytest.raises(InvalidInput) as info:
            self.give("moonwalk")
        assert info.value.errors == {"exercise_id": ["'moonwalk' is not an exercise in the library"]}
        with pytest.raises(InvalidInput) as info:
            self.give("chin-tuck", colour="red")
        assert info.value.errors == {"colour": ["unknown or read-only field"]}
        assert not ExerciseAssignment.objects.exists()
