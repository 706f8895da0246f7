"""Trigger-point findings (one per muscle and side) and the co-interventions of a visit, row by row.

Each call takes the ``version`` of the note the writer saw; the returned row's ``.visit`` carries
the new version.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from needlepoint.accounts.models import User
from needlepoint.audit import services as audit
from needlepoint.errors import InvalidInput
from needlepoint.visits.models import CoIntervention, TriggerPointFinding, Visit
from needlepoint.visits.services.common import (
    audit_row,
    check_muscle_side,
    draft_for_change,
    row_of,
    touch,
    unknown_fields,
    validation_errors,
)

FINDING_FIELDS = (
    "muscle",
    "side",
    "activity",
    "taut_band",
    "tender_nodule",
    "referred_pain",
    "local_twitch_response",
    "notes",
)
FLAGS = ("taut_band", "tender_nodule", "referred_pain", "local_twitch_response")


# --- trigger-point findings -----------------------------------------------------------------


def _apply_finding(finding: TriggerPointFinding, data: Mapping[str, Any]) -> None:
    errors = unknown_fields(data, FINDING_FIELDS)
    muscle = data.get("muscle", finding.muscle_id)
    side = data.get("side", finding.side)
    check_muscle_side(muscle, side, errors)
    for flag in FLAGS:
        if flag in data and not isinstance(data[flag], bool):
            errors[flag] = ["must be true or false"]
    for key in ("activity", *FLAGS):
        if key in data and key not in errors:
            setattr(finding, key, data[key])
    if "notes" in data:
        finding.notes = data["notes"] or ""
    exclude = ["visit", "muscle_id", "side", *[k for k in FLAGS if k in errors]]
    for key, messages in validation_errors(finding, exclude=exclude).items():
        errors.setdefault(key, messages)
    if errors:
        raise InvalidInput(errors)
    finding.muscle_id, finding.side = muscle, side
    duplicate = (
        TriggerPointFinding.objects.filter(visit_id=finding.visit_id, muscle_id=muscle, side=side)
        .exclude(pk=finding.pk)
        .exists()
    )
    if duplicate:
        raise InvalidInput({"muscle": [f"{muscle} ({side}) already has a finding in this note: change that one"]})


@transaction.atomic
def add_finding(actor: User, visit_id: Any, version: Any, data: Mapping[str, Any]) -> TriggerPointFinding:
    """A trigger-point finding for one muscle and side (active or latent, and what palpation found)."""
    visit = draft_for_change(actor, visit_id, version)
    if data.get("activity") in (None, ""):
        raise InvalidInput({"activity": ["active or latent"]})
    finding = TriggerPointFinding(visit=visit)
    _apply_finding(finding, data)
    finding.save()
    touch(visit, actor)
    audit_row(audit.Action.CREATE, finding, actor, visit, after=audit.snapshot(finding))
    return finding


@transaction.atomic
def update_finding(
    actor: User, visit_id: Any, version: Any, finding_id: Any, data: Mapping[str, Any]
) -> TriggerPointFinding:
    visit = draft_for_change(actor, visit_id, version)
    finding = row_of(TriggerPointFinding, visit, finding_id, "finding")
    before = audit.snapshot(finding)
    _apply_finding(finding, data)
    old, new = audit.changed(before, audit.snapshot(finding))
    finding.save()
    touch(visit, actor)
    audit_row(audit.Action.UPDATE, finding, actor, visit, before=old, after=new)
    return finding


@transaction.atomic
def remove_finding(actor: User, visit_id: Any, version: Any, finding_id: Any) -> Visit:
    visit = draft_for_change(actor, visit_id, version)
    finding = row_of(TriggerPointFinding, visit, finding_id, "finding")
    before = audit.snapshot(finding)
    subject = audit.subject_of(finding, patient_id=visit.patient_id)
    finding.delete()
    touch(visit, actor)
    audit.record(audit.Action.DELETE, subject, actor=actor, clinic_id=visit.clinic_id, before=before)
    return visit


# --- co-interventions -----------------------------------------------------------------------


@transaction.atomic
def add_co_intervention(actor: User, visit_id: Any, version: Any, data: Mapping[str, Any]) -> CoIntervention:
    """Another treatment given in the same visit: {"kind": ..., "details": "..."}."""
    visit = draft_for_change(actor, visit_id, version)
    errors = unknown_fields(data, ("kind", "details"))
    if data.get("kind") not in CoIntervention.Kind.values:
        errors["kind"] = [f"one of: {', '.join(CoIntervention.Kind.values)}"]
    if errors:
        raise InvalidInput(errors)
    row = CoIntervention(visit=visit, kind=data["kind"], details=data.get("details") or "")
    problems = validation_errors(row, exclude=["visit"])
    if problems:
        raise InvalidInput(problems)
    row.save()
    touch(visit, actor)
    audit_row(audit.Action.CREATE, row, actor, visit, after=audit.snapshot(row))
    return row


@transaction.atomic
def remove_co_intervention(actor: User, visit_id: Any, version: Any, co_intervention_id: Any) -> Visit:
    visit = draft_for_change(actor, visit_id, version)
    row = row_of(CoIntervention, visit, co_intervention_id, "co-intervention")
    before = audit.snapshot(row)
    subject = audit.subject_of(row, patient_id=visit.patient_id)
    row.delete()
    touch(visit, actor)
    audit.record(audit.Action.DELETE, subject, actor=actor, clinic_id=visit.clinic_id, before=before)
    return visit
