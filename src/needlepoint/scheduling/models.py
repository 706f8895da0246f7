"""Appointments: who sees whom, where and when."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from needlepoint.accounts.models import Clinic, Site, User
from needlepoint.patients.models import Patient
from needlepoint.patients.scoping import PatientScopedQuerySet


class AppointmentQuerySet(PatientScopedQuerySet):
    def between(self, start: dt.datetime, end: dt.datetime) -> AppointmentQuerySet:
        return self.filter(starts_at__gte=start, starts_at__lt=end)

    def holding_time(self) -> AppointmentQuerySet:
        """Appointments that take up the clinician's time (not cancelled, not missed)."""
        return self.exclude(status__in=[Appointment.Status.CANCELLED, Appointment.Status.NO_SHOW])


class Appointment(models.Model):
    class Kind(models.TextChoices):
        EVALUATION = "evaluation", "Evaluation"
        FOLLOW_UP = "follow_up", "Follow-up"

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        ARRIVED = "arrived", "Arrived"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"
        NO_SHOW = "no_show", "Did not attend"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="appointments")
    clinician = models.ForeignKey(User, on_delete=models.PROTECT, related_name="appointments")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="appointments")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.FOLLOW_UP)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.BOOKED)
    starts_at = models.DateTimeField(db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    reason = models.CharField(max_length=200, blank=True)
    booked_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    booked_online = models.BooleanField(default=False, help_text="Booked by the patient in the portal")
    arrived_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    cancel_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["clinic", "starts_at"]), models.Index(fields=["clinician", "starts_at"])]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at, zoneinfo.ZoneInfo(self.clinic.time_zone))
        return f"{self.get_kind_display()} {local:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)

    @property
    def is_open(self) -> bool:
        """Still booked: it can be moved, cancelled, or marked arrived or missed."""
        return self.status == self.Status.BOOKED
