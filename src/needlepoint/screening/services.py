"""Screening use cases: evaluate, store, read (audited), override relative findings (audited).

The stored ``result`` is the record of what was found when the patient answered. What is in
force now (``effective_result``) re-applies today's rules to the stored answers and plan, less the
relative findings a clinician overrode; a screening is current until the clinic's validity period
ends or a newer screening replaces it (new answers).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from needlepoint.accounts.models import Role, User
from needlepoint.audit import services as audit
from needlepoint.clinical.readiness import ScreeningState
from needlepoint.clinical.screening import Result, ScreeningInputError, evaluate
from needlepoint.clinical.screening.rules import RULES_BY_ID
from needlepoint.errors import Forbidden, InvalidInput, NotFound
from needlepoint.patients.models import Patient
from needlepoint.patients.services import find_patient
from needlepoint.screening.models import Screening, ScreeningOverride
from needlepoint.screening.questionnaire import VERSION

OVERRIDE_ROLES = (Role.CLINICIAN, Role.CLINIC_ADMIN)
MIN_REASON_LENGTH = 10


def _evaluate(answers: Any, plan: Any = None, overrides: tuple[str, ...] = ()) -> Result:
    try:
        return evaluate(answers, plan, overrides=overrides)
    except ScreeningInputError as exc:
        raise InvalidInput(exc.errors) from None


def evaluate_stateless(answers: Any, plan: Any = None) -> Result:
    """Evaluate without storing anything (public self-check, API, command line)."""
    return _evaluate(answers, plan)


@transaction.atomic
def record_screening(
    actor: User,
    patient_id: Any,
    answers: Mapping[str, Any],
    *,
    plan: Any = None,
    channel: str = Screening.Channel.CLINIC,
) -> Screening:
    patient = find_patient(actor, patient_id)
    if actor.role == Role.PATIENT and channel != Screening.Channel.PORTAL:
        raise Forbidden("Patients answer the screening in the portal.")
    result = _evaluate(answers, plan)
    screening = Screening.objects.create(
        clinic_id=patient.clinic_id,
        patient=patient,
        questionnaire_version=VERSION,
        answers=dict(answers),
        plan=plan,
        result=result.as_dict(),
        status=result.status,
        channel=channel,
        completed_at=timezone.now(),
        valid_days=patient.clinic.screening_valid_days,
        entered_by=actor,
    )
    audit.record(
        audit.Action.CREATE,
        screening,
        actor=actor,
        clinic_id=patient.clinic_id,
        after={
            "status": screening.status,
            "channel": channel,
            "answers": screening.answers,
            "findings": [f["rule"] for f in screening.result["findings"]],
        },
    )
    return screening


def _find(actor: User, patient_id: Any, screening_id: Any) -> Screening:
    patient = find_patient(actor, patient_id)
    try:
        sid = uuid.UUID(str(screening_id))
    except ValueError:
        raise NotFound("No such screening.") from None
    screening = (
        Screening.objects.visible_to(actor)
        .filter(pk=sid, patient=patient)
        .select_related("patient", "entered_by")
        .first()
    )
    if screening is None:
        raise NotFound("No such screening.")
    return screening


@transaction.atomic
def open_screening(actor: User, patient_id: Any, screening_id: Any) -> Screening:
    screening = _find(actor, patient_id, screening_id)
    audit.record(audit.Action.READ, screening, actor=actor, clinic_id=screening.clinic_id)
    return screening


def history(actor: User, patient: Patient) -> list[Screening]:
    return list(
        Screening.objects.visible_to(actor)
        .filter(patient=patient)
        .select_related("entered_by")
        .prefetch_related("overrides")
    )


def latest(patient: Patient) -> Screening | None:
    return Screening.objects.filter(patient=patient).order_by("-completed_at").first()


def is_current(screening: Screening, patient: Patient | None = None) -> bool:
    newest = latest(patient or screening.patient)
    return newest is not None and newest.pk == screening.pk and timezone.now() < screening.expires_at


def overridden_rules(screening: Screening) -> tuple[str, ...]:
    return tuple(o.rule_id for o in screening.overrides.all())


def effective_result(screening: Screening) -> Result:
    """Today's rules over the stored answers, less the overridden relative findings that still apply."""
    base = _evaluate(screening.answers, screening.plan)
    present = {f.rule.id for f in base.overridable}
    return _evaluate(screening.answers, screening.plan, tuple(r for r in overridden_rules(screening) if r in present))


def screening_state(patient: Patient) -> ScreeningState | None:
    """What the readiness gate needs: the newest screening, its effective status and validity."""
    screening = latest(patient)
    if screening is None:
        return None
    return ScreeningState(
        status=effective_result(screening).status, completed_at=screening.completed_at, valid_days=screening.valid_days
    )


@transaction.atomic
def override_finding(actor: User, patient_id: Any, screening_id: Any, rule_id: str, reason: str) -> ScreeningOverride:
    """Go ahead despite a relative finding, with a written reason. Absolute findings cannot be overridden."""
    screening = _find(actor, patient_id, screening_id)
    if actor.role not in OVERRIDE_ROLES:
        raise Forbidden("Only a clinician can override a screening finding.")
    errors: dict[str, list[str]] = {}
    rule = RULES_BY_ID.get(rule_id)
    found = {f["rule"] for f in screening.result["findings"]}
    if rule is None or rule_id not in found:
        errors["rule"] = [f"{rule_id!r} is not a finding of this screening"]
    elif rule.severity != "relative":
        errors["rule"] = [f"{rule_id!r} is {rule.severity}: only relative findings can be overridden"]
    elif rule_id in overridden_rules(screening):
        errors["rule"] = ["already overridden"]
    if len(reason.strip()) < MIN_REASON_LENGTH:
        errors["reason"] = [f"write the reason in at least {MIN_REASON_LENGTH} characters"]
    if not is_current(screening):
        errors["screening"] = ["this screening is no longer current: screen the patient again"]
    if errors:
        raise InvalidInput(errors)
    decision = ScreeningOverride.objects.create(
        screening=screening, rule_id=rule_id, reason=reason.strip(), decided_by=actor
    )
    audit.record(
        audit.Action.CREATE,
        audit.subject_of(decision, patient_id=screening.patient_id),
        actor=actor,
        clinic_id=screening.clinic_id,
        after={"screening": str(screening.pk), "rule": rule_id, "reason": decision.reason},
    )
    return decision
