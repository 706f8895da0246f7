"""Forms of the schedule and the portal's booking pages: parse what was typed into the services'
input. Each form checks types and ranges only; the services decide whether a booking may be made,
and their ``InvalidInput`` errors are put back next to the fields they name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django import forms

from needlepoint.accounts.models import Site, User
from needlepoint.patients.models import Patient
from needlepoint.scheduling import rules
from needlepoint.scheduling.models import Appointment

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M")


class ServiceErrors:
    """Mixin: put a service's ``InvalidInput.errors`` next to the form's fields."""

    #: service field name -> form field name
    service_fields: Mapping[str, str] = {}

    def add_service_errors(self, errors: Mapping[str, Sequence[str]]) -> None:
        form: Any = self
        for key, messages in errors.items():
            name = self.service_fields.get(key, key)
            for message in messages:
                if name in form.fields:
                    form.add_error(name, message)
                else:
                    form.add_error(None, message if key == "__all__" else f"{key.replace('_', ' ')}: {message}")


def _people(users: Iterable[User]) -> list[tuple[str, str]]:
    return [(str(u.pk), u.display_name) for u in users]


def _sites(sites: Iterable[Site]) -> list[tuple[str, str]]:
    return [(str(s.pk), s.name) for s in sites]


class WhenFields(forms.Form):
    """A day and a time of day, read in the clinic's time zone."""

    day = forms.DateField(label="Day", widget=DATE_INPUT)
    time = forms.TimeField(label="Time", widget=TIME_INPUT)

    def starts_at(self, booking: rules.BookingRules) -> dt.datetime:
        return rules.at(booking, self.cleaned_data["day"], self.cleaned_data["time"])


class BookingForm(ServiceErrors, WhenFields):
    """Staff book an appointment (from the schedule, or from a patient's page)."""

    service_fields = {
        "patient_id": "patient",
        "clinician_id": "clinician",
        "site_id": "site",
        "starts_at": "time",
        "duration_minutes": "duration_minutes",
    }

    patient = forms.ChoiceField(label="Patient", choices=())
    clinician = forms.ChoiceField(label="Clinician", choices=())
    site = forms.ChoiceField(label="Site", choices=())
    kind = forms.ChoiceField(
        label="Kind", choices=Appointment.Kind.choices, initial=Appointment.Kind.FOLLOW_UP, widget=forms.RadioSelect
    )
    duration_minutes = forms.IntegerField(
        label="Length (minutes)",
        min_value=5,
        max_value=240,
        required=False,
        help_text="Evaluation 60, follow-up 30 unless you change it.",
        widget=forms.NumberInput(attrs={"step": 5, "data-length": ""}),
    )
    reason = forms.CharField(label="Reason", max_length=200, required=False)

    field_order = ["patient", "clinician", "site", "kind", "day", "time", "duration_minutes", "reason"]

    def __init__(
        self,
        *args: Any,
        patients: Iterable[Patient],
        clinicians: Iterable[User],
        sites: Iterable[Site],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["patient"].choices = [("", "Choose a patient…")] + [
            (str(p.pk), f"{p.family_name}, {p.given_name} ({p.chart_number})") for p in patients
        ]
        self.fields["clinician"].choices = [("", "Choose a clinician…"), *_people(clinicians)]
        self.fields["site"].choices = _sites(sites)
        self.fields["kind"].widget.attrs["data-kind"] = ""
        if not self.is_bound:
            kind = self.initial.get("kind") or Appointment.Kind.FOLLOW_UP
            self.initial.setdefault("duration_minutes", rules.default_minutes(str(kind)))

    def service_data(self, booking: rules.BookingRules) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "patient_id": data["patient"],
            "clinician_id": int(data["clinician"]),
            "site_id": int(data["site"]),
            "kind": data["kind"],
            "starts_at": self.starts_at(booking),
            "duration_minutes": data["duration_minutes"] or None,
            "reason": data["reason"],
        }


class RescheduleForm(ServiceErrors, WhenFields):
    service_fields = {"clinician_id": "clinician", "site_id": "site", "starts_at": "time"}

    clinician = forms.ChoiceField(label="Clinician", choices=())
    site = forms.ChoiceField(label="Site", choices=())
    duration_minutes = forms.IntegerField(label="Length (minutes)", min_value=5, max_value=240)

    field_order = ["day", "time", "clinician", "site", "duration_minutes"]

    def __init__(self, *args: Any, clinicians: Iterable[User], sites: Iterable[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["clinician"].choices = _people(clinicians)
        self.fields["site"].choices = _sites(sites)

    def service_data(self, booking: rules.BookingRules) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "starts_at": self.starts_at(booking),
            "clinician_id": int(data["clinician"]),
            "site_id": int(data["site"]),
            "duration_minutes": data["duration_minutes"],
        }


class CancelForm(ServiceErrors, forms.Form):
    reason = forms.CharField(
        label="Reason for cancelling",
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "e.g. patient unwell, clinician away"}),
    )

    def __init__(self, *args: Any, required: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required
        if not required:
            self.fields["reason"].label = "Reason (optional)"
            self.fields["reason"].widget.attrs["placeholder"] = ""


class SlotSearchForm(ServiceErrors, forms.Form):
    """The portal's booking page: where, with whom, what, and which week (read from the query)."""

    service_fields = {"site_id": "site", "clinician_id": "clinician"}

    site = forms.ChoiceField(label="Where", choices=())
    clinician = forms.ChoiceField(label="With", choices=(), required=False)
    kind = forms.ChoiceField(label="What", choices=(), initial=Appointment.Kind.FOLLOW_UP)
    day = forms.DateField(label="From", widget=DATE_INPUT, required=False)

    def __init__(
        self,
        *args: Any,
        sites: Iterable[Site],
        clinicians: Iterable[User],
        kinds: Iterable[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        site_choices = _sites(sites)
        self.fields["site"].choices = site_choices
        if site_choices:
            self.fields["site"].initial = site_choices[0][0]
        self.fields["clinician"].choices = [("", "Any clinician"), *_people(clinicians)]
        self.fields["kind"].choices = list(kinds)


class OwnBookingForm(ServiceErrors, forms.Form):
    """The patient confirms a free time."""

    service_fields = {"site_id": "site", "clinician_id": "clinician"}

    site = forms.IntegerField(widget=forms.HiddenInput)
    clinician = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(choices=Appointment.Kind.choices, widget=forms.HiddenInput)
    starts_at = forms.DateTimeField(widget=forms.HiddenInput)

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "site_id": data["site"],
            "clinician_id": data["clinician"],
            "kind": data["kind"],
            "starts_at": data["starts_at"],
        }


WEEKDAYS = [("1", "Mon"), ("2", "Tue"), ("3", "Wed"), ("4", "Thu"), ("5", "Fri"), ("6", "Sat"), ("7", "Sun")]


class BookingRulesForm(ServiceErrors, forms.Form):
    """The clinic administrator's page: opening hours, the grid, what patients may do online."""

    service_fields = {"open_weekdays": "open_days"}

    opens_at = forms.TimeField(label="Opens at", widget=TIME_INPUT)
    closes_at = forms.TimeField(label="Closes at", widget=TIME_INPUT)
    open_days = forms.MultipleChoiceField(label="Open on", choices=WEEKDAYS, widget=forms.CheckboxSelectMultiple)
    slot_minutes = forms.IntegerField(
        label="Appointment grid (minutes)",
        min_value=5,
        max_value=120,
        help_text="Appointments start on this grid, counted from opening time.",
    )
    online_booking_days_ahead = forms.IntegerField(label="Book online up to (days ahead)", min_value=1, max_value=365)
    online_booking_notice_hours = forms.IntegerField(
        label="Least notice to book online (hours)", min_value=0, max_value=336
    )
    online_cancel_notice_hours = forms.IntegerField(
        label="Cancel online up to (hours before)",
        min_value=0,
        max_value=336,
        help_text="Later, patients are asked to phone the site.",
    )
    online_evaluations = forms.BooleanField(label="Patients may book an evaluation online", required=False)
    online_sites = forms.MultipleChoiceField(
        label="Sites that take online bookings", required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args: Any, sites: Iterable[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["online_sites"].choices = _sites(sites)

    @classmethod
    def initial_for(cls, clinic: Any, sites: Iterable[Site]) -> dict[str, Any]:
        return {
            "opens_at": clinic.opens_at,
            "closes_at": clinic.closes_at,
            "open_days": list(clinic.open_weekdays),
            "slot_minutes": clinic.slot_minutes,
            "online_booking_days_ahead": clinic.online_booking_days_ahead,
            "online_booking_notice_hours": clinic.online_booking_notice_hours,
            "online_cancel_notice_hours": clinic.online_cancel_notice_hours,
            "online_evaluations": clinic.online_evaluations,
            "online_sites": [str(s.pk) for s in sites if s.online_booking],
        }

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["open_weekdays"] = "".join(sorted(data.pop("open_days")))
        data.pop("online_sites")
        return data

    def online_site_ids(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data["online_sites"]]
