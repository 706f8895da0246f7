"""The patient record: demographics and body measures."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from needlepoint.accounts.models import Clinic, Site, User
from needlepoint.clinical import anthropometry
from needlepoint.patients.scoping import PatientScopedQuerySet


class PatientQuerySet(PatientScopedQuerySet):
    patient_path = ""

    def search(self, text: str) -> PatientQuerySet:
        qs = self
        for word in text.split()[:5]:
            qs = qs.filter(
                models.Q(family_name__icontains=word)
                | models.Q(given_name__icontains=word)
                | models.Q(preferred_name__icontains=word)
                | models.Q(chart_number__iexact=word)
            )
        return qs


def _not_in_future(value: dt.date) -> None:
    if value > timezone.localdate():
        raise ValidationError("Date of birth cannot be in the future.")
    if value.year < 1900:
        raise ValidationError("Date of birth must be after 1900.")


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    INTERSEX = "intersex", "Intersex"
    UNKNOWN = "unknown", "Not recorded"


class Patient(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="patients", editable=False)
    chart_number = models.CharField(max_length=20, editable=False)
    home_site = models.ForeignKey(Site, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(validators=[_not_in_future])
    sex = models.CharField(max_length=10, choices=Sex.choices, help_text="Sex recorded for clinical purposes")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    height_cm = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(anthropometry.HEIGHT_CM_RANGE[0]),
            MaxValueValidator(anthropometry.HEIGHT_CM_RANGE[1]),
        ],
    )
    weight_kg = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(anthropometry.WEIGHT_KG_RANGE[0]),
            MaxValueValidator(anthropometry.WEIGHT_KG_RANGE[1]),
        ],
    )
    user = models.OneToOneField(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="patient_record")
    primary_clinician = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "chart_number"], name="chart_number_unique_in_clinic"),
        ]
        indexes = [models.Index(fields=["clinic", "family_name", "given_name"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def age(self) -> int:
        return anthropometry.age_on(self.date_of_birth, timezone.localdate())

    @property
    def bmi(self) -> Decimal | None:
        return anthropometry.bmi(self.height_cm, self.weight_kg)

    @property
    def bmi_category(self) -> str | None:
        return anthropometry.bmi_category(self.bmi)
