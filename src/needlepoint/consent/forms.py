from __future__ import annotations

from typing import Any

from django import forms

from needlepoint.consent import content
from needlepoint.errors import InvalidInput


class ServiceErrorsMixin:
    """Show a service's InvalidInput on the fields it names."""

    aliases: dict[str, str] = {}

    def add_service_errors(self, exc: InvalidInput) -> None:
        for field, messages in exc.errors.items():
            name = self.aliases.get(field, field)
            target = name if name in self.fields else None  # type: ignore[attr-defined]
            for message in messages:
                self.add_error(target, message)  # type: ignore[attr-defined]


def _risk_label(effect: Any) -> str:
    band = content.BAND_LABELS.get(effect.band, effect.band).lower()
    return f"{effect.plain_name} ({band}{', serious' if effect.serious else ''})"


class ConsentFormEditForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(max_length=200)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text="Plain text. Leave a blank line between paragraphs.",
    )
    risk_ids = forms.MultipleChoiceField(
        label="Risks to explain",
        widget=forms.CheckboxSelectMultiple,
        help_text="Rates, timing and sources are copied from the knowledge base when the draft is saved.",
    )
    electrical_stimulation_text = forms.CharField(
        label="Electrical stimulation",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=(
            "What electrical stimulation adds, and who must not have it. Leave empty if the clinic does not use it."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["risk_ids"].choices = [(e.id, _risk_label(e)) for e in content.adverse_effect_choices()]  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, Any]:
        return {
            "title": self.cleaned_data["title"],
            "body": self.cleaned_data["body"],
            "risk_ids": list(self.cleaned_data["risk_ids"]),
            "electrical_stimulation_text": self.cleaned_data.get("electrical_stimulation_text", ""),
        }


class PublishForm(forms.Form):
    level = forms.ChoiceField(
        choices=[("minor", "Minor version"), ("major", "Major version")],
        widget=forms.RadioSelect,
    )
    confirm_major = forms.BooleanField(
        required=False,
        label="I understand that every patient must read and sign this version before their next needling.",
    )

    def __init__(self, *args: Any, has_published: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.has_published = has_published

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.has_published and data.get("level") == "major" and not data.get("confirm_major"):
            self.add_error("confirm_major", "Confirm that every patient will have to sign again.")
        return data


class SignForm(ServiceErrorsMixin, forms.Form):
    """The signing form. Required-ness is checked by the service, which names each field."""

    form_id = forms.IntegerField(widget=forms.HiddenInput)
    typed_name = forms.CharField(
        label="Your full name", max_length=200, required=False, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    signature = forms.CharField(
        required=False,
        widget=forms.HiddenInput,
        max_length=300_000,
        error_messages={"max_length": "The signature image is too large (the limit is 200 KB)."},
    )
    typed_name_is_signature = forms.BooleanField(
        required=False, label="I cannot draw a signature; my typed name is my signature."
    )
    confirmed = forms.BooleanField(
        required=False,
        label=(
            "I have read this form, I have had the chance to ask questions, and I agree to "
            "trigger-point dry needling as described."
        ),
    )

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "form_id": data.get("form_id"),
            "typed_name": data.get("typed_name") or "",
            "signature_data_url": data.get("signature") or "",
            "typed_name_is_signature": bool(data.get("typed_name_is_signature")),
            "confirmed": bool(data.get("confirmed")),
        }


class WithdrawForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
