"""Questionnaire responses: answers in, the published score out, stored with the version.

Who may submit what:

- clinicians and clinic administrators enter a patient's answers at the clinic (source
  ``clinic``), for any patient of their clinic;
- a patient answers for their own record in the portal (source ``portal``);
- nobody signed in (``actor`` None) may submit only with an open invitation: the e-mailed
  one-time link (source ``link``); the audit row then has no actor, meaning the patient.

An invitation is marked used by a conditional UPDATE (``used_at IS NULL``) inside the same
transaction as the response, so a double submit or two tabs racing store one response. Scoring is
:func:`needlepoint.clinical.outcomes.scoring.score`; answers are checked here against the
questionnaire's items first, so a bad answer names its item.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from needlepoint.accounts.models import STAFF_ROLES, Role, User
from needlepoint.audit import services as audit
from needlepoint.clinical.outcomes.scoring import ACTIVITY_NAME_MAX, InvalidAnswers, Score, score
from needlepoint.errors import Conflict, Forbidden, InvalidInput, NotFound
from needlepoint.knowledge.outcomes import NOT_APPLICABLE, Questionnaire, load_questionnaires
from needlepoint.outcomes.models import QuestionnaireInvitation, QuestionnaireResponse, Timepoint
from needlepoint.outcomes.services.measurements import visit_in_episode
from needlepoint.patients.models import Patient
from needlepoint.visits.models import Episode

Source = QuestionnaireResponse.Source
#: Staff who may enter answers on the patient's behalf (front desk may invite, not answer).
ENTRY_ROLES = (Role.CLINICIAN, Role.CLINIC_ADMIN)
MAX_ACTIVITY_LENGTH = ACTIVITY_NAME_MAX
MAX_REASON_LENGTH = 300


# --- lookups shared with the invitations ---------------------------------------------------


def parse_uuid(value: Any, what: str) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise NotFound(f"No such {what}.") from None


def questionnaires() -> Mapping[str, Questionnaire]:
    return load_questionnaires()


def questionnaire_or_error(
    value: Any, errors: dict[str, list[str]], field: str = "questionnaire"
) -> Questionnaire | None:
    found = questionnaires().get(value) if isinstance(value, str) else None
    if found is None:
        errors[field] = [f"{value!r} is not a questionnaire; choose one of {', '.join(questionnaires())}"]
    return found


def find_patient_episode(actor: User | None, patient_id: Any, episode_id: Any) -> tuple[Patient, Episode]:
    """The patient (visible to ``actor``) and one of their episodes; NotFound for anything else.

    ``patient_id`` None: the episode's own patient (still visible to the actor).
    """
    episode = (
        Episode.objects.select_related("clinic", "patient").filter(pk=parse_uuid(episode_id, "episode of care")).first()
    )
    if episode is None:
        raise NotFound("No such episode of care.")
    wanted = episode.patient_id if patient_id is None else parse_uuid(patient_id, "patient")
    patient = Patient.objects.visible_to(actor).select_related("clinic").filter(pk=wanted).first()
    if patient is None or episode.patient_id != patient.pk or episode.clinic_id != patient.clinic_id:
        raise NotFound("No such episode of care.")
    return patient, episode


def own_record(actor: User) -> Patient:
    """The signed-in patient's own record (NotFound if the login is not linked to one)."""
    patient = Patient.objects.visible_to(actor).select_related("clinic").first()
    if patient is None or actor.role != Role.PATIENT:
        raise NotFound("No such patient.")
    return patient


# --- checking answers ------------------------------------------------------------------------


def _normalise(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Answers as stored: whole numbers, "not-applicable", None for blank; PSFS rows as
    ``{"activity": text, "score": n | None}``. Call only on answers ``score()`` accepted."""
    clean: dict[str, Any] = {}
    for item in questionnaire.items:
        raw = answers.get(item.id)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            clean[item.id] = None
        elif raw == NOT_APPLICABLE:
            clean[item.id] = NOT_APPLICABLE
        elif item.kind == "activity":
            name = (raw.get("activity") or "").strip()
            rating = raw.get("score")
            blank = rating is None or (isinstance(rating, str) and not rating.strip())
            clean[item.id] = {"activity": name, "score": None if blank else int(str(rating).strip())} if name else None
        else:
            clean[item.id] = int(str(raw).strip()) if not isinstance(raw, float) else int(raw)
    return clean


def score_answers(questionnaire: Questionnaire, answers: Any) -> tuple[dict[str, Any], Score]:
    """Check and score ``answers``; InvalidInput names each bad item as ``answers.<item>``."""
    if not isinstance(answers, Mapping):
        raise InvalidInput({"answers": ["send the answers as an object: item id -> answer"]})
    try:
        result = score(questionnaire, answers)
    except InvalidAnswers as exc:
        raise InvalidInput({f"answers.{item}": [problem] for item, problem in exc.errors.items()}) from None
    return _normalise(questionnaire, answers), result


def _score_decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- who is submitting -----------------------------------------------------------------------


def _resolve_submitter(
    actor: User | None, patient_id: Any, episode_id: Any, source: Any, invitation: QuestionnaireInvitation | None
) -> tuple[Patient, Episode]:
    if actor is None:
        if invitation is None:
            raise Forbidden("Sign in, or use the link in your invitation, to answer a questionnaire.")
        if source != Source.LINK:
            raise InvalidInput({"source": ["answers given through an invitation link have the source 'link'"]})
        patient = Patient.objects.select_related("clinic").filter(pk=invitation.patient_id).first()
        episode = Episode.objects.select_related("clinic").filter(pk=invitation.episode_id).first()
        if (
            patient is None
            or episode is None
            or str(parse_uuid(patient_id, "patient")) != str(patient.pk)
            or str(parse_uuid(episode_id, "episode of care")) != str(episode.pk)
        ):
            raise NotFound("No such invitation.")
        return patient, episode
    patient, episode = find_patient_episode(actor, patient_id, episode_id)  # outsiders: NotFound first
    if actor.role == Role.PATIENT:
        if source != Source.PORTAL:
            raise InvalidInput({"source": ["a patient's own answers have the source 'portal'"]})
    elif actor.role in STAFF_ROLES:
        if actor.role not in ENTRY_ROLES:
            raise Forbidden("Only clinicians and clinic administrators can enter a patient's answers.")
        if source != Source.CLINIC:
            raise InvalidInput({"source": ["answers entered by staff have the source 'clinic'"]})
    else:  # pragma: no cover - visible_to() shows such users nothing
        raise NotFound("No such episode of care.")
    return patient, episode


def _claim_invitation(
    invitation: QuestionnaireInvitation,
    actor: User | None,
    patient: Patient,
    episode: Episode,
    questionnaire_id: str,
    timepoint: str,
) -> dt.datetime:
    """Mark the invitation used; Conflict if it was answered, cancelled or expired meanwhile."""
    if (
        invitation.patient_id != patient.pk
        or invitation.episode_id != episode.pk
        or (
            actor is not None
            and not QuestionnaireInvitation.objects.visible_to(actor).filter(pk=invitation.pk).exists()
        )
    ):
        raise NotFound("No such invitation.")
    if invitation.questionnaire != questionnaire_id or invitation.timepoint != timepoint:
        raise InvalidInput({"questionnaire": ["this invitation is for another questionnaire or timepoint"]})
    now = timezone.now()
    claimed = QuestionnaireInvitation.objects.filter(
        pk=invitation.pk, used_at__isnull=True, cancelled_at__isnull=True, due_at__lte=now, expires_at__gt=now
    ).update(used_at=now)
    if claimed != 1:
        raise Conflict("This questionnaire has already been answered, was withdrawn, or its link has expired.")
    return now


# --- use cases -------------------------------------------------------------------------------


@transaction.atomic
def submit_response(
    actor: User | None,
    *,
    patient_id: Any,
    episode_id: Any,
    questionnaire_id: Any,
    answers: Any,
    timepoint: Any,
    completed_on: Any,
    source: Any,
    visit_id: Any = None,
    invitation: QuestionnaireInvitation | None = None,
) -> QuestionnaireResponse:
    """Store one completed questionnaire with its score (see the module docstring for who may)."""
    patient, episode = _resolve_submitter(actor, patient_id, episode_id, source, invitation)
    errors: dict[str, list[str]] = {}
    questionnaire = questionnaire_or_error(questionnaire_id, errors)
    if timepoint not in Timepoint.values:
        errors["timepoint"] = [f"{timepoint!r} is not a timepoint; choose one of {', '.join(Timepoint.values)}"]
    if not isinstance(completed_on, dt.date) or isinstance(completed_on, dt.datetime):
        errors["completed_on"] = ["give the date the questionnaire was answered"]
    elif completed_on > patient.clinic.today():
        errors["completed_on"] = ["cannot be in the future"]
    elif completed_on < patient.date_of_birth:
        errors["completed_on"] = ["cannot be before the patient was born"]
    visit = visit_in_episode(episode, visit_id)
    if visit_id not in (None, "") and visit is None:
        errors["visit"] = ["no such visit in this episode of care"]
    clean: dict[str, Any] = {}
    result: Score | None = None
    if questionnaire is not None:
        try:
            clean, result = score_answers(questionnaire, answers)
        except InvalidInput as exc:
            errors.update(exc.errors)
    if errors or questionnaire is None or result is None:
        raise InvalidInput(errors)
    if invitation is not None:
        _claim_invitation(invitation, actor, patient, episode, questionnaire.id, str(timepoint))
    response = QuestionnaireResponse.objects.create(
        clinic_id=patient.clinic_id,
        patient=patient,
        episode=episode,
        visit=visit,
        questionnaire=questionnaire.id,
        questionnaire_version=questionnaire.version,
        timepoint=timepoint,
        completed_on=completed_on,
        answers=clean,
        score=_score_decimal(result.total) if result.is_valid else None,
        subscales={k: float(_score_decimal(v)) for k, v in result.subscales.items() if v is not None},
        answered=result.answered,
        missing=len(result.missing),
        scorable=result.is_valid,
        not_scored_reason=(result.reason or "")[:300] if not result.is_valid else "",
        source=source,
        entered_by=actor if actor is not None and actor.role in STAFF_ROLES else None,
    )
    if invitation is not None:
        QuestionnaireInvitation.objects.filter(pk=invitation.pk).update(response=response)
        invitation.refresh_from_db()
    audit.record(
        audit.Action.CREATE,
        audit.subject_of(response),
        actor=actor,
        clinic_id=patient.clinic_id,
        after=audit.snapshot(response) | ({"invitation_id": str(invitation.pk)} if invitation is not None else {}),
    )
    return response


@transaction.atomic
def mark_response_in_error(actor: User, response_id: Any, reason: Any) -> QuestionnaireResponse:
    """Leave a wrong response out of scores and charts; it stays, with who said why."""
    response = (
        QuestionnaireResponse.objects.visible_to(actor)
        .select_for_update()
        .filter(pk=parse_uuid(response_id, "questionnaire response"))
        .first()
    )
    if response is None or actor.role not in STAFF_ROLES:
        raise NotFound("No such questionnaire response.")
    if actor.role not in ENTRY_ROLES:
        raise Forbidden("Only clinicians and clinic administrators can mark a response as entered in error.")
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        raise InvalidInput({"reason": ["say why this response is wrong"]})
    if len(text) > MAX_REASON_LENGTH:
        raise InvalidInput({"reason": [f"at most {MAX_REASON_LENGTH} characters"]})
    if response.entered_in_error:
        raise InvalidInput({"reason": ["this response is already marked as entered in error"]})
    before = audit.snapshot(response)
    QuestionnaireResponse.objects.filter(pk=response.pk).update(entered_in_error=True, error_reason=text)
    response.refresh_from_db()
    audit.record_update(response, before, actor=actor)
    return response


# --- the patient's own view ------------------------------------------------------------------


@dataclass(frozen=True)
class PortalQuestionnaires:
    patient: Patient
    open_invitations: list[QuestionnaireInvitation]
    responses: list[QuestionnaireResponse]


@transaction.atomic
def portal_questionnaires(actor: User) -> PortalQuestionnaires:
    """What the signed-in patient has to answer and has answered (an audited read of their own)."""
    from needlepoint.outcomes.services.invitations import open_filter

    patient = own_record(actor)
    now = timezone.now()
    invitations = list(
        QuestionnaireInvitation.objects.visible_to(actor).filter(open_filter(now)).order_by("expires_at")
    )
    responses = list(
        QuestionnaireResponse.objects.visible_to(actor).in_use().order_by("-completed_on", "-submitted_at")
    )
    audit.record(
        audit.Action.READ,
        audit.subject_of(patient),
        actor=actor,
        clinic_id=patient.clinic_id,
        after={"view": "portal questionnaires"},
    )
    return PortalQuestionnaires(patient=patient, open_invitations=invitations, responses=responses)


def earlier_activities(invitation: QuestionnaireInvitation) -> dict[str, str]:
    """PSFS: the activities the patient named the first time in this episode, by item, so a
    follow-up rates the same ones (the patient may still change them)."""
    first = (
        QuestionnaireResponse.objects.in_use()
        .filter(
            episode_id=invitation.episode_id, patient_id=invitation.patient_id, questionnaire=invitation.questionnaire
        )
        .order_by("completed_on", "submitted_at")
        .first()
    )
    if first is None:
        return {}
    return {
        item: answer["activity"]
        for item, answer in first.answers.items()
        if isinstance(answer, dict) and isinstance(answer.get("activity"), str) and answer["activity"]
    }


def open_invitation_for(actor: User, invitation_id: Any) -> QuestionnaireInvitation:
    """One of the signed-in patient's own invitations, whatever its state; NotFound otherwise."""
    own_record(actor)
    invitation = (
        QuestionnaireInvitation.objects.visible_to(actor)
        .select_related("patient", "clinic")
        .filter(pk=parse_uuid(invitation_id, "invitation"))
        .first()
    )
    if invitation is None:
        raise NotFound("No such invitation.")
    return invitation
