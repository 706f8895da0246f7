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
from needlepoint.clinical.credentials import Certification, Credentials, check_practitioner
from needlepoint.clinical.depth import check_depth
from needlepoint.clinical.needling import check_screening_blocks, check_single_use
from needlepoint.clinical.safety import SafetyFinding
from needlepoint.clinical.screening import Result, ScreeningInputError, evaluate, result_with_overrides
from needlepoint.errors import Conflict, InvalidInput
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
    "needle_lots",
    "ultrasound_guided",
)
REQUIRED = ("muscle", "side", "technique", "needle_diameter_mm", "needle_length_mm", "manipulation")
ESTIM_FIELDS = ("estim_frequency_hz", "estim_pulse_width_us", "estim_intensity_ma", "estim_minutes")
MAX_LOTS = 50
MAX_LOT_LENGTH = 40


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


def _apply(entry: NeedleInsertion, data: Mapping[str, Any]) -> None:
    """Copy the input onto the entry, or InvalidInput naming every bad field."""
    errors = unknown_fields(data, INSERTION_FIELDS)
    muscle = data.get("muscle", entry.muscle_id)
    side = data.get("side", entry.side)
    check_muscle_side(muscle, side, errors)
    for flag in ("electrical_stimulation", "ultrasound_guided"):
        if flag in data and not isinstance(data[flag], bool):
            errors[flag] = ["must be true or false"]
    lots = data.get("needle_lots", entry.needle_lots)
    if not isinstance(lots, list | tuple) or len(lots) > MAX_LOTS:
        errors["needle_lots"] = [f"a list of at most {MAX_LOTS} lot numbers, one for each needle"]
    elif any(not isinstance(lot, str) or len(lot.strip()) > MAX_LOT_LENGTH for lot in lots):
        errors["needle_lots"] = [f"each lot number is text of at most {MAX_LOT_LENGTH} characters"]
    for key in INSERTION_FIELDS:
        if key in data and key not in ("muscle", "side", "needle_lots") and key not in errors:
            value = data[key]
            setattr(entry, key, "" if key == "approach" and value is None else value)
    exclude = ["visit", "recorded_by", "muscle_id", "side", "needle_lots", "acknowledgements", *errors]
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
    entry.needle_lots = [lot.strip() for lot in lots]
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


def screening_results(visit: Visit, muscle: str, side: str, estim: bool) -> list[Result]:
    """The screening in force: as stored, and re-applied with this entry as the plan."""
    stored = screening.latest(visit.patient)
    if stored is None:
        return []
    overridden = screening.overridden_rules(stored)
    plan = {"targets": [{"muscle": muscle, "side": side}], "electrical_stimulation": estim}
    base = evaluate(stored.answers, plan)
    relative = {f.rule.id for f in base.overridable}
    return [
        screening.effective_result(stored),
        result_with_overrides(base, [r for r in overridden if r in relative]),
    ]


def _depth_field(code: str) -> str:
    return "needle_length_mm" if "length" in code or "too-long" in code else "depth_mm"


def _unique(found: Iterable[EntryFinding]) -> list[EntryFinding]:
    seen: dict[tuple[str, str], EntryFinding] = {}
    for item in found:
        seen.setdefault((item.code, item.message), item)
    return list(seen.values())


def _as_float(value: Any) -> float | None:
    return None if value is None else float(value)


def entry_findings(actor: User, visit: Visit, entry: NeedleInsertion) -> list[EntryFinding]:
    """Every safety finding for this entry by this practitioner today (pure checks, gathered)."""
    patient = visit.patient
    found = [EntryFinding("practitioner", f) for f in check_practitioner(credentials_of(actor), visit.visit_date)]
    try:
        results = screening_results(visit, entry.muscle_id, entry.side, entry.electrical_stimulation)
    except (ScreeningInputError, InvalidInput):
        results = []
        found.append(
            EntryFinding(
                "patient",
                SafetyFinding(
                    "screening-unreadable",
                    "block",
                    "The stored screening cannot be read with today's questionnaire: screen the patient again.",
                    "ahpcsa-bn121",
                ),
            )
        )
    for result in results:
        for f in check_screening_blocks(result, entry.muscle_id, entry.side, entry.electrical_stimulation):
            field = "electrical_stimulation" if "electrical" in f.code else "muscle"
            found.append(EntryFinding(field, f))
    weight = _as_float(patient.weight_kg)
    bmi = _as_float(patient.bmi)
    depth = check_depth(
        entry.muscle_id,
        technique=entry.technique,  # type: ignore[arg-type]
        depth_mm=_as_float(entry.depth_mm),
        needle_length_mm=_as_float(entry.needle_length_mm),
        weight_kg=weight,
        bmi=bmi,
    )
    found += [EntryFinding(_depth_field(f.code), f) for f in depth]
    found += [EntryFinding("needle_lots", f) for f in check_single_use(list(entry.needle_lots))]
    return _unique(found)


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
