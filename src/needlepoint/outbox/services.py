"""Putting messages in the outbox and taking them back out."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from needlepoint.outbox.models import OutboxMessage


def enqueue(
    *, clinic_id: int, patient_id: object | None, kind: str, subject_id: object, due_at: dt.datetime
) -> OutboxMessage:
    """Add a message due at ``due_at`` (the caller's transaction decides whether it stays)."""
    if timezone.is_naive(due_at):
        raise ValueError("due_at needs a time zone")
    return OutboxMessage.objects.create(
        clinic_id=clinic_id, patient_id=patient_id, kind=kind, subject_id=str(subject_id), due_at=due_at
    )


def cancel_pending(kind: str, subject_id: object) -> int:
    """Cancel messages of ``kind`` about ``subject_id`` that have not gone out; returns how many."""
    return OutboxMessage.objects.filter(
        kind=kind, subject_id=str(subject_id), status=OutboxMessage.Status.PENDING
    ).update(status=OutboxMessage.Status.CANCELLED)


def pending_for(kind: str, subject_id: object) -> list[OutboxMessage]:
    return list(
        OutboxMessage.objects.filter(kind=kind, subject_id=str(subject_id), status=OutboxMessage.Status.PENDING)
    )
