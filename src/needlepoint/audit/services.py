"""Writing and verifying the audit trail.

Every write of patient data and every read of a chart calls :func:`record` inside the same
transaction as the change, so an audit row exists exactly when the change does.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from needlepoint.audit.chain import GENESIS, ChainBreak, canonical_json, row_hash, verify_rows
from needlepoint.audit.context import current_request_id
from needlepoint.audit.models import AuditChainHead, AuditEvent

Action = AuditEvent.Action
SECRET_FIELDS = frozenset({"password", "token_hash"})


def _json_safe(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_safe(v) for v in value]
    return value


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The concrete field values of a model instance as JSON-ready data (secrets left out)."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in SECRET_FIELDS:
            continue
        data[field.attname] = _json_safe(getattr(instance, field.attname))
    return data


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that differ, for compact update rows."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def _actor_fields(actor: Any) -> tuple[int | None, str, str, int | None]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, "", "", None
    name = actor.get_full_name() or actor.get_username()
    return actor.pk, name[:200], getattr(actor, "role", "") or "", getattr(actor, "clinic_id", None)


def _normalise(value: Any) -> Any:
    # Store exactly what is hashed: JSON round-trip removes tuples, Decimals, dates.
    return None if value is None else json.loads(canonical_json(_json_safe(value)))


@dataclass(frozen=True)
class Subject:
    """What an audit row is about."""

    object_type: str
    object_id: str
    object_repr: str
    patient_id: str = ""


def subject_of(instance: models.Model, *, patient_id: Any = None) -> Subject:
    meta = instance._meta
    pid = patient_id
    if pid is None and meta.label_lower == "patients.patient":
        pid = instance.pk
    elif pid is None and hasattr(instance, "patient_id"):
        pid = instance.patient_id
    return Subject(
        object_type=meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        patient_id="" if pid is None else str(pid),
    )


def record(
    action: str,
    subject: Subject | models.Model,
    *,
    actor: Any = None,
    clinic_id: int | None = None,
    before: Any = None,
    after: Any = None,
) -> AuditEvent:
    """Append one audit event. Must run inside the caller's transaction."""
    if isinstance(subject, models.Model):
        subject = subject_of(subject)
    actor_id, actor_name, actor_role, actor_clinic = _actor_fields(actor)
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS})
        event = AuditEvent(
            seq=head.seq + 1,
            occurred_at=timezone.now().astimezone(dt.UTC),
            actor_id=actor_id,
            actor_name=actor_name,
            actor_role=actor_role,
            clinic_id=clinic_id if clinic_id is not None else actor_clinic,
            request_id=current_request_id(),
            action=action,
            object_type=subject.object_type,
            object_id=subject.object_id,
            object_repr=subject.object_repr,
            patient_id=subject.patient_id,
            before=_normalise(before),
            after=_normalise(after),
            prev_hash=head.hash,
        )
        event.hash = row_hash(event.hashed_fields(), head.hash)
        event.save()
        AuditChainHead.objects.filter(pk=1).update(seq=event.seq, hash=event.hash)
    return event


def record_update(instance: models.Model, before: dict[str, Any], *, actor: Any) -> AuditEvent:
    """Record what changed on ``instance`` since the ``before`` snapshot (only the changed fields)."""
    old, new = changed(before, snapshot(instance))
    return record(
        Action.UPDATE, instance, actor=actor, clinic_id=getattr(instance, "clinic_id", None), before=old, after=new
    )


def _iter_rows(batch: int = 2000) -> Iterator[tuple[int, dict[str, Any], str, str]]:
    last = 0
    while True:
        rows = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not rows:
            return
        for row in rows:
            yield row.pk, row.hashed_fields(), row.prev_hash, row.hash
        last = rows[-1].seq


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    total: int
    broken: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def verify_chain() -> VerifyResult:
    """Walk the whole chain; report the first row that was altered, removed or reordered."""
    total = AuditEvent.objects.count()
    checked, broken = verify_rows(_iter_rows())
    if broken is None:
        head = AuditChainHead.objects.filter(pk=1).first()
        last = AuditEvent.objects.order_by("-seq").first()
        if head is not None and last is not None and head.seq != last.seq:
            broken = ChainBreak(
                head.seq,
                last.pk,
                f"the chain head says {head.seq} rows but the last row is {last.seq}: rows were removed from the end",
            )
        elif head is not None and last is None and head.seq > 0:
            broken = ChainBreak(head.seq, 0, "all audit rows are missing")
    return VerifyResult(checked=checked, total=total, broken=broken)


@dataclass(frozen=True)
class EventPage:
    items: list[AuditEvent]
    page: int
    has_next: bool


def clinic_events(
    viewer: Any, *, page: int = 1, actor: str = "", action: str = "", patient: str = "", page_size: int = 50
) -> EventPage:
    """One clinic's audit events for its administrator (newest first)."""
    qs = AuditEvent.objects.filter(clinic_id=viewer.clinic_id)
    if actor:
        qs = qs.filter(actor_name__icontains=actor)
    if action in Action.values:
        qs = qs.filter(action=action)
    if patient:
        qs = qs.filter(patient_id=patient)
    start = (page - 1) * page_size
    rows = list(qs.order_by("-seq")[start : start + page_size + 1])
    return EventPage(items=rows[:page_size], page=page, has_next=len(rows) > page_size)
