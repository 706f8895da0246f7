from __future__ import annotations

from typing import Any

from django import forms

from needlepoint.accounts.models import Role, Site, User
from needlepoint.errors import InvalidInput
from needlepoint.patients.models import Patient


class PatientForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = [
            "given_name",
            "family_name",
            "preferred_name",
            "date_of_birth",
            "sex",
            "email",
            "phone",
            "address",
            "height_cm",
            "weight_kg",
            "home_site",
            "primary_clinician",
        ]
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}),
            "address": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"height_cm": "Height (cm)", "weight_kg": "Weight (kg)"}

    def __init__(self, *args: Any, clinic_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["home_site"].queryset = Site.objects.filter(clinic_id=clinic_id, is_active=True)  # type: ignore[attr-defined]
        self.fields["primary_clinician"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            clinic_id=clinic_id, role=Role.CLINICIAN, is_active=True
        )
        self.fields["primary_clinician"].label_from_instance = lambda u: u.display_name  # type: ignore[attr-defined]

    def _post_clean(self) -> None:
        # Validation of the instance happens in the service (one place for web, API and CLI).
        pass

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        site = data.pop("home_site", None)
        clinician = data.pop("primary_clinician", None)
        data["home_site_id"] = site.pk if site else None
        data["primary_clinician_id"] = clinician.pk if clinician else None
        return data

    def add_service_errors(self, exc: InvalidInput) -> None:
        for field, messages in exc.errors.items():
            name = field.removesuffix("_id")
            target = name if name in self.fields else None
            for message in messages:
                self.add_error(target, message)
