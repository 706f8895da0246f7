"""Forms of the episode and visit-note pages: parse what was typed into the services' input.

Each form checks types and ranges only; the services decide everything clinical and their
``InvalidInput`` errors are put back next to the fields they name (``add_service_errors``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from needlepoint.knowledge import MUSCLE_GROUPS, load_knowledge
from needlepoint.visits.adverse import AdverseEventKind, Severity
from needlepoint.visits.models import (
    MAX_NEEDLES_PER_ENTRY,
    CoIntervention,
    CoTreatment,
    NeedleInsertion,
    Side,
    TriggerPointFinding,
)

GROUP_LABELS = {
    "head-face": "Head and face",
    "neck": "Neck",
    "shoulder-girdle": "Shoulder girdle",
    "rotator-cuff": "Rotator cuff",
    "arm": "Arm",
    "forearm": "Forearm",
    "hand": "Hand",
    "thorax": "Chest",
    "abdomen": "Abdomen",
    "back": "Back",
    "hip-pelvis": "Hip and pelvis",
    "thigh": "Thigh",
    "leg": "Lower leg",
    "foot": "Foot",
}
NEEDLE_DIAMETERS = ("0.12", "0.14", "0.16", "0.18", "0.20", "0.22", "0.25", "0.30", "0.32", "0.35", "0.40")
NEEDLE_LENGTHS = ("13", "15", "25", "30", "40", "50", "60", "75", "90", "100", "125")
NPRS_CHOICES = [(str(n), str(n)) for n in range(11)]
SIDE_CHOICES = Side.choices


def muscle_choices() -> list[tuple[str, Any]]:
    """Muscles of the atlas grouped by body part, for a <select> with optgroups."""
    grouped: dict[str, list[tuple[str, str]]] = {}
    for muscle in load_knowledge().muscles.values():
        grouped.setdefault(muscle.group, []).append((muscle.id, muscle.name))
    ordered = [g for g in MUSCLE_GROUPS if g in grouped]
    return [("", "Choose a muscle…")] + [
        (GROUP_LABELS.get(g, g.replace("-", " ").capitalize()), sorted(grouped[g], key=lambda m: m[1])) for g in ordered
    ]


def diagnosis_choices() -> list[tuple[str, Any]]:
    """Every condition of the atlas with its ICD-10-CM codes: one choice sets both."""
    out: list[tuple[str, Any]] = [("", "Choose the condition and its ICD-10-CM code…")]
    for condition in sorted(load_knowledge().conditions.values(), key=lambda c: c.name):
        if condition.icd10cm:
            out.append(
                (condition.name, [(f"{condition.id}|{c.code}", f"{c.code} · {c.label}") for c in condition.icd10cm])
            )
    return out


class ServiceErrors:
    """Mixin: put a service's ``InvalidInput.errors`` next to the form's fields."""

    #: service field name -> form field name
    service_fields: Mapping[str, str] = {}

    def add_service_errors(self, errors: Mapping[str, Sequence[str]], shown_elsewhere: Sequence[str] = ()) -> None:
        """Each message next to its field (or above the form). Messages of safety findings whose
        codes are in ``shown_elsewhere`` (the safety panel shows them) only mark their field."""
        form: Any = self
        for key, messages in errors.items():
            name = self.service_fields.get(key, key)
            own = [m for m in messages if not any(m.startswith(f"{code}:") for code in shown_elsewhere)]
            if name in form.fields:
                if len(own) < len(messages):
                    self.flagged.add(name)
                for message in own:
                    form.add_error(name, message)
            else:
                for message in own:
                    form.add_error(None, message if key == "__all__" else f"{key.replace('_', ' ')}: {message}")

    @property
    def flagged(self) -> set[str]:
        """Fields a safety finding is about (drawn as in error; the message is in the panel)."""
        if not hasattr(self, "_flagged"):
            self._flagged: set[str] = set()
        return self._flagged


# --- episodes -------------------------------------------------------------------------------


class EpisodeForm(ServiceErrors, forms.Form):
    service_fields = {"condition": "diagnosis", "icd10_code": "diagnosis"}

    diagnosis = forms.ChoiceField(label="Condition and ICD-10-CM code", choices=())
    regions = forms.MultipleChoiceField(label="Affected regions", required=False, choices=())
    goals = forms.CharField(
        label="Goals",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "In the patient's words: what should be possible?"}),
    )
    planned_sessions = forms.IntegerField(label="Planned sessions", min_value=1, max_value=52, initial=6)
    interval_weeks = forms.TypedChoiceField(
        label="Interval",
        choices=[("1", "Weekly"), ("2", "Every two weeks")],
        coerce=int,
        initial="1",
        widget=forms.RadioSelect,
    )
    co_treatments = forms.MultipleChoiceField(
        label="Treatments alongside needling",
        required=False,
        choices=CoTreatment.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    opened_on = forms.DateField(label="Opened on", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["diagnosis"].choices = diagnosis_choices()
        kb = load_knowledge()
        self.fields["regions"].choices = [
            (f"{code}:{side}", code)
            for code, region in kb.regions.items()
            for side in ([""] if region.midline else ["left", "right"])
        ]
        if not self.is_bound:
            self.initial.setdefault("opened_on", timezone.localdate())

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        condition, _, code = data["diagnosis"].partition("|")
        regions = []
        for value in data["regions"]:
            region, _, side = value.partition(":")
            regions.append({"region": region, "side": side or None})
        return {
            "condition": condition,
            "icd10_code": code,
            "regions": regions,
            "goals": data["goals"],
            "planned_sessions": data["planned_sessions"],
            "interval_weeks": data["interval_weeks"],
            "co_treatments": list(data["co_treatments"]),
            "opened_on": data["opened_on"],
        }


# --- the note -------------------------------------------------------------------------------


class PainRatingsForm(forms.Form):
    pain_before = forms.TypedChoiceField(
        label="Before treatment",
        choices=NPRS_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    pain_after = forms.TypedChoiceField(
        label="After treatment",
        choices=NPRS_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )


class NotesForm(forms.Form):
    notes = forms.CharField(
        label="Clinical notes",
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class FindingForm(ServiceErrors, forms.Form):
    prefix = "finding"

    muscle = forms.ChoiceField(label="Muscle", choices=())
    side = forms.ChoiceField(label="Side", choices=SIDE_CHOICES, widget=forms.RadioSelect)
    activity = forms.ChoiceField(
        label="Trigger point", choices=TriggerPointFinding.Activity.choices, widget=forms.RadioSelect
    )
    taut_band = forms.BooleanField(label="Taut band", required=False)
    tender_nodule = forms.BooleanField(label="Tender nodule", required=False)
    referred_pain = forms.BooleanField(label="Referred pain reproduced", required=False)
    local_twitch_response = forms.BooleanField(label="Local twitch on palpation", required=False)
    notes = forms.CharField(label="Finding notes", required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["muscle"].choices = muscle_choices()

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


def _plain(value: Decimal | None) -> str:
    """30.0 -> '30', 0.50 -> '0.5'; '' for None."""
    return "" if value is None else f"{Decimal(value).normalize():f}"


def _lots(text: str) -> list[str]:
    """Lot numbers typed with commas (or semicolons) between, each once in the order typed."""
    return list(dict.fromkeys(part.strip() for part in text.replace(";", ",").split(",") if part.strip()))


class InsertionForm(ServiceErrors, forms.Form):
    """One needle-log entry. Retention is typed in minutes (stored in seconds); the number of needles
    used in the muscle is typed (1 to start with); lots are the boxes the needles came from,
    comma-separated, each once (a lot is a box, not a needle); without one, the 'lot for new
    entries' is used."""

    prefix = "entry"
    service_fields = {"retention_seconds": "retention_minutes", "muscle_id": "muscle"}

    muscle = forms.ChoiceField(label="Muscle", choices=())
    side = forms.ChoiceField(label="Side", choices=SIDE_CHOICES, widget=forms.RadioSelect)
    technique = forms.ChoiceField(
        label="Technique", choices=NeedleInsertion.Technique.choices, widget=forms.RadioSelect, initial="deep"
    )
    needle_diameter_mm = forms.DecimalField(
        label="Diameter (mm)", min_value=Decimal("0.10"), max_value=Decimal("0.50"), decimal_places=2
    )
    needle_length_mm = forms.DecimalField(
        label="Length (mm)", min_value=Decimal("5"), max_value=Decimal("150"), decimal_places=1
    )
    depth_mm = forms.DecimalField(
        label="Depth (mm)", required=False, min_value=Decimal("0.5"), max_value=Decimal("150"), decimal_places=1
    )
    approach = forms.CharField(label="Approach and direction", required=False, max_length=300)
    manipulation = forms.ChoiceField(
        label="Manipulation",
        choices=NeedleInsertion.Manipulation.choices,
        widget=forms.RadioSelect,
        initial="pistoning",
    )
    ltr_count = forms.IntegerField(label="LTRs", required=False, min_value=0, max_value=200)
    retention_minutes = forms.DecimalField(
        label="Retention (min)", required=False, min_value=Decimal("0"), max_value=Decimal("60"), decimal_places=2
    )
    electrical_stimulation = forms.BooleanField(label="Electrical stimulation", required=False)
    estim_frequency_hz = forms.DecimalField(
        label="Frequency (Hz)", required=False, min_value=Decimal("0.5"), max_value=Decimal("1000"), decimal_places=1
    )
    estim_pulse_width_us = forms.IntegerField(label="Pulse width (µs)", required=False, min_value=10, max_value=2000)
    estim_intensity_ma = forms.DecimalField(
        label="Intensity (mA)", required=False, min_value=Decimal("0.1"), max_value=Decimal("100"), decimal_places=1
    )
    estim_minutes = forms.IntegerField(label="Stimulation (min)", required=False, min_value=1, max_value=60)
    needles_used = forms.IntegerField(label="Needles used", min_value=1, max_value=MAX_NEEDLES_PER_ENTRY)
    needle_lots = forms.CharField(label="Needle lot(s)", required=False, max_length=2000)
    ultrasound_guided = forms.BooleanField(label="Ultrasound-guided", required=False)

    def __init__(self, *args: Any, default_lot: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.default_lot = default_lot.strip()[:40]
        self.fields["muscle"].choices = muscle_choices()
        self.diameters, self.lengths = NEEDLE_DIAMETERS, NEEDLE_LENGTHS
        self.fields["needle_diameter_mm"].widget.attrs.update({"list": "needle-diameters", "step": "0.01"})
        self.fields["needle_length_mm"].widget.attrs.update({"list": "needle-lengths", "step": "0.5"})
        self.fields["needle_lots"].widget.attrs.update({"autocomplete": "off", "placeholder": "lot for this visit"})
        if not self.is_bound:
            self.initial.setdefault("technique", "deep")
            self.initial.setdefault("manipulation", "pistoning")
            self.initial.setdefault("needle_diameter_mm", "0.30")
            self.initial.setdefault("needles_used", 1)

    @staticmethod
    def initial_from(entry: NeedleInsertion) -> dict[str, Any]:
        retention = entry.retention_seconds
        return {
            "muscle": entry.muscle_id,
            "side": entry.side,
            "technique": entry.technique,
            "needle_diameter_mm": entry.needle_diameter_mm,
            "needle_length_mm": _plain(entry.needle_length_mm),
            "depth_mm": _plain(entry.depth_mm),
            "approach": entry.approach,
            "manipulation": entry.manipulation,
            "ltr_count": entry.ltr_count,
            "retention_minutes": _plain(
                (Decimal(retention) / 60).quantize(Decimal("0.01")) if retention is not None else None
            ),
            "electrical_stimulation": entry.electrical_stimulation,
            "estim_frequency_hz": entry.estim_frequency_hz,
            "estim_pulse_width_us": entry.estim_pulse_width_us,
            "estim_intensity_ma": entry.estim_intensity_ma,
            "estim_minutes": entry.estim_minutes,
            "needles_used": entry.needles_used,
            "needle_lots": ", ".join(entry.needle_lots),
            "ultrasound_guided": entry.ultrasound_guided,
        }

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        estim = bool(data.get("electrical_stimulation"))
        minutes = data.get("retention_minutes")
        lots = _lots(data.get("needle_lots") or "") or ([self.default_lot] if self.default_lot else [])
        out = {
            "muscle": data.get("muscle"),
            "side": data.get("side"),
            "technique": data.get("technique"),
            "needle_diameter_mm": data.get("needle_diameter_mm"),
            "needle_length_mm": data.get("needle_length_mm"),
            "depth_mm": data.get("depth_mm"),
            "approach": data.get("approach") or "",
            "manipulation": data.get("manipulation"),
            "ltr_count": data.get("ltr_count"),
            "retention_seconds": None if minutes is None else int((minutes * 60).to_integral_value()),
            "electrical_stimulation": estim,
            "needles_used": data.get("needles_used"),
            "needle_lots": lots,
            "ultrasound_guided": bool(data.get("ultrasound_guided")),
        }
        for key in ("estim_frequency_hz", "estim_pulse_width_us", "estim_intensity_ma", "estim_minutes"):
            out[key] = data.get(key) if estim else None
        return out

    def partial_data(self) -> dict[str, Any]:
        """What can be checked of a half-filled entry (for the live safety check)."""
        self.is_valid()
        typed = {k: v for k, v in self.cleaned_data.items() if k in self.fields}
        self.cleaned_data = typed
        data = self.service_data()
        return {k: v for k, v in data.items() if v not in (None, "") or k in ("depth_mm",)}


class CoInterventionForm(ServiceErrors, forms.Form):
    prefix = "co"
    kind = forms.ChoiceField(label="Treatment", choices=[("", "Choose…"), *CoIntervention.Kind.choices])
    details = forms.CharField(label="Details", required=False, max_length=500)


class AdverseEventForm(ServiceErrors, forms.Form):
    prefix = "ae"
    kind = forms.ChoiceField(label="What happened", choices=[("", "Choose…"), *AdverseEventKind.choices])
    severity = forms.ChoiceField(label="Severity", choices=Severity.choices, widget=forms.RadioSelect)
    description = forms.CharField(label="Description", required=False, max_length=1000)
    action_taken = forms.CharField(
        label="Action taken", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    occurred_on = forms.DateField(
        label="Occurred on", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    follow_up_due = forms.DateField(
        label="Follow-up due", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, visit_date: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("occurred_on", visit_date or timezone.localdate())

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class AddendumForm(ServiceErrors, forms.Form):
    text = forms.CharField(
        label="Addendum",
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "A correction or addition, dated and signed by you"}),
    )


class SignForm(ServiceErrors, forms.Form):
    needles_opened = forms.IntegerField(label="Needles opened", min_value=0, max_value=500)
    needles_removed = forms.IntegerField(label="Needles removed and disposed of", min_value=0, max_value=500)

    def __init__(self, *args: Any, auto_opened: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("needles_opened", "needles_removed"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"
        if auto_opened:  # pre-filled from the needle log: visit.js keeps it in step until edited
            self.fields["needles_opened"].widget.attrs["data-auto"] = ""
