"""Episodes of care: a condition from the atlas with its ICD-10-CM code, the affected regions,
goals, the planned course (sessions, interval) and the treatments given alongside needling."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from needlepoint.accounts.models import User
from needlepoint.audit import services as audit
from needlepoint.errors import InvalidInput
from needlepoint.patients.services import find_patient
from needlepoint.visits.models import CoTreatment, Episode
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


@transaction.atomic
def update_episode(actor: User, episode_id: Any, data: Mapping[str, Any]) -> Episode:
    """Change an episode's plan. Signed notes keep the ICD-10-CM code they were signed with."""
    episode = find_episode(actor, episode_id)
    require_clinician(actor, "change an episode of care")
    before = audit.snapshot(episode)
    _apply(episode, data)
    old, new = audit.changed(before, audit.snapshot(episode))
    old.pop("updated_at", None)
    new.pop("updated_at", None)
    if new:
        episode.save()
        audit.record(audit.Action.UPDATE, episode, actor=actor, clinic_id=episode.clinic_id, before=old, after=new)
    return episode


@transaction.atomic
def close_episode(actor: User, episode_id: Any, closed_on: Any = None) -> Episode:
    """Discharge: the episode ends; its visits stay."""
    episode = find_episode(actor, episode_id)
    require_clinician(actor, "close an episode of care")
    day = closed_on or clinic_today(episode.clinic_id)
    if episode.closed_on is not None:
        raise InvalidInput({"closed_on": [f"the episode was closed on {episode.closed_on:%Y-%m-%d}"]})
    if day < episode.opened_on:
        raise InvalidInput({"closed_on": ["cannot be before the episode opened"]})
    episode.closed_on = day
    episode.save(update_fields=["closed_on", "updated_at"])
    audit.record(
        audit.Action.UPDATE, episode, actor=actor, clinic_id=episode.clinic_id, after={"closed_on": day.isoformat()}
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
