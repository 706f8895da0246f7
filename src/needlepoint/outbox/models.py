"""Messages waiting to go out: reminders and questionnaire invitations, each a row with a due time.

The ``needlepoint worker`` command sends them (see :mod:`needlepoint.outbox.worker`). A row is
claimed with a conditional UPDATE, so any number of workers may run at once and each message goes
out once.
"""

from __future__ import annotations

import uuid

from django.db import models

from needlepoint.accounts.models import Clinic
from needlepoint.patients.models import Patient


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        CLAIMED = "claimed", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=40, help_text="Which handler builds the message")
    subject_id = models.CharField(max_length=64, help_text="The id of what the message is about")
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    claimed_by = models.CharField(max_length=80, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_to = models.CharField(max_length=254, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at"]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["kind", "subject_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.subject_id} due {self.due_at:%Y-%m-%d %H:%M} ({self.status})"
