"""The needle log: one entry per muscle and side, checked for safety as it is made.

Before an entry is stored:

1. the patient must be ready to be needled (current consent, a current screening that is not
   contraindicated: ``patients.readiness``); otherwise :class:`Conflict` (409) with the reasons;
2. the pure checks in ``needlepoint.clinical`` run: the practitioner's licence and certification
   (``credentials.check_practitioner``), the screening's blocks for this target, its regions and
   electrical stimulation (``needling.check_screening_blocks``), depth (``depth.check_depth``, with
   the patient's weight and BMI) and single use (``needling.check_single_use``);
3. any ``block`` refuses the entry (:class:`InvalidInput` naming the field and the finding's code;
   nothing is saved);
4. every ``warning`` must be acknowledged by its code, or nothing is saved
   (:class:`UnacknowledgedWarnings`, which carries the warnings for the page to show). The
   acknowledgements (code, message, source, who, when) are kept on the entry.

The screening is enforced twice over: its effective result as stored (with its plan), and today's
rules applied to the stored answers with this very entry as the plan, less the clinician's
overrides. So a muscle that was not in the screening's plan is still blocked when it should be.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from needlepoint.accounts.models import PractitionerProfile, User
from needlepoint.audit import services as audit
from needlepoint.clinical import plan_check
from needlepoint.clinical.credentials import Certification, Credentials, check_practitioner
from needlepoint.clinical.needling import check_single_use
from needlepoint.clinical.plan_check import PatientMeasures, PlannedInsertion, screening_for
from needlepoint.clinical.safety import SafetyFinding
from needlepoint.clinical.screening import Result, ScreeningInputError
from needlepoint.errors import Conflict, InvalidInput
from needlepoint.patients.models import Patient
from needlepoint.patients.readiness import readiness
from needlepoint.screening import services as screening
from needlepoint.visits.models import NeedleInsertion, Visit
from needlepoint.visits.services.common import (
    audit_row,
    check_muscle_side,
    display_name,
    draft_for_change,
    find_visit,
    require_clinician,
    row_of,
    touch,
    unknown_fields,
    validation_errors,
)

INSERTION_FIELDS = (
    "muscle",
    "side",
    "technique",
    "needle_diameter_mm",
    "needle_length_mm",
    "depth_mm",
    "approach",
    "manipulation",
    "ltr_count",
    "retention_seconds",
    "electrical_stimulation",
    "estim_frequency_hz",
    "estim_pulse_width_us",
    "estim_intensity_ma",
    "estim_minutes",
    "needles_used",
    "needle_lots",
    "ultrasound_guided",
)
REQUIRED = ("muscle", "side", "technique", "needle_diameter_mm", "needle_length_mm", "manipulation", "needles_used")
ESTIM_FIELDS = ("estim_frequency_hz", "estim_pulse_width_us", "estim_intensity_ma", "estim_minutes")
# Which field of the entry a safety finding is about, for the form (by the finding's code).
ENTRY_FIELDS = {
    "screening-contraindicated": "patient",
    "screening-no-electrical-stimulation": "electrical_stimulation",
    "technique-not-suited": "technique",
    "superficial-too-deep": "depth_mm",
    "depth-beyond-needle": "depth_mm",
    "too-deep-for-muscle": "depth_mm",
    "needle-too-long": "needle_length_mm",
    "chest-wall-depth": "depth_mm",
    "chest-wall-needle-length": "needle_length_mm",
    "chest-wall-depth-unknown": "depth_mm",
    "chest-wall-no-estimate": "depth_mm",
    "pleura-estimate-outside-range": "depth_mm",
    "pleura-estimate": "depth_mm",
    "lung-depth-not-published": "depth_mm",
}
MAX_LOTS = 50
MAX_LOT_LENGTH = 40
MAX_NEEDLES = 50  # the model's MAX_NEEDLES_PER_ENTRY (its field validators say the same)
NEEDLES_MESSAGE = f"the number of needles used in this muscle and side: a whole number from 1 to {MAX_NEEDLES}"


@dataclass(frozen=True)
class EntryFinding:
    """A safety finding and the field of the entry it is about."""

    field: str
    finding: SafetyFinding

    @property
    def code(self) -> str:
        return self.finding.code

    @property
    def level(self) -> str:
        return self.finding.level

    @property
    def message(self) -> str:
        return self.finding.message


class UnacknowledgedWarnings(InvalidInput):
    """The entry raised warnings that were not acknowledged; nothing was saved."""

    def __init__(self, warnings: Sequence[SafetyFinding]) -> None:
        self.warnings = list(warnings)
        super().__init__(
            {"acknowledged_warnings": [f"{w.code}: {w.message} Acknowledge it to go ahead." for w in warnings]}
        )


@dataclass(frozen=True)
class InsertionResult:
    """The stored entry (``insertion.visit.version`` is the note's new version) and its warnings."""

    insertion: NeedleInsertion
    warnings: list[SafetyFinding]


# --- input ----------------------------------------------------------------------------------


def _needles(value: Any) -> int | None:
    """A count of needles (1..MAX_NEEDLES, a whole number or its digits as text), else None."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_NEEDLES:
        return None
    return value


def _distinct_lots(lots: Sequence[str]) -> list[str]:
    """The boxes the needles came from: each lot once, in the order given (a lot is a box, not a
    needle, so two needles from one box share it)."""
    from needlepoint.clinical.needling import distinct_lots  # local: the module's imports are being reworked

    return distinct_lots(lots)


def _apply(entry: NeedleInsertion, data: Mapping[str, Any]) -> None:
    """Copy the input onto the entry, or InvalidInput naming every bad field.

    ``needles_used`` is how many needles went into this muscle and side (1..50); ``needle_lots``
    the lot numbers of the boxes they came from, kept once each in the order given (a repeated lot
    is the same box, not an error), and no more lots than needles.
    """
    errors = unknown_fields(data, INSERTION_FIELDS)
    muscle = data.get("muscle", entry.muscle_id)
    side = data.get("side", entry.side)
    check_muscle_side(muscle, side, errors)
    for flag in ("electrical_stimulation", "ultrasound_guided"):
        if flag in data and not isinstance(data[flag], bool):
            errors[flag] = ["must be true or false"]
    needles = _needles(data.get("needles_used", entry.needles_used))
    if needles is None:
        errors["needles_used"] = [NEEDLES_MESSAGE]
    lots = data.get("needle_lots", entry.needle_lots)
    if not isinstance(lots, list | tuple) or len(lots) > MAX_LOTS:
        errors["needle_lots"] = [f"a list of at most {MAX_LOTS} lot numbers (the boxes the needles came from)"]
    elif any(not isinstance(lot, str) or len(lot.strip()) > MAX_LOT_LENGTH for lot in lots):
        errors["needle_lots"] = [f"each lot number is text of at most {MAX_LOT_LENGTH} characters"]
    elif needles is not None and (count := len(_distinct_lots(lots))) > needles:
        errors["needle_lots"] = [
            f"{count} different lots for {needles} needle{'' if needles == 1 else 's'}: each needle comes from one "
            "box, so list each box's lot once, or correct the number of needles"
        ]
    own = ("muscle", "side", "needles_used", "needle_lots")
    for key in INSERTION_FIELDS:
        if key in data and key not in own and key not in errors:
            value = data[key]
            setattr(entry, key, "" if key == "approach" and value is None else value)
    exclude = ["visit", "recorded_by", "muscle_id", "side", *own[2:], "acknowledgements", *errors]
    problems = validation_errors(entry, exclude=exclude)
    for key in ESTIM_FIELDS:
        given = getattr(entry, key) is not None
        if entry.electrical_stimulation is True and not given:
            problems.setdefault(key, []).append("required with electrical stimulation")
        elif entry.electrical_stimulation is False and given:
            problems.setdefault(key, []).append("only with electrical stimulation")
    for key, messages in problems.items():
        errors.setdefault(key, messages)
    if errors:
        raise InvalidInput(errors)
    entry.muscle_id, entry.side = muscle, side
    entry.needles_used = needles
    entry.needle_lots = _distinct_lots(lots)
    duplicate = (
        NeedleInsertion.objects.filter(visit_id=entry.visit_id, muscle_id=muscle, side=side)
        .exclude(pk=entry.pk)
        .exists()
    )
    if duplicate:
        raise InvalidInput({"muscle": [f"{muscle} ({side}) already has an entry in this needle log: change that one"]})


# --- the checks -----------------------------------------------------------------------------


def credentials_of(user: User) -> Credentials:
    """What check_practitioner needs, from the user's practitioner profile (empty without one)."""
    profile = PractitionerProfile.objects.filter(user=user).prefetch_related("certifications").first()
    if profile is None:
        return Credentials("", "", "", None, ())
    return Credentials(
        profession=profile.profession,
        licence_number=profile.licence_number,
        licence_jurisdiction=profile.licence_jurisdiction,
        licence_expires_on=profile.licence_expires_on,
        certifications=tuple(
            Certification(float(c.hours), c.completed_on, c.expires_on, c.verified)
            for c in profile.certifications.all()
        ),
    )


def screening_results(patient: Patient, insertion: PlannedInsertion) -> list[Result]:
    """The screening in force: as stored, and today's rules on the stored answers with this entry as
    the plan (less the clinician's overrides)."""
    stored = screening.latest(patient)
    if stored is None:
        return []
    return [
        screening.effective_result(stored),
        screening_for(stored.answers, insertion, screening.overridden_rules(stored)),
    ]


def _entry_field(code: str) -> str:
    """Which field of the entry a finding is about (for the form)."""
    return ENTRY_FIELDS.get(code, "muscle")


def _as_float(value: Any) -> float | None:
    return None if value is None else float(value)


def checks_for_patient(patient: Patient, insertion: PlannedInsertion, position: str | None) -> list[SafetyFinding]:
    """The one plan check for this patient: their measures and the screening in force."""
    try:
        results = screening_results(patient, insertion)
    except (ScreeningInputError, InvalidInput):
        unreadable = SafetyFinding(
            "screening-unreadable",
            "block",
            "The stored screening cannot be read with today's questionnaire: screen the patient again.",
            "ahpcsa-bn121",
        )
        return [
            unreadable,
            *plan_check.check_insertion(insertion, patient=patient_measures(patient), position=position, screening=[]),
        ]
    return plan_check.check_insertion(
        insertion, patient=patient_measures(patient), position=position, screening=results
    )


def patient_measures(patient: Patient) -> PatientMeasures:
    return PatientMeasures(
        weight_kg=_as_float(patient.weight_kg),
        height_cm=_as_float(patient.height_cm),
        sex=patient.sex or None,
        age_years=patient.age,
    )


def entry_findings(actor: User, visit: Visit, entry: NeedleInsertion) -> list[EntryFinding]:
    """Every safety finding for this entry by this practitioner today: the practitioner's checks,
    then the one plan check (``clinical.plan_check.check_insertion``), then single use."""
    found = [EntryFinding("practitioner", f) for f in check_practitioner(credentials_of(actor), visit.visit_date)]
    insertion = PlannedInsertion(
        muscle=entry.muscle_id,
        side=entry.side,
        technique=entry.technique,  # type: ignore[arg-type]
        depth_mm=_as_float(entry.depth_mm),
        needle_length_mm=_as_float(entry.needle_length_mm),
        electrical_stimulation=bool(entry.electrical_stimulation),
    )
    found += [EntryFinding(_entry_field(f.code), f) for f in checks_for_patient(visit.patient, insertion, None)]
    found += [EntryFinding("needle_lots", f) for f in check_single_use(list(entry.needle_lots))]
    return found


def require_ready(visit: Visit) -> None:
    """Needling is recorded only for a patient who may be needled now (409 with the reasons)."""
    state = readiness(visit.patient)
    if not state.allowed:
        raise Conflict("This patient may not be needled now: " + " ".join(state.reasons))


def _decide(
    actor: User, entry: NeedleInsertion, found: list[EntryFinding], acknowledged: Iterable[str]
) -> list[SafetyFinding]:
    """Refuse on a block or an unacknowledged warning; otherwise keep the acknowledgements."""
    blocks: dict[str, list[str]] = {}
    for item in found:
        if item.level == "block":
            blocks.setdefault(item.field, []).append(f"{item.code}: {item.message}")
    if blocks:
        raise InvalidInput(blocks)
    warnings = [item.finding for item in found if item.level == "warning"]
    # An earlier acknowledgement holds only for the very same warning (same code and message).
    kept = {(a["code"], a["message"]): a for a in entry.acknowledgements or [] if isinstance(a, Mapping)}
    given = {str(code) for code in acknowledged}
    missing = [w for w in warnings if w.code not in given and (w.code, w.message) not in kept]
    if missing:
        raise UnacknowledgedWarnings(missing)
    now = timezone.now().isoformat()
    entry.acknowledgements = [
        kept.get((w.code, w.message))
        or {
            "code": w.code,
            "message": w.message,
            "source": w.source,
            "by": actor.pk,
            "by_name": display_name(actor),
            "at": now,
        }
        for w in warnings
    ]
    entry.checked_at = timezone.now()
    return warnings


# --- use cases ------------------------------------------------------------------------------


def check_insertion(actor: User, visit_id: Any, data: Mapping[str, Any]) -> list[EntryFinding]:
    """Run the checks on an entry being typed, without saving (for live feedback on the page).

    Raises NotFound / Forbidden like the writes, InvalidInput for malformed input and Conflict when
    the patient is not ready to be needled.
    """
    visit = find_visit(actor, visit_id)
    require_clinician(actor)
    require_ready(visit)
    _require(data)
    entry = NeedleInsertion(visit=visit, recorded_by=actor, needle_lots=[], acknowledgements=[])
    _apply(entry, data)
    return entry_findings(actor, visit, entry)


def _require(data: Mapping[str, Any]) -> None:
    missing = {f: ["This field is required."] for f in REQUIRED if data.get(f) in (None, "")}
    if missing:
        raise InvalidInput(missing)


@transaction.atomic
def add_insertion(
    actor: User,
    visit_id: Any,
    version: Any,
    data: Mapping[str, Any],
    acknowledged_warnings: Iterable[str] = (),
) -> InsertionResult:
    """Log one needled muscle and side, after the safety checks (see the module's docstring)."""
    visit = draft_for_change(actor, visit_id, version)
    require_ready(visit)
    _require(data)
    entry = NeedleInsertion(visit=visit, recorded_by=actor, needle_lots=[], acknowledgements=[])
    _apply(entry, data)
    warnings = _decide(actor, entry, entry_findings(actor, visit, entry), acknowledged_warnings)
    entry.save()
    touch(visit, actor)
    audit_row(audit.Action.CREATE, entry, actor, visit, after=audit.snapshot(entry))
    return InsertionResult(entry, warnings)


@transaction.atomic
def update_insertion(
    actor: User,
    visit_id: Any,
    version: Any,
    insertion_id: Any,
    data: Mapping[str, Any],
    acknowledged_warnings: Iterable[str] = (),
) -> InsertionResult:
    """Change an entry (only the fields given) and run the checks again.

    This also confirms an entry copied forward from the last visit. A warning acknowledged before on
    this entry stays acknowledged while it reads the same; a new or changed one needs its code in
    ``acknowledged_warnings``.
    """
    visit = draft_for_change(actor, visit_id, version)
    require_ready(visit)
    entry = row_of(NeedleInsertion, visit, insertion_id, "needle-log entry")
    before = audit.snapshot(entry)
    _apply(entry, data)
    warnings = _decide(actor, entry, entry_findings(actor, visit, entry), acknowledged_warnings)
    entry.save()
    touch(visit, actor)
    old, new = audit.changed(before, audit.snapshot(entry))
    audit_row(audit.Action.UPDATE, entry, actor, visit, before=old, after=new)
    return InsertionResult(entry, warnings)


@transaction.atomic
def remove_insertion(actor: User, visit_id: Any, version: Any, insertion_id: Any) -> Visit:
    visit = draft_for_change(actor, visit_id, version)
    entry = row_of(NeedleInsertion, visit, insertion_id, "needle-log entry")
    before = audit.snapshot(entry)
    subject = audit.subject_of(entry, patient_id=visit.patient_id)
    entry.delete()
    touch(visit, actor)
    audit.record(audit.Action.DELETE, subject, actor=actor, clinic_id=visit.clinic_id, before=before)
    return visit


def unconfirmed(visit: Visit) -> list[NeedleInsertion]:
    """Entries copied forward whose checks have not run in this visit."""
    return list(visit.insertions.filter(checked_at__isnull=True))


def muscles_needled(visit: Visit) -> list[tuple[str, str]]:
    return [(i.muscle_id, i.side) for i in visit.insertions.all()]
