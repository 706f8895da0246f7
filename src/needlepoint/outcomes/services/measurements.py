"""Measurements over an episode of care: pain ratings (NPRS, VAS), range of motion, pressure pain
threshold, grip strength and entered scores (FHSQ).

Each value is checked against its measure's definition in ``knowledge/data/measures.yaml``
(:func:`needlepoint.knowledge.outcomes.load_measures`): the range and unit, and the qualifiers that
say where it was measured. Values are compared only within one series (same measure, joint,
movement, site and side), so the qualifiers are required where the measure names them:

- ROM: a joint and a movement from :data:`.qualifiers.JOINTS`; a side for a limb joint and for spinal rotation
  or side bending (spinal flexion and extension have no side).
- PPT: a site, a muscle of the atlas or a body region; a side unless the region is midline.
- Grip strength: a side.
- NPRS is a whole number from 0 to 10; VAS is in mm from 0 to 100.

Clinicians and clinic administrators record measurements; the front desk does not record clinical
measures. Anyone who may not see the episode is told it does not exist. A wrong value is never
edited: it is marked "entered in error" with a reason, and the right value is recorded anew.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from needlepoint.accounts.models import STAFF_ROLES, Role, User
from needlepoint.audit import services as audit
from needlepoint.errors import Forbidden, InvalidInput, NotFound
from needlepoint.knowledge import load_knowledge
from needlepoint.knowledge.outcomes import Measure, load_measures
from needlepoint.outcomes.models import Measurement, Side, Timepoint
from needlepoint.outcomes.services.qualifiers import JOINTS, QUALIFIER_FIELDS, qualifier_label, site_label
from needlepoint.visits.models import Episode, Visit

__all__ = [
    "JOINTS",
    "QUALIFIER_FIELDS",
    "RECORDER_ROLES",
    "episode_measurements",
    "find_measurement",
    "find_patient_episode",
    "list_measurements",
    "mark_measurement_in_error",
    "qualifier_label",
    "record_measurement",
    "recordable_measures",
    "site_label",
]

#: Who may record or correct a clinical measure.
RECORDER_ROLES = (Role.CLINICIAN, Role.CLINIC_ADMIN)
#: Measure kinds recorded as a single value (questionnaires are answered item by item instead).
RECORDED_KINDS = ("rating", "physical-test", "entered-score")
#: Measures recorded as whole numbers only.
WHOLE_NUMBER_MEASURES = frozenset({"nprs"})
MAX_NOTES = 300
MAX_REASON = 300


def recordable_measures() -> dict[str, Measure]:
    """The measures recorded as one value (not questionnaires), in the order of measures.yaml."""
    return {m.id: m for m in load_measures().values() if m.kind in RECORDED_KINDS}


# --- lookups -----------------------------------------------------------------------------------


def _uuid(value: Any, what: str) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise NotFound(f"No such {what}.") from None


def _is_staff(actor: Any) -> bool:
    return bool(
        getattr(actor, "is_authenticated", False)
        and actor.is_active
        and actor.clinic_id is not None
        and actor.role in STAFF_ROLES
    )


def find_patient_episode(actor: Any, patient_id: Any, episode_id: Any) -> Episode:
    """The episode if the actor is clinic staff who may see it and it is this patient's; otherwise
    NotFound (a patient login, another clinic, another patient's episode: never a hint)."""
    if not _is_staff(actor):
        raise NotFound("No such episode of care.")
    episode = (
        Episode.objects.visible_to(actor)
        .select_related("patient", "clinic")
        .filter(pk=_uuid(episode_id, "episode of care"))
        .first()
    )
    if episode is None or (patient_id is not None and episode.patient_id != _uuid(patient_id, "patient")):
        raise NotFound("No such episode of care.")
    return episode


def require_recorder(actor: User) -> None:
    if actor.role not in RECORDER_ROLES:
        raise Forbidden("Only clinicians and clinic administrators can record clinical measures.")


def visit_in_episode(episode: Episode, visit_id: object) -> Visit | None:
    """The visit ``visit_id`` of this episode, or None (no id, a malformed id, another episode's)."""
    if visit_id in (None, ""):
        return None
    try:
        return Visit.objects.filter(pk=uuid.UUID(str(visit_id)), episode=episode).first()
    except ValueError:
        return None


# --- validation --------------------------------------------------------------------------------


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _parse_date(value: Any, field: str, errors: dict[str, list[str]]) -> dt.date | None:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, dt.date):
        errors[field] = ["give the date the value was measured (YYYY-MM-DD)"]
        return None
    return value


def _parse_value(value: Any, measure: Measure, errors: dict[str, list[str]]) -> Decimal | None:
    if isinstance(value, bool) or value is None or value == "":
        errors["value"] = ["enter the measured value"]
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        errors["value"] = [f"{value!r} is not a number"]
        return None
    if not number.is_finite():
        errors["value"] = ["enter a finite number"]
        return None
    upper = "" if measure.range_max is None else f" to {measure.range_max:g}"
    if not measure.contains(float(number)):
        errors["value"] = [f"{measure.short_name} is from {measure.range_min:g}{upper} {measure.unit}"]
        return None
    if measure.id in WHOLE_NUMBER_MEASURES and number != number.to_integral_value():
        errors["value"] = [f"{measure.short_name} is a whole number from {measure.range_min:g}{upper}"]
        return None
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        errors["value"] = ["at most two decimal places"]
        return None
    return number.quantize(Decimal("0.01"))


def _check_qualifiers(measure: Measure, given: Mapping[str, str], errors: dict[str, list[str]]) -> None:
    """The joint, movement, site and side a measure needs, and none that it does not."""
    wanted = set(measure.qualifiers)
    for field in QUALIFIER_FIELDS:
        if given[field] and field not in wanted:
            errors[field] = [f"not used for {measure.short_name}: leave it empty"]
    side = given["side"]
    if side and side not in Side.values:
        errors["side"] = ["must be left or right"]
        return
    if "joint" in wanted:
        joint = JOINTS.get(given["joint"])
        if not given["joint"]:
            errors["joint"] = [f"choose the joint ({', '.join(JOINTS)})"]
        elif joint is None:
            errors["joint"] = [f"{given['joint']!r} is not a joint; choose one of {', '.join(JOINTS)}"]
        if not given["movement"]:
            errors["movement"] = ["choose the movement"]
        elif joint is not None and given["movement"] not in joint.movements:
            errors["movement"] = [
                f"{given['movement']!r} is not a movement of the {joint.label.lower()}; "
                f"choose one of {', '.join(joint.movements)}"
            ]
        elif joint is not None:
            if joint.needs_side(given["movement"]) and not side:
                errors["side"] = ["choose the side: left or right"]
            elif not joint.needs_side(given["movement"]) and side:
                errors["side"] = [
                    f"{joint.label.lower()} {joint.movements[given['movement']]} has no side: leave it empty"
                ]
    if "site" in wanted:
        kb = load_knowledge()
        site = given["site"]
        if not site:
            errors["site"] = ["choose the site: a muscle or a body region"]
        elif site in kb.muscles or (site in kb.regions and not kb.regions[site].midline):
            if not side:
                errors["side"] = ["choose the side: left or right"]
        elif site in kb.regions:
            if side:
                errors["side"] = ["a midline region has no side: leave it empty"]
        else:
            errors["site"] = [f"{site!r} is not a muscle or a body region of the atlas"]
    if wanted == {"side"} and not side:
        errors["side"] = ["choose the side: left or right"]


# --- use cases ---------------------------------------------------------------------------------


@transaction.atomic
def record_measurement(
    actor: User,
    *,
    patient_id: Any,
    episode_id: Any,
    measure: Any,
    timepoint: Any,
    taken_on: Any,
    value: Any,
    joint: Any = "",
    movement: Any = "",
    site: Any = "",
    side: Any = "",
    notes: Any = "",
    visit_id: Any = None,
) -> Measurement:
    """Record one measured value in a patient's episode of care (clinicians, clinic admins)."""
    episode = find_patient_episode(actor, patient_id, episode_id)  # first: outsiders learn nothing
    require_recorder(actor)
    errors: dict[str, list[str]] = {}
    definitions = recordable_measures()
    definition = definitions.get(measure) if isinstance(measure, str) else None
    if definition is None:
        errors["measure"] = [f"{measure!r} is not a measure recorded here; choose one of {', '.join(definitions)}"]
    if timepoint not in Timepoint.values:
        errors["timepoint"] = [f"{timepoint!r} is not a timepoint; choose one of {', '.join(Timepoint.values)}"]
    day = _parse_date(taken_on, "taken_on", errors)
    if day is not None and day > episode.clinic.today():
        errors["taken_on"] = ["cannot be in the future"]
    elif day is not None and day < episode.opened_on:
        errors["taken_on"] = [f"cannot be before the episode of care opened ({episode.opened_on:%Y-%m-%d})"]
    qualifiers = {"joint": _text(joint), "movement": _text(movement), "site": _text(site), "side": _text(side)}
    number = None
    if definition is not None:
        number = _parse_value(value, definition, errors)
        _check_qualifiers(definition, qualifiers, errors)
    note = notes if isinstance(notes, str) else ""
    if notes not in (None, "") and not isinstance(notes, str):
        errors["notes"] = ["must be text"]
    elif len(note.strip()) > MAX_NOTES:
        errors["notes"] = [f"at most {MAX_NOTES} characters"]
    visit = visit_in_episode(episode, visit_id)
    if visit_id not in (None, "") and visit is None:
        errors["visit_id"] = ["no such visit in this episode of care"]
    if errors or definition is None or number is None or day is None:
        raise InvalidInput(errors)
    measurement = Measurement.objects.create(
        clinic_id=episode.clinic_id,
        patient_id=episode.patient_id,
        episode=episode,
        visit=visit,
        measure=definition.id,
        timepoint=timepoint,
        taken_on=day,
        value=number,
        unit=definition.unit,
        notes=note.strip(),
        recorded_by=actor,
        **qualifiers,
    )
    audit.record(
        audit.Action.CREATE,
        audit.subject_of(measurement),
        actor=actor,
        clinic_id=measurement.clinic_id,
        after=audit.snapshot(measurement),
    )
    return measurement


def find_measurement(actor: Any, measurement_id: Any, *, lock: bool = False) -> Measurement:
    """A measurement clinic staff may see; NotFound for anyone else."""
    if not _is_staff(actor):
        raise NotFound("No such measurement.")
    qs = Measurement.objects.visible_to(actor)
    if lock:
        qs = qs.select_for_update()
    found = qs.filter(pk=_uuid(measurement_id, "measurement")).first()
    if found is None:
        raise NotFound("No such measurement.")
    return found


@transaction.atomic
def mark_measurement_in_error(actor: User, measurement_id: Any, reason: Any) -> Measurement:
    """Leave a wrong value out of charts and labels; it stays, with who said why."""
    find_measurement(actor, measurement_id)  # first: outsiders learn nothing
    require_recorder(actor)
    measurement = find_measurement(actor, measurement_id, lock=True)
    text = _text(reason)
    if not text:
        raise InvalidInput({"reason": ["say why this value is wrong"]})
    if len(text) > MAX_REASON:
        raise InvalidInput({"reason": [f"at most {MAX_REASON} characters"]})
    if measurement.entered_in_error:
        raise InvalidInput({"reason": ["this value is already marked as entered in error"]})
    Measurement.objects.filter(pk=measurement.pk).update(entered_in_error=True, error_reason=text)
    measurement.entered_in_error, measurement.error_reason = True, text
    audit.record(
        audit.Action.UPDATE,
        audit.subject_of(measurement),
        actor=actor,
        clinic_id=measurement.clinic_id,
        before={"entered_in_error": False, "error_reason": ""},
        after={"entered_in_error": True, "error_reason": text},
    )
    return measurement


def episode_measurements(episode: Episode) -> list[Measurement]:
    """Every measurement of the episode, in error or not, oldest first (the caller checked access)."""
    return list(Measurement.objects.filter(episode=episode).select_related("recorded_by"))


@transaction.atomic
def list_measurements(actor: User, episode_id: Any) -> tuple[Episode, list[Measurement]]:
    """Every measurement of an episode, in error or not, oldest first: a read of the chart, audited."""
    episode = find_patient_episode(actor, None, episode_id)
    audit.record(
        audit.Action.READ,
        audit.Subject("visits.episode", str(episode.pk), f"Measurements: {episode}"[:200], str(episode.patient_id)),
        actor=actor,
        clinic_id=episode.clinic_id,
    )
    return episode, episode_measurements(episode)
