"""Forms of the clinician's outcomes page: record a measurement, and the timepoint and date that go
with a questionnaire entered at the clinic.

The forms check types only; the services check everything against the measure's definition and
their ``InvalidInput`` errors are put back next to the fields they name.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from needlepoint.knowledge import load_knowledge
from needlepoint.knowledge.outcomes import Measure
from needlepoint.outcomes.models import Side, Timepoint
from needlepoint.outcomes.services.measurements import recordable_measures
from needlepoint.outcomes.services.qualifiers import JOINTS, QUALIFIER_FIELDS
from needlepoint.visits.forms import ServiceErrors, muscle_choices
from needlepoint.visits.models import Visit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def measure_choices() -> list[tuple[str, str]]:
    return [(m.id, f"{m.name} ({m.unit})") for m in recordable_measures().values()]


def movement_choices(joint_id: str = "") -> list[tuple[str, Any]]:
    """The movements of the chosen joint, or of every joint grouped by joint."""
    joint = JOINTS.get(joint_id)
    if joint is not None:
        return [("", "Choose the movement…"), *joint.movements.items()]
    return [("", "Choose the movement…")] + [
        (j.label, [(value, f"{j.label} {label}") for value, label in j.movements.items()]) for j in JOINTS.values()
    ]


def site_choices() -> list[tuple[str, Any]]:
    """Muscles of the atlas by body part, then body regions (e.g. over the lateral epicondyle)."""
    regions = [(code, region.label.capitalize()) for code, region in load_knowledge().regions.items()]
    muscles = [choice for choice in muscle_choices() if choice[0]]
    return [("", "Choose the site…"), *muscles, ("Body regions", sorted(regions, key=lambda r: r[1]))]


def visit_choices(visits: Sequence[Visit]) -> list[tuple[str, str]]:
    return [("", "Not tied to a visit")] + [
        (str(v.pk), f"{v.visit_date.day} {v.visit_date:%b %Y} ({'signed' if v.is_signed else 'draft'})") for v in visits
    ]


def value_hint(measure: Measure) -> str:
    upper = "" if measure.range_max is None else f" to {measure.range_max:g}"
    whole = ", a whole number" if measure.id == "nprs" else ""
    better = "lower is better" if measure.direction == "lower is better" else "higher is better"
    return f"{measure.range_min:g}{upper} {measure.unit}{whole}; {better}."


class MeasurementForm(ServiceErrors, forms.Form):
    service_fields = {"visit_id": "visit"}

    measure = forms.ChoiceField(label="Measure", choices=())
    timepoint = forms.ChoiceField(label="Timepoint", choices=Timepoint.choices)
    taken_on = forms.DateField(label="Measured on", widget=DATE)
    value = forms.CharField(
        label="Value",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    joint = forms.ChoiceField(label="Joint", required=False, choices=())
    movement = forms.ChoiceField(label="Movement", required=False, choices=())
    site = forms.ChoiceField(label="Site", required=False, choices=())
    side = forms.ChoiceField(label="Side", required=False, choices=[("", "No side"), *Side.choices])
    visit = forms.ChoiceField(label="Visit", required=False, choices=())
    notes = forms.CharField(label="Notes", required=False, max_length=300)

    def __init__(self, *args: Any, visits: Sequence[Visit] = (), refresh_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = measure_choices()
        self.fields["joint"].choices = [("", "Choose the joint…")] + [(k, j.label) for k, j in JOINTS.items()]
        self.fields["movement"].choices = movement_choices()
        self.fields["visit"].choices = visit_choices(visits)
        if refresh_url:  # choosing a joint narrows the movements to that joint's (htmx)
            self.fields["joint"].widget.attrs.update(
                {
                    "hx-get": refresh_url,
                    "hx-trigger": "change",
                    "hx-target": "#measurement-form",
                    "hx-swap": "outerHTML",
                    "hx-include": "#measurement-form",
                }
            )

    def narrow_movements(self, joint_id: str) -> None:
        """Offer only the chosen joint's movements (the form checks any; the service checks the pair)."""
        if joint_id in JOINTS:
            self.fields["movement"].widget.choices = movement_choices(joint_id)
        self.fields["site"].choices = site_choices()

    @property
    def selected_measure(self) -> Measure:
        """The measure chosen (or the first), to show its unit and its qualifier fields."""
        measures = recordable_measures()
        chosen = self.data.get("measure") if self.is_bound else self.initial.get("measure")
        return measures.get(str(chosen), next(iter(measures.values())))

    def qualifier_fields(self) -> list[Any]:
        """The joint, movement, site and side fields this measure needs, in that order."""
        wanted = self.selected_measure.qualifiers
        return [self[name] for name in QUALIFIER_FIELDS if name in wanted]

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        wanted = self.selected_measure.qualifiers
        return {
            "measure": data["measure"],
            "timepoint": data["timepoint"],
            "taken_on": data["taken_on"],
            "value": data["value"],
            **{name: (data.get(name) or "") if name in wanted else "" for name in QUALIFIER_FIELDS},
            "notes": data.get("notes") or "",
            "visit_id": data.get("visit") or None,
        }


class QuestionnaireEntryForm(ServiceErrors, forms.Form):
    """When a questionnaire answered at the clinic was answered, and which visit it belongs to."""

    service_fields = {"visit": "visit"}
    prefix = "entry"

    timepoint = forms.ChoiceField(label="Timepoint", choices=Timepoint.choices)
    completed_on = forms.DateField(label="Answered on", widget=DATE)
    visit = forms.ChoiceField(label="Visit", required=False, choices=())

    def __init__(self, *args: Any, visits: Sequence[Visit] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["visit"].choices = visit_choices(visits)
