"""The outbox worker: claims due messages with a conditional UPDATE and sends them by e-mail.

Safe to run twice (or ten times): a worker owns a message only if its
``UPDATE ... WHERE id = ? AND status = 'pending'`` changed the row, which the database lets one
writer do. This works the same on SQLite (writers queue) and PostgreSQL (row locks).

A message that fails to send goes back to waiting with a growing delay and fails for good after
:data:`MAX_ATTEMPTS`. A claim older than :data:`CLAIM_TIMEOUT` (a worker died mid-send) is taken
over; that message may then go out twice, which is the price of never losing one.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from needlepoint.audit import services as audit
from needlepoint.outbox.handlers import builder_for
from needlepoint.outbox.models import OutboxMessage

log = logging.getLogger(__name__)

CLAIM_TIMEOUT = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 5
RETRY_DELAY = dt.timedelta(minutes=5)

Status = OutboxMessage.Status


@dataclass
class BatchResult:
    claimed: int = 0
    sent: int = 0
    cancelled: int = 0
    retried: int = 0
    failed: int = 0

    def add(self, other: BatchResult) -> None:
        for name in ("claimed", "sent", "cancelled", "retried", "failed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}:{uuid.uuid4().hex[:6]}"


def _claimable(now: dt.datetime) -> Q:
    return Q(status=Status.PENDING, due_at__lte=now) | Q(status=Status.CLAIMED, claimed_at__lt=now - CLAIM_TIMEOUT)


def due_ids(*, now: dt.datetime, limit: int) -> list[uuid.UUID]:
    """Messages that are due (or whose claim went stale), oldest first. Reading is not owning."""
    return list(OutboxMessage.objects.filter(_claimable(now)).order_by("due_at").values_list("pk", flat=True)[:limit])


def claim(ids: list[uuid.UUID], worker_id: str, *, now: dt.datetime) -> list[uuid.UUID]:
    """Try to own each message; return the ones this worker now owns."""
    owned = []
    for pk in ids:
        changed = OutboxMessage.objects.filter(_claimable(now), pk=pk).update(
            status=Status.CLAIMED, claimed_by=worker_id, claimed_at=now, attempts=F("attempts") + 1
        )
        if changed == 1:
            owned.append(pk)
    return owned


def _finish(pk: uuid.UUID, worker_id: str, **fields: object) -> bool:
    return OutboxMessage.objects.filter(pk=pk, status=Status.CLAIMED, claimed_by=worker_id).update(**fields) == 1


def deliver(pk: uuid.UUID, worker_id: str) -> str:
    """Build and send one owned message; returns what happened: sent, cancelled, retried, failed."""
    message = OutboxMessage.objects.select_related("patient").get(pk=pk)
    build = builder_for(message.kind)
    if build is None:
        _finish(pk, worker_id, status=Status.FAILED, last_error=f"no builder registered for {message.kind!r}")
        return "failed"
    try:
        email = build(message)
        if email is None:
            _finish(pk, worker_id, status=Status.CANCELLED, last_error="nothing to send any more")
            return "cancelled"
        if not email.to:
            _finish(pk, worker_id, status=Status.CANCELLED, last_error="the patient has no e-mail address")
            return "cancelled"
        email.send(fail_silently=False)
    except Exception as exc:  # any failure of a backend is retried, then reported
        error = f"{type(exc).__name__}: {exc}"[:500]
        log.warning("outbox message %s failed: %s", pk, error)
        if message.attempts >= MAX_ATTEMPTS:
            _finish(pk, worker_id, status=Status.FAILED, last_error=error)
            return "failed"
        _finish(
            pk,
            worker_id,
            status=Status.PENDING,
            due_at=timezone.now() + RETRY_DELAY * message.attempts,
            last_error=error,
        )
        return "retried"
    with transaction.atomic():
        if _finish(pk, worker_id, status=Status.SENT, sent_at=timezone.now(), sent_to=", ".join(email.to)[:254]):
            message.refresh_from_db()
            audit.record(
                audit.Action.SEND,
                audit.subject_of(message, patient_id=message.patient_id),
                clinic_id=message.clinic_id,
                after={"kind": message.kind, "subject_id": message.subject_id, "to": message.sent_to},
            )
    return "sent"


def run_once(worker_id: str | None = None, *, now: dt.datetime | None = None, limit: int = 50) -> BatchResult:
    """Claim and send one batch of due messages."""
    worker_id = worker_id or default_worker_id()
    now = now or timezone.now()
    result = BatchResult()
    owned = claim(due_ids(now=now, limit=limit), worker_id, now=now)
    result.claimed = len(owned)
    for pk in owned:
        outcome = deliver(pk, worker_id)
        setattr(result, outcome, getattr(result, outcome) + 1)
    return result


def run(
    worker_id: str | None = None,
    *,
    interval: float = 30.0,
    stop: threading.Event | None = None,
    on_batch: Callable[[BatchResult], None] | None = None,
) -> None:
    """Loop until ``stop`` is set: send what is due, then sleep ``interval`` seconds.

    A full batch is followed at once by the next, so a backlog drains without waiting.
    """
    worker_id = worker_id or default_worker_id()
    stop = stop or threading.Event()
    while not stop.is_set():
        result = run_once(worker_id)
        if on_batch is not None:
            on_batch(result)
        if result.claimed == 0:
            stop.wait(interval)
