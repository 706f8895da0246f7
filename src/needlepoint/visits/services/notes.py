"""Writing a treatment note: start (or copy forward), pain drawing and ratings, co-interventions,
needle counts, free text (in one change: ``update_visit``); reading it (audited). Findings are in
:mod:`.findings`, the needle log in :mod:`.insertions`.

Every change takes the ``version`` of the note the writer saw and returns the changed row or visit;
a row's ``.visit`` carries the new version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from needlepoint.accounts.models import User
from needlepoint.audit import services as audit
from needlepoint.errors import Conflict, InvalidInput
from needlepoint.patients.services import find_patient
from needlepoint.visits.models import CoIntervention, NeedleInsertion, PainMark, TriggerPointFinding, Visit
from needlepoint.visits.services.common import (
    check_region_side,
    clinic_today,
    display_name,
    draft_for_change,
    find_episode,
    find_visit,
    needle_count,
    require_clinician,
    touch,
    unknown_fields,
)

MAX_PAIN_MARKS = 200
UNSET: Any = object()


# --- starting and reading -------------------------------------------------------------------


def _new_visit(actor: User, episode: Any, visit_date: dt.date | None) -> Visit:
    if episode.closed_on is not None:
        raise InvalidInput({"episode_id": [f"the episode of care was closed on {episode.closed_on:%Y-%m-%d}"]})
    today = clinic_today(episode.clinic_id)
    day = visit_date or today
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise InvalidInput({"visit_date": ["must be a date"]})
    if day < episode.opened_on:
        raise InvalidInput({"visit_date": [f"the episode of care opened on {episode.opened_on:%Y-%m-%d}"]})
    if day > today + dt.timedelta(days=1):
        raise InvalidInput({"visit_date": ["a visit is written on the day it happens, not ahead"]})
    now = timezone.now()
    return Visit(
        clinic_id=episode.clinic_id,
        patient_id=episode.patient_id,
        episode=episode,
        clinician=actor,
        visit_date=day,
        updated_at=now,
        updated_by=actor,
        updated_by_name=display_name(actor),
    )


@transaction.atomic
def start_visit(actor: User, episode_id: Any, *, visit_date: dt.date | None = None) -> Visit:
    """A new, empty draft note in the episode; the actor is the treating clinician."""
    episode = find_episode(actor, episode_id)
    require_clinician(actor, "start a treatment note")
    visit = _new_visit(actor, episode, visit_date)
    visit.save()
    audit.record(audit.Action.CREATE, visit, actor=actor, clinic_id=visit.clinic_id, after=audit.snapshot(visit))
    return visit


def last_visit(episode: Any) -> Visit | None:
    return Visit.objects.filter(episode=episode).order_by("-visit_date", "-created_at").first()


@transaction.atomic
def copy_forward(actor: User, episode_id: Any, *, visit_date: dt.date | None = None) -> Visit:
    """A new draft from the episode's last visit: its pain drawing, findings and needle log.

    Copied with each needle-log entry: how many needles it used (to be confirmed or changed).
    Not copied: needle lot numbers, twitch-response counts, pain ratings, adverse events, the
    needles opened and removed, free text, acknowledgements. Copied needle-log entries are not yet confirmed: each must
    be confirmed (``update_insertion``, which runs today's safety checks) or removed before signing.
    """
    episode = find_episode(actor, episode_id)
    require_clinician(actor, "start a treatment note")
    source = last_visit(episode)
    if source is None:
        raise Conflict("This episode has no visit to copy forward yet: start the first visit.")
    visit = _new_visit(actor, episode, visit_date)
    visit.copied_from = source.pk
    visit.save()
    PainMark.objects.bulk_create(
        PainMark(visit=visit, region=m.region, side=m.side, intensity=m.intensity) for m in source.pain_marks.all()
    )
    TriggerPointFinding.objects.bulk_create(
        TriggerPointFinding(
            visit=visit,
            muscle_id=f.muscle_id,
            side=f.side,
            activity=f.activity,
            taut_band=f.taut_band,
            tender_nodule=f.tender_nodule,
            referred_pain=f.referred_pain,
            local_twitch_response=f.local_twitch_response,
            notes=f.notes,
        )
        for f in source.findings.all()
    )
    NeedleInsertion.objects.bulk_create(
        NeedleInsertion(
            visit=visit,
            muscle_id=n.muscle_id,
            side=n.side,
            technique=n.technique,
            needle_diameter_mm=n.needle_diameter_mm,
            needle_length_mm=n.needle_length_mm,
            depth_mm=n.depth_mm,
            approach=n.approach,
            manipulation=n.manipulation,
            retention_seconds=n.retention_seconds,
            electrical_stimulation=n.electrical_stimulation,
            estim_frequency_hz=n.estim_frequency_hz,
            estim_pulse_width_us=n.estim_pulse_width_us,
            estim_intensity_ma=n.estim_intensity_ma,
            estim_minutes=n.estim_minutes,
            ultrasound_guided=n.ultrasound_guided,
            needles_used=n.needles_used,
            needle_lots=[],
            ltr_count=None,
            acknowledgements=[],
            checked_at=None,
            recorded_by=actor,
        )
        for n in source.insertions.all()
    )
    after = audit.snapshot(visit)
    after["copied"] = {
        "pain_marks": source.pain_marks.count(),
        "findings": source.findings.count(),
        "insertions": source.insertions.count(),
    }
    audit.record(audit.Action.CREATE, visit, actor=actor, clinic_id=visit.clinic_id, after=after)
    return visit


@transaction.atomic
def open_visit(actor: User, visit_id: Any) -> Visit:
    """Read a note (audited). Staff of the clinic; everyone else gets NotFound."""
    visit = find_visit(actor, visit_id)
    audit.record(audit.Action.READ, visit, actor=actor, clinic_id=visit.clinic_id)
    return visit


def list_visits(actor: User, *, patient_id: Any = None, episode_id: Any = None) -> list[Visit]:
    """Visits of a patient or an episode, newest first (the caller audits the chart read)."""
    if (patient_id is None) == (episode_id is None):
        raise ValueError("give exactly one of patient_id and episode_id")
    qs = Visit.objects.visible_to(actor).select_related("episode", "clinician")
    if episode_id is not None:
        return list(qs.filter(episode=find_episode(actor, episode_id)))
    return list(qs.filter(patient=find_patient(actor, patient_id)))


@transaction.atomic
def discard_visit(actor: User, visit_id: Any, version: Any) -> None:
    """Delete a draft started by mistake. Signed notes, and drafts with adverse events, are kept."""
    visit = draft_for_change(actor, visit_id, version)
    if visit.adverse_events.exists():
        raise Conflict("This draft records an adverse event and is kept: sign it instead.")
    before = audit.snapshot(visit)
    subject = audit.subject_of(visit)
    visit.delete()
    audit.record(audit.Action.DELETE, subject, actor=actor, clinic_id=before["clinic_id"], before=before)


# --- visit-level fields -------------------------------------------------------------------

VISIT_FIELDS = (
    "notes",
    "pain_before",
    "pain_after",
    "pain_drawing",
    "co_interventions",
    "needles_opened",
    "needles_removed",
)
MAX_NOTES = 20_000


def _nprs(value: Any, field: str, errors: dict[str, list[str]]) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        errors[field] = ["a pain rating is a whole number from 0 (no pain) to 10 (worst imaginable)"]
        return None
    return value


def _pain_drawing(visit: Visit, marks: Any, errors: dict[str, list[str]]) -> list[PainMark]:
    if not isinstance(marks, list | tuple) or len(marks) > MAX_PAIN_MARKS:
        errors["pain_drawing"] = [f"a list of at most {MAX_PAIN_MARKS} marks"]
        return []
    clean: list[PainMark] = []
    seen: set[tuple[Any, Any]] = set()
    for i, mark in enumerate(marks):
        if not isinstance(mark, Mapping) or set(mark) - {"region", "side", "intensity"}:
            errors[f"pain_drawing.{i}"] = ['must be {"region": code, "side": ..., "intensity": 0-10}']
            continue
        region, side = mark.get("region"), mark.get("side")
        check_region_side(region, side, errors, f"pain_drawing.{i}.")
        if mark.get("intensity") is None:
            errors[f"pain_drawing.{i}.intensity"] = ["rate the pain there from 0 to 10"]
        intensity = _nprs(mark.get("intensity"), f"pain_drawing.{i}.intensity", errors)
        if (region, side) in seen:
            errors[f"pain_drawing.{i}"] = ["this region and side is marked twice"]
        seen.add((region, side))
        clean.append(PainMark(visit=visit, region=region, side=side, intensity=intensity or 0))
    return clean


def _co_interventions(visit: Visit, items: Any, errors: dict[str, list[str]]) -> list[CoIntervention]:
    if not isinstance(items, list | tuple) or len(items) > 50:
        errors["co_interventions"] = ["a list of at most 50 co-interventions"]
        return []
    clean = []
    for i, item in enumerate(items):
        if not isinstance(item, Mapping) or set(item) - {"kind", "details"}:
            errors[f"co_interventions.{i}"] = ['must be {"kind": ..., "details": "..."}']
        elif item.get("kind") not in CoIntervention.Kind.values:
            errors[f"co_interventions.{i}.kind"] = [f"one of: {', '.join(CoIntervention.Kind.values)}"]
        elif not isinstance(item.get("details") or "", str) or len(item.get("details") or "") > 500:
            errors[f"co_interventions.{i}.details"] = ["text of at most 500 characters"]
        else:
            clean.append(CoIntervention(visit=visit, kind=item["kind"], details=item.get("details") or ""))
    return clean


def _described(rows: Sequence[PainMark | CoIntervention]) -> list[dict[str, Any]]:
    return [
        {"region": r.region, "side": r.side, "intensity": r.intensity}
        if isinstance(r, PainMark)
        else {"kind": r.kind, "details": r.details}
        for r in rows
    ]


@transaction.atomic
def update_visit(actor: User, visit_id: Any, version: Any, changes: Mapping[str, Any]) -> Visit:
    """Change several parts of a draft as one change (one new version).

    Keys: ``notes``; ``pain_before`` and ``pain_after`` (NPRS 0-10 or None); ``pain_drawing``
    (replaces the whole drawing: [{"region", "side", "intensity"}]); ``co_interventions``
    (replaces them all: [{"kind", "details"}]); ``needles_opened`` and ``needles_removed``.
    """
    visit = draft_for_change(actor, visit_id, version)
    errors = unknown_fields(changes, VISIT_FIELDS)
    scalars: dict[str, Any] = {}
    if "notes" in changes:
        text = changes["notes"] if changes["notes"] is not None else ""
        if not isinstance(text, str) or len(text) > MAX_NOTES:
            errors["notes"] = [f"text of at most {MAX_NOTES:,} characters"]
        scalars["notes"] = text
    for key in ("pain_before", "pain_after"):
        if key in changes:
            scalars[key] = _nprs(changes[key], key, errors)
    for key in ("needles_opened", "needles_removed"):
        if key in changes:
            scalars[key] = None if changes[key] is None else needle_count(changes[key], key, errors)
    marks = _pain_drawing(visit, changes["pain_drawing"], errors) if "pain_drawing" in changes else None
    extras = _co_interventions(visit, changes["co_interventions"], errors) if "co_interventions" in changes else None
    if errors:
        raise InvalidInput(errors)
    before: dict[str, Any] = {k: getattr(visit, k) for k in scalars}
    after: dict[str, Any] = dict(scalars)
    for key, value in scalars.items():
        setattr(visit, key, value)
    if marks is not None:
        before["pain_drawing"] = _described(list(visit.pain_marks.all()))
        visit.pain_marks.all().delete()
        PainMark.objects.bulk_create(marks)
        after["pain_drawing"] = _described(marks)
    if extras is not None:
        before["co_interventions"] = _described(list(visit.co_interventions.all()))
        visit.co_interventions.all().delete()
        CoIntervention.objects.bulk_create(extras)
        after["co_interventions"] = _described(extras)
    touch(visit, actor)
    audit.record(audit.Action.UPDATE, visit, actor=actor, clinic_id=visit.clinic_id, before=before, after=after)
    return visit


def record_pain_ratings(actor: User, visit_id: Any, version: Any, *, before: Any = UNSET, after: Any = UNSET) -> Visit:
    """Pre- and post-treatment pain (NPRS 0-10); leave one out to keep it, pass None to clear it."""
    changes = {k: v for k, v in (("pain_before", before), ("pain_after", after)) if v is not UNSET}
    return update_visit(actor, visit_id, version, changes)


def record_notes(actor: User, visit_id: Any, version: Any, text: str) -> Visit:
    """The free-text part of the note (history, plan)."""
    return update_visit(actor, visit_id, version, {"notes": text})


def record_pain_drawing(actor: User, visit_id: Any, version: Any, marks: Sequence[Mapping[str, Any]]) -> Visit:
    """Replace the whole pain drawing: [{"region": code, "side": "left"|"right"|None, "intensity": 0-10}]."""
    return update_visit(actor, visit_id, version, {"pain_drawing": marks})
