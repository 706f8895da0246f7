"""Home exercise programme use cases: read a programme, assign an exercise, change its dose, stop it.

Reading: clinic staff (the episode's clinic) and the patient themself (their current exercises, in
the portal). Writing: clinicians and clinic administrators; front desk may read but not prescribe.
Anyone else is told the record does not exist. Every write and every read of a programme leaves
an audit row in the same transaction. Bad input raises :class:`InvalidInput` naming each field and
saves nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from needlepoint.accounts.models import Role, User
from needlepoint.audit import services as audit
from needlepoint.errors import Conflict, Forbidden, InvalidInput, NotFound
from needlepoint.homecare.models import NOTES_MAX_LENGTH, ExerciseAssignment
from needlepoint.knowledge.exercises import Exercise, ExerciseLibrary, load_exercises
from needlepoint.patients.models import Patient
from needlepoint.visits.models import Episode
from needlepoint.visits.services import find_episode as find_visible_episode

WRITER_ROLES = (Role.CLINICIAN, Role.CLINIC_ADMIN)
DOSE_FIELDS = ("sets", "reps", "hold_seconds", "times_per_day", "days_per_week")
CHANGEABLE_FIELDS = (*DOSE_FIELDS, "notes")
ASSIGN_FIELDS = ("exercise_id", *CHANGEABLE_FIELDS)
REQUIRED_DOSE = ("sets", "times_per_day", "days_per_week")
PROGRAMME_OBJECT = "homecare.programme"


def library() -> ExerciseLibrary:
    return load_exercises()


@dataclass(frozen=True)
class Programme:
    """An episode's programme: what the patient does now, and what was stopped (newest first)."""

    patient: Patient
    episode: Episode
    current: list[ExerciseAssignment]
    stopped: list[ExerciseAssignment]

    @property
    def current_ids(self) -> set[str]:
        return {a.exercise_id for a in self.current}


@dataclass(frozen=True)
class PortalProgramme:
    """The signed-in patient's current exercises across their episodes (None: login not linked)."""

    patient: Patient | None
    current: list[ExerciseAssignment]


# --- who may do what ---------------------------------------------------------------------------


def _parse_uuid(value: Any, what: str) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise NotFound(f"No such {what}.") from None


def require_writer(actor: User, doing: str = "change a home exercise programme") -> None:
    if not getattr(actor, "is_authenticated", False) or actor.clinic_id is None or actor.role not in WRITER_ROLES:
        raise Forbidden(f"Only clinicians and clinic administrators can {doing}.")


def may_prescribe(actor: Any) -> bool:
    return getattr(actor, "clinic_id", None) is not None and getattr(actor, "role", None) in WRITER_ROLES


def find_episode(actor: User, patient_id: Any, episode_id: Any) -> Episode:
    """The patient's episode if the actor (clinic staff) may see it; otherwise NotFound, the same
    for an episode of another clinic, of another patient, or one that never existed."""
    patient_uuid = _parse_uuid(patient_id, "episode of care")
    episode = find_visible_episode(actor, episode_id)
    if episode.patient_id != patient_uuid:
        raise NotFound("No such episode of care.")
    return episode


def _assignment(episode: Episode, assignment_id: Any, *, lock: bool = False) -> ExerciseAssignment:
    qs = ExerciseAssignment.objects.filter(episode=episode, pk=_parse_uuid(assignment_id, "exercise"))
    if lock:
        qs = qs.select_for_update()
    assignment = qs.first()
    if assignment is None:
        raise NotFound("No such exercise in this programme.")
    return assignment


def _read_subject(patient: Patient, repr_: str) -> audit.Subject:
    return audit.Subject(
        object_type=PROGRAMME_OBJECT, object_id=str(patient.pk), object_repr=repr_[:200], patient_id=str(patient.pk)
    )


# --- reading -----------------------------------------------------------------------------------


def _programme(episode: Episode) -> Programme:
    rows = list(ExerciseAssignment.objects.filter(episode=episode).select_related("assigned_by", "stopped_by"))
    stopped = [a for a in rows if a.stopped_at is not None]
    stopped.sort(key=lambda a: (a.stopped_at, a.assigned_at), reverse=True)
    return Programme(
        patient=episode.patient, episode=episode, current=[a for a in rows if a.stopped_at is None], stopped=stopped
    )


@transaction.atomic
def open_programme(actor: User, patient_id: Any, episode_id: Any, *, document: str = "") -> Programme:
    """An episode's programme for clinic staff; the read is audited as a read of the chart."""
    episode = find_episode(actor, patient_id, episode_id)
    programme = _programme(episode)
    after: dict[str, Any] = {"episode": str(episode.pk), "exercises": len(programme.current)}
    if document:
        after["document"] = document
    audit.record(
        audit.Action.READ,
        _read_subject(episode.patient, "Home exercise programme"),
        actor=actor,
        clinic_id=episode.clinic_id,
        after=after,
    )
    return programme


def own_record(actor: Any) -> Patient | None:
    """The signed-in patient's own record (None for anyone else or a login not linked yet)."""
    if getattr(actor, "role", None) != Role.PATIENT or not getattr(actor, "is_active", False):
        return None
    return Patient.objects.visible_to(actor).first()


def current_for_patient(actor: Any) -> list[ExerciseAssignment]:
    """The patient's own current exercises, oldest first (nothing for anyone but the patient)."""
    record = own_record(actor)
    if record is None:
        return []
    return list(
        ExerciseAssignment.objects.visible_to(actor).current().filter(patient=record).select_related("assigned_by")
    )


@transaction.atomic
def portal_programme(actor: User, *, document: str = "") -> PortalProgramme:
    """The signed-in patient's current exercises; the read is audited as a read of their chart."""
    if getattr(actor, "role", None) != Role.PATIENT:
        raise NotFound("No such programme.")
    record = own_record(actor)
    if record is None:
        return PortalProgramme(patient=None, current=[])
    current = current_for_patient(actor)
    after: dict[str, Any] = {"portal": True, "exercises": len(current)}
    if document:
        after["document"] = document
    audit.record(
        audit.Action.READ,
        _read_subject(record, "Home exercise programme"),
        actor=actor,
        clinic_id=record.clinic_id,
        after=after,
    )
    return PortalProgramme(patient=record, current=current)


# --- writing -----------------------------------------------------------------------------------


def _whole_number(value: Any, field: str, errors: dict[str, list[str]]) -> int | None:
    """None for empty; an int for a whole number (int or digits); otherwise an error on ``field``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        errors[field] = ["must be a whole number"]
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    errors[field] = ["must be a whole number"]
    return None


def _apply(assignment: ExerciseAssignment, data: Mapping[str, Any], errors: dict[str, list[str]]) -> None:
    """Set the dose fields present in ``data`` (and notes), collecting errors by field."""
    for field in DOSE_FIELDS:
        if field in data:
            setattr(assignment, field, _whole_number(data[field], field, errors))
    if "notes" in data:
        notes = data["notes"]
        if notes is None:
            notes = ""
        if not isinstance(notes, str):
            errors["notes"] = ["must be text"]
        elif len(notes.strip()) > NOTES_MAX_LENGTH:
            errors["notes"] = [f"at most {NOTES_MAX_LENGTH} characters (it has {len(notes.strip())})"]
        else:
            assignment.notes = notes.strip()


def _check(assignment: ExerciseAssignment, errors: dict[str, list[str]]) -> None:
    """Ranges (model validators), required fields, and the cross-field rule; raises InvalidInput."""
    for field in REQUIRED_DOSE:
        if getattr(assignment, field) is None and field not in errors:
            errors[field] = ["This field is required."]
    if assignment.reps is None and assignment.hold_seconds is None and "reps" not in errors:
        errors["reps"] = ["give the repetitions, a hold time or both"]
    try:
        assignment.full_clean(
            exclude=["clinic", "patient", "episode", "assigned_by", "stopped_by"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, list(messages))
    if errors:
        raise InvalidInput(errors)


def _unknown(data: Mapping[str, Any], allowed: tuple[str, ...]) -> dict[str, list[str]]:
    return {key: ["unknown or read-only field"] for key in data if key not in allowed}


@transaction.atomic
def assign(actor: User, patient_id: Any, episode_id: Any, data: Mapping[str, Any]) -> ExerciseAssignment:
    """Add an exercise of the library to the episode's programme. Dose fields that are left out
    take the library's default; ``notes`` are shown to the patient."""
    episode = find_episode(actor, patient_id, episode_id)  # first: outsiders learn nothing
    require_writer(actor, "assign home exercises")
    errors = _unknown(data, ASSIGN_FIELDS)
    exercise_id = data.get("exercise_id")
    exercise: Exercise | None = library().get(exercise_id) if isinstance(exercise_id, str) else None
    if exercise is None:
        errors["exercise_id"] = [f"{exercise_id!r} is not an exercise in the library"]
        raise InvalidInput(errors)
    if ExerciseAssignment.objects.filter(episode=episode, exercise_id=exercise.id, stopped_at__isnull=True).exists():
        errors["exercise_id"] = [f"{exercise.name} is already in this programme: change its dose instead"]
    default = exercise.dose
    assignment = ExerciseAssignment(
        clinic_id=episode.clinic_id,
        patient_id=episode.patient_id,
        episode=episode,
        exercise_id=exercise.id,
        sets=default.sets,
        reps=default.reps,
        hold_seconds=default.hold_seconds,
        times_per_day=default.times_per_day,
        days_per_week=default.days_per_week,
        assigned_by=actor,
        assigned_at=timezone.now(),
    )
    _apply(assignment, data, errors)
    _check(assignment, errors)
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError:  # a second click or another clinician, at the same moment
        raise InvalidInput(
            {"exercise_id": [f"{exercise.name} is already in this programme: change its dose instead"]}
        ) from None
    audit.record(
        audit.Action.CREATE, assignment, actor=actor, clinic_id=assignment.clinic_id, after=audit.snapshot(assignment)
    )
    return assignment


def _refuse_if_stopped(assignment: ExerciseAssignment) -> None:
    if assignment.stopped_at is not None:
        name = assignment.exercise.name if assignment.exercise else assignment.exercise_id
        raise Conflict(
            f"{name} was stopped on {timezone.localtime(assignment.stopped_at):%Y-%m-%d}; assign it again instead."
        )


@transaction.atomic
def change_dose(
    actor: User, patient_id: Any, episode_id: Any, assignment_id: Any, data: Mapping[str, Any]
) -> ExerciseAssignment:
    """Change the dose (and the note to the patient) of a current exercise; only the fields given."""
    episode = find_episode(actor, patient_id, episode_id)
    assignment = _assignment(episode, assignment_id)
    require_writer(actor, "change a dose")
    assignment = _assignment(episode, assignment_id, lock=True)
    _refuse_if_stopped(assignment)
    errors = _unknown(data, CHANGEABLE_FIELDS)
    before = audit.snapshot(assignment)
    _apply(assignment, data, errors)
    _check(assignment, errors)
    old, new = audit.changed(before, audit.snapshot(assignment))
    old.pop("updated_at", None)
    new.pop("updated_at", None)
    if new:
        assignment.save()
        audit.record(
            audit.Action.UPDATE, assignment, actor=actor, clinic_id=assignment.clinic_id, before=old, after=new
        )
    return assignment


@transaction.atomic
def stop(actor: User, patient_id: Any, episode_id: Any, assignment_id: Any) -> ExerciseAssignment:
    """Take an exercise out of the programme; the row stays as history."""
    episode = find_episode(actor, patient_id, episode_id)
    _assignment(episode, assignment_id)
    require_writer(actor, "stop a home exercise")
    assignment = _assignment(episode, assignment_id, lock=True)
    _refuse_if_stopped(assignment)
    assignment.stopped_at = timezone.now()
    assignment.stopped_by = actor
    assignment.save(update_fields=["stopped_at", "stopped_by", "updated_at"])
    audit.record(
        audit.Action.UPDATE,
        assignment,
        actor=actor,
        clinic_id=assignment.clinic_id,
        before={"stopped_at": None},
        after={"stopped_at": assignment.stopped_at.isoformat(), "stopped_by_id": actor.pk},
    )
    return assignment
