"""Forms of the home-programme page: a dose (with a note for the patient) and the assignment of an
exercise. They check types and ranges; the services decide, and their ``InvalidInput`` errors are
put back next to the fields they name."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms

from needlepoint.homecare.models import NOTES_MAX_LENGTH, ExerciseAssignment
from needlepoint.knowledge.exercises import BODY_AREAS, EXERCISE_KINDS, KIND_LABELS, LIMITS, Exercise


def _number(label: str, bounds: tuple[int, int], *, required: bool = True, help_text: str = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=bounds[0],
        max_value=bounds[1],
        help_text=help_text,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class DoseForm(forms.Form):
    sets = _number("Sets", LIMITS.sets)
    reps = _number("Repetitions", LIMITS.reps, required=False, help_text="per set")
    hold_seconds = _number("Hold (seconds)", LIMITS.hold_seconds, required=False, help_text="each repetition")
    times_per_day = _number("Times a day", LIMITS.times_per_day)
    days_per_week = _number("Days a week", LIMITS.days_per_week)
    notes = forms.CharField(
        label="Note for the patient",
        required=False,
        max_length=NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown on the handout and in the portal.",
    )

    dose_fields = ("sets", "reps", "hold_seconds", "times_per_day", "days_per_week")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            "reps" not in self.errors
            and "hold_seconds" not in self.errors
            and data.get("reps") is None
            and data.get("hold_seconds") is None
        ):
            self.add_error("reps", "Give the repetitions, a hold time or both.")
        return data

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in (*self.dose_fields, "notes")}

    def add_service_errors(self, errors: Mapping[str, Sequence[str]]) -> None:
        for field, messages in errors.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)

    @classmethod
    def initial_for(cls, exercise: Exercise) -> dict[str, Any]:
        dose = exercise.dose
        return {
            "sets": dose.sets,
            "reps": dose.reps,
            "hold_seconds": dose.hold_seconds,
            "times_per_day": dose.times_per_day,
            "days_per_week": dose.days_per_week,
        }

    @classmethod
    def initial_from(cls, assignment: ExerciseAssignment) -> dict[str, Any]:
        return {name: getattr(assignment, name) for name in (*cls.dose_fields, "notes")}


class AssignForm(DoseForm):
    exercise_id = forms.CharField(widget=forms.HiddenInput, max_length=60)

    field_order = ("exercise_id", "sets", "reps", "hold_seconds", "times_per_day", "days_per_week", "notes")

    def service_data(self) -> dict[str, Any]:
        return {"exercise_id": self.cleaned_data.get("exercise_id"), **super().service_data()}


class LibraryFilterForm(forms.Form):
    """Search the library: words, body area, kind. Unknown values are ignored, not errors."""

    q = forms.CharField(label="Search exercises", required=False, max_length=100)
    area = forms.ChoiceField(
        label="Body area", required=False, choices=[("", "All body areas"), *[(c, label) for c, label, _ in BODY_AREAS]]
    )
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "All kinds"), *[(k, KIND_LABELS[k]) for k in EXERCISE_KINDS]]
    )

    def filters(self) -> dict[str, str]:
        if self.is_valid():
            return {key: self.cleaned_data.get(key) or "" for key in ("q", "area", "kind")}
        return {"q": str(self.data.get("q", ""))[:100], "area": "", "kind": ""}
