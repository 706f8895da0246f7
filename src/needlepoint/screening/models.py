"""Stored screenings (immutable once written) and clinicians' overrides of relative findings."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import models

from needlepoint.accounts.models import Clinic, User
from needlepoint.patients.models import Patient
from needlepoint.patients.scoping import PatientScopedQuerySet


class ScreeningQuerySet(PatientScopedQuerySet):
    pass


class Screening(models.Model):
    class Channel(models.TextChoices):
        PORTAL = "portal", "Patient portal"
        CLINIC = "clinic", "At the clinic"
        API = "api", "API"

    class Status(models.TextChoices):
        CONTRAINDICATED = "contraindicated", "Contraindicated"
        PRECAUTIONS = "precautions", "Precautions"
        CLEAR = "clear", "Clear"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="screenings")
    questionnaire_version = models.CharField(max_length=20)
    answers = models.JSONField()
    plan = models.JSONField(null=True, blank=True)
    result = models.JSONField()  # the contract's result shape, as evaluated
    status = models.CharField(max_length=20, choices=Status.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    completed_at = models.DateTimeField()
    valid_days = models.PositiveSmallIntegerField()
    entered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    objects = ScreeningQuerySet.as_manager()

    class Meta:
        ordering = ["-completed_at"]
        indexes = [models.Index(fields=["patient", "-completed_at"])]

    def __str__(self) -> str:
        return f"Screening {self.completed_at:%Y-%m-%d} ({self.status})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("a screening is never changed; answer again to make a new one")
        super().save(*args, **kwargs)

    @property
    def expires_at(self) -> dt.datetime:
        return self.completed_at + dt.timedelta(days=self.valid_days)


class ScreeningOverride(models.Model):
    """A clinician's decision to go ahead despite a relative finding, with the reason."""

    screening = models.ForeignKey(Screening, on_delete=models.PROTECT, related_name="overrides")
    rule_id = models.CharField(max_length=60)
    reason = models.TextField()
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_at"]
        constraints = [models.UniqueConstraint(fields=["screening", "rule_id"], name="one_override_per_finding")]

    def __str__(self) -> str:
        return f"Override of {self.rule_id}"
