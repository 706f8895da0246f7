"""Episodes of care: a condition from the atlas with its ICD-10-CM code, the affected regions,
goals, the planned course (sessions, interval) and the treatments given alongside needling."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from needlepoint.accounts.models import User
from needlepoint.audit import services as audit
from needlepoint.errors import Conflict, InvalidInput
from needlepoint.patients.services import find_patient
from needlepoint.visits.models import CoTreatment, DischargeReason, Episode, Visit
from needlepoint.visits.services.common import (
    check_region_side,
    clinic_today,
    find_episode,
    kb,
    require_clinician,
    unknown_fields,
    validation_errors,
)

EPISODE_FIELDS = (
    "condition",
    "icd10_code",
    "regions",
    "goals",
    "planned_sessions",
    "interval_weeks",
    "co_treatments",
    "opened_on",
)
REQUIRED = ("condition", "icd10_code", "planned_sessions")
SUMMARY_MAX = 2000
REOPEN_REASON_MAX = 300


def icd10_choices(condition_id: str) -> list[tuple[str, str]]:
    """The ICD-10-CM codes the atlas lists for a condition, as (code, label)."""
    condition = kb().conditions.get(condition_id)
    return [] if condition is None else [(c.code, c.label) for c in condition.icd10cm]


def _apply(episode: Episode, data: Mapping[str, Any]) -> None:
    errors = unknown_fields(data, EPISODE_FIELDS)
    condition_id = data.get("condition", episode.condition_id)
    code = data.get("icd10_code", episode.icd10_code)
    condition = kb().conditions.get(condition_id) if isinstance(condition_id, str) else None
    if condition is None:
        errors["condition"] = [f"{condition_id!r} is not a condition in the atlas"]
    else:
        codes = [c.code for c in condition.icd10cm]
        if code not in codes:
            listed = ", ".join(codes) or "none"
            errors["icd10_code"] = [
                f"{code!r} is not an ICD-10-CM code of {condition.name} (the atlas lists: {listed})"
            ]
    regions = data.get("regions", episode.regions)
    clean_regions: list[dict[str, Any]] = []
    if not isinstance(regions, list):
        errors["regions"] = ['a list of {"region": code, "side": "left" | "right" | null}']
    else:
        for i, item in enumerate(regions):
            if not isinstance(item, Mapping) or set(item) - {"region", "side"}:
                errors[f"regions.{i}"] = ['must be {"region": code, "side": ...}']
                continue
            check_region_side(item.get("region"), item.get("side"), errors, f"regions.{i}.")
            clean_regions.append({"region": item.get("region"), "side": item.get("side")})
        if len({(r["region"], r["side"]) for r in clean_regions}) != len(clean_regions):
            errors.setdefault("regions", []).append("a region and side is listed twice")
    co_treatments = data.get("co_treatments", episode.co_treatments)
    if not isinstance(co_treatments, list) or any(c not in CoTreatment.values for c in co_treatments):
        errors["co_treatments"] = [f"a list of: {', '.join(CoTreatment.values)}"]
    elif len(set(co_treatments)) != len(co_treatments):
        errors["co_treatments"] = ["a co-treatment is listed twice"]
    for key in ("goals", "planned_sessions", "interval_weeks", "opened_on"):
        if key in data:
            setattr(episode, key, "" if key == "goals" and data[key] is None else data[key])
    opened = data.get("opened_on")
    if isinstance(opened, dt.date) and opened > clinic_today(episode.clinic_id):
        errors["opened_on"] = ["cannot be in the future"]
    exclude = ["clinic", "patient", "created_by", "condition_id", "icd10_code", "regions", "co_treatments"]
    for key, messages in validation_errors(episode, exclude=exclude).items():
        errors.setdefault(key, messages)
    if errors:
        raise InvalidInput(errors)
    episode.condition_id = condition_id
    episode.icd10_code = code
    episode.regions = clean_regions
    episode.co_treatments = list(co_treatments)


@transaction.atomic
def create_episode(actor: User, patient_id: Any, data: Mapping[str, Any]) -> Episode:
    """Open an episode of care for a patient (clinicians)."""
    patient = find_patient(actor, patient_id)  # first: outsiders learn nothing
    require_clinician(actor, "open an episode of care")
    missing = {f: ["This field is required."] for f in REQUIRED if data.get(f) in (None, "")}
    if missing:
        raise InvalidInput(missing)
    episode = Episode(
        clinic_id=patient.clinic_id,
        patient=patient,
        created_by=actor,
        opened_on=clinic_today(patient.clinic_id),
        goals="",
        interval_weeks=1,
    )
    _apply(episode, data)
    episode.save()
    audit.record(audit.Action.CREATE, episode, actor=actor, clinic_id=episode.clinic_id, after=audit.snapshot(episode))
    return episode


def _refuse_if_discharged(episode: Episode, doing: str) -> None:
    if episode.closed_on is not None:
        raise Conflict(f"This episode of care was discharged on {episode.closed_on:%d %b %Y}; reopen it to {doing}.")


@transaction.atomic
def update_episode(actor: User, episode_id: Any, data: Mapping[str, Any]) -> Episode:
    """Change an episode's plan. Signed notes keep the ICD-10-CM code they were signed with. A
    discharged episode is history: reopen it first."""
    episode = find_episode(actor, episode_id, lock=True)
    require_clinician(actor, "change an episode of care")
    _refuse_if_discharged(episode, "change its plan")
    before = audit.snapshot(episode)
    _apply(episode, data)
    first_visit = episode.visits.order_by("visit_date").values_list("visit_date", flat=True).first()
    if first_visit is not None and episode.opened_on > first_visit:
        raise InvalidInput({"opened_on": [f"cannot be after the first visit ({first_visit:%Y-%m-%d})"]})
    old, new = audit.changed(before, audit.snapshot(episode))
    old.pop("updated_at", None)
    new.pop("updated_at", None)
    if new:
        episode.save()
        audit.record(audit.Action.UPDATE, episode, actor=actor, clinic_id=episode.clinic_id, before=old, after=new)
    return episode


def _discharge_date(value: Any, episode: Episode, errors: dict[str, list[str]]) -> dt.date | None:
    if value in (None, ""):
        return clinic_today(episode.clinic_id)
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        errors["closed_on"] = ["a date (YYYY-MM-DD)"]
        return None
    if value < episode.opened_on:
        errors["closed_on"] = [f"cannot be before the episode opened ({episode.opened_on:%Y-%m-%d})"]
    elif value > clinic_today(episode.clinic_id):
        errors["closed_on"] = ["cannot be in the future"]
    else:
        last_visit = episode.visits.order_by("-visit_date").values_list("visit_date", flat=True).first()
        if last_visit is not None and value < last_visit:
            errors["closed_on"] = [f"cannot be before the last visit ({last_visit:%Y-%m-%d})"]
    return value


@transaction.atomic
def close_episode(
    actor: User, episode_id: Any, closed_on: Any = None, *, reason: Any = None, summary: Any = ""
) -> Episode:
    """Discharge: the episode ends with a reason and, if given, a short summary; its visits stay.

    A draft note must be signed or discarded first, so nothing is left half-written in a closed
    course of care. The discharge date defaults to today in the clinic's calendar and may not be
    in the future, before the episode opened or before its last visit.
    """
    episode = find_episode(actor, episode_id, lock=True)
    require_clinician(actor, "discharge an episode of care")
    if episode.closed_on is not None:
        raise Conflict(f"This episode of care was already discharged on {episode.closed_on:%d %b %Y}.")
    draft = episode.visits.filter(status=Visit.Status.DRAFT).order_by("visit_date").first()
    if draft is not None:
        raise Conflict(f"The note of {draft.visit_date:%d %b %Y} is still a draft: sign or discard it first.")
    errors: dict[str, list[str]] = {}
    day = _discharge_date(closed_on, episode, errors)
    if reason not in DischargeReason.values:
        errors["reason"] = [f"choose one of: {', '.join(DischargeReason.values)}"]
    text = summary.strip() if isinstance(summary, str) else ""
    if summary not in (None, "") and not isinstance(summary, str):
        errors["summary"] = ["text"]
    elif len(text) > SUMMARY_MAX:
        errors["summary"] = [f"at most {SUMMARY_MAX} characters (it has {len(text)})"]
    if errors:
        raise InvalidInput(errors)
    before = audit.snapshot(episode)
    episode.closed_on = day
    episode.discharge_reason = str(reason)
    episode.discharge_summary = text
    episode.discharged_by = actor
    episode.save(update_fields=["closed_on", "discharge_reason", "discharge_summary", "discharged_by", "updated_at"])
    audit.record_update(episode, before, actor=actor)
    return episode


@transaction.atomic
def reopen_episode(actor: User, episode_id: Any, reason: Any) -> Episode:
    """Undo a discharge (made by mistake, or the patient is back for the same problem within the
    course). The reason is kept in the audit trail with the discharge it undoes."""
    episode = find_episode(actor, episode_id, lock=True)
    require_clinician(actor, "reopen an episode of care")
    if episode.closed_on is None:
        raise Conflict("This episode of care is open: there is no discharge to undo.")
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        raise InvalidInput({"reason": ["say why the episode is reopened"]})
    if len(text) > REOPEN_REASON_MAX:
        raise InvalidInput({"reason": [f"at most {REOPEN_REASON_MAX} characters (it has {len(text)})"]})
    before = audit.snapshot(episode)
    episode.closed_on = None
    episode.discharge_reason = ""
    episode.discharge_summary = ""
    episode.discharged_by = None
    episode.save(update_fields=["closed_on", "discharge_reason", "discharge_summary", "discharged_by", "updated_at"])
    old, new = audit.changed(before, audit.snapshot(episode))
    audit.record(
        audit.Action.UPDATE, episode, actor=actor, clinic_id=episode.clinic_id, before=old, after=new | {"reason": text}
    )
    return episode


@transaction.atomic
def open_episode(actor: User, episode_id: Any) -> Episode:
    """Read an episode (audited, as a read of the chart)."""
    episode = find_episode(actor, episode_id)
    audit.record(audit.Action.READ, episode, actor=actor, clinic_id=episode.clinic_id)
    return episode


def list_episodes(actor: User, patient_id: Any) -> list[Episode]:
    """A patient's episodes, newest first (the caller audits the chart read)."""
    patient = find_patient(actor, patient_id)
    return list(Episode.objects.visible_to(actor).filter(patient=patient))
