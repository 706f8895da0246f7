"""Home exercise programmes: exercises from the library assigned to a patient for an episode of care.

An assignment names an exercise of ``knowledge/data/exercises.yaml`` and the dose the clinician chose
(its default comes from the library). A dose is changed in place (each change is audited with the
values before and after); stopping an assignment sets ``stopped_at`` and keeps the row, so the
programme's history stays readable. An episode holds an exercise at most once at a time.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from needlepoint.accounts.models import Clinic, User
from needlepoint.knowledge.exercises import LIMITS, Exercise, load_exercises
from needlepoint.knowledge.exercises import dose_text as describe_dose
from needlepoint.patients.models import Patient
from needlepoint.patients.scoping import PatientScopedQuerySet
from needlepoint.visits.models import Episode

NOTES_MAX_LENGTH = 1000


def _between(bounds: tuple[int, int]) -> list[Any]:
    return [MinValueValidator(bounds[0]), MaxValueValidator(bounds[1])]


def validate_exercise_id(value: str) -> None:
    if load_exercises().get(value) is None:
        raise ValidationError(f"{value!r} is not an exercise in the library.")


class ExerciseAssignmentQuerySet(PatientScopedQuerySet):
    """Staff see their clinic's assignments; a patient sees only their own; others nothing."""

    patient_path = "patient"

    def current(self) -> ExerciseAssignmentQuerySet:
        return self.filter(stopped_at__isnull=True)


class ExerciseAssignment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+", editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="exercise_assignments", editable=False)
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="exercise_assignments", editable=False)
    exercise_id = models.CharField(
        max_length=60, validators=[validate_exercise_id], help_text="An exercise of the library"
    )
    sets = models.PositiveSmallIntegerField(validators=_between(LIMITS.sets))
    reps = models.PositiveSmallIntegerField(null=True, blank=True, validators=_between(LIMITS.reps))
    hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True, validators=_between(LIMITS.hold_seconds))
    times_per_day = models.PositiveSmallIntegerField(validators=_between(LIMITS.times_per_day))
    days_per_week = models.PositiveSmallIntegerField(validators=_between(LIMITS.days_per_week))
    notes = models.TextField(blank=True, max_length=NOTES_MAX_LENGTH, help_text="For the patient")
    assigned_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", editable=False)
    assigned_at = models.DateTimeField(editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    stopped_at = models.DateTimeField(null=True, blank=True, editable=False)
    stopped_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    objects = ExerciseAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["assigned_at", "pk"]
        indexes = [models.Index(fields=["episode", "stopped_at"]), models.Index(fields=["patient", "stopped_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reps__isnull=False) | models.Q(hold_seconds__isnull=False),
                name="exercise_assignment_reps_or_hold",
            ),
            models.UniqueConstraint(
                fields=["episode", "exercise_id"],
                condition=models.Q(stopped_at__isnull=True),
                name="exercise_assigned_once_per_episode",
            ),
        ]

    def __str__(self) -> str:
        exercise = self.exercise
        return f"{exercise.name if exercise else self.exercise_id} ({self.dose_text})"

    @property
    def exercise(self) -> Exercise | None:
        return load_exercises().get(self.exercise_id)

    @property
    def dose_text(self) -> str:
        return describe_dose(self.sets, self.reps, self.hold_seconds, self.times_per_day, self.days_per_week)

    @property
    def is_current(self) -> bool:
        return self.stopped_at is None
