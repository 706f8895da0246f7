"""Questionnaire invitations: a row with a due time, an e-mail from the outbox, a one-time link.

Staff invite a patient to answer one questionnaire for one timepoint of an episode, now or later;
follow-ups after discharge (6 weeks, 3, 6 and 12 months, dates from
:func:`needlepoint.clinical.outcomes.timepoints.follow_up_due_dates`) are scheduled in one go at
09:00 clinic time. Each invitation puts one message in the outbox; the builder in
:mod:`needlepoint.outcomes.reminders` makes the link's token when the e-mail is actually built,
so the token exists only in the e-mail and the database keeps its SHA-256.

An invitation is open while it is due, not answered, not cancelled and not expired. The link
(and the portal) submit through :func:`needlepoint.outcomes.services.questionnaires.submit_response`,
which marks it used with a conditional UPDATE: one invitation, one response.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from needlepoint.accounts.models import STAFF_ROLES, User
from needlepoint.audit import services as audit
from needlepoint.clinical.outcomes.timepoints import follow_up_due_dates
from needlepoint.errors import Forbidden, InvalidInput, NotFound
from needlepoint.knowledge import load_knowledge
from needlepoint.knowledge.outcomes import load_measures, load_questionnaires
from needlepoint.outbox import services as outbox
from needlepoint.outcomes.models import QuestionnaireInvitation, Timepoint
from needlepoint.outcomes.services.questionnaires import (
    find_patient_episode,
    parse_uuid,
    questionnaire_or_error,
)

KIND = "questionnaire_invitation"
DEFAULT_VALID_DAYS = 14
MAX_VALID_DAYS = 90
FOLLOW_UP_HOUR = dt.time(9, 0)
FOLLOW_UP_TIMEPOINTS = (Timepoint.WEEK_6, Timepoint.MONTH_3, Timepoint.MONTH_6, Timepoint.MONTH_12)
#: A token longer than this is not one of ours (``secrets.token_urlsafe(32)`` gives 43 characters).
MAX_TOKEN_LENGTH = 100


class Status:
    """What an invitation is doing now, in the words the staff list shows."""

    SCHEDULED = "scheduled"  # due later
    WAITING = "waiting"  # due, the outbox has not sent it yet
    SENT = "sent"
    ANSWERED = "answered"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


def status_of(invitation: QuestionnaireInvitation, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    if invitation.used_at is not None:
        return Status.ANSWERED
    if invitation.cancelled_at is not None:
        return Status.CANCELLED
    if invitation.expires_at <= now:
        return Status.EXPIRED
    if invitation.sent_at is not None:
        return Status.SENT
    return Status.SCHEDULED if invitation.due_at > now else Status.WAITING


def is_open(invitation: QuestionnaireInvitation, now: dt.datetime | None = None) -> bool:
    """May this invitation be answered now? (Due, not answered, cancelled or expired.)"""
    now = now or timezone.now()
    return status_of(invitation, now) in (Status.WAITING, Status.SENT) and invitation.due_at <= now


def open_filter(now: dt.datetime) -> Q:
    return Q(used_at__isnull=True, cancelled_at__isnull=True, due_at__lte=now, expires_at__gt=now)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_by_token(token: str) -> QuestionnaireInvitation | None:
    """The invitation a link's token opens, whatever its state; None for a token never issued."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return (
        QuestionnaireInvitation.objects.select_related("patient", "clinic").filter(token_hash=hash_token(token)).first()
    )


def _require_staff(actor: User | None, doing: str) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False) or actor.role not in STAFF_ROLES:
        raise Forbidden(f"Only clinic staff can {doing}.")


def _timepoint(value: Any, errors: dict[str, list[str]]) -> str:
    if value not in Timepoint.values:
        errors["timepoint"] = [f"{value!r} is not a timepoint; choose one of {', '.join(Timepoint.values)}"]
        return ""
    return str(value)


def _valid_days(value: Any, errors: dict[str, list[str]]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_VALID_DAYS:
        errors["valid_days"] = [f"a whole number of days from 1 to {MAX_VALID_DAYS}"]
        return DEFAULT_VALID_DAYS
    return value


def _already_open(
    episode_id: Any, questionnaire_id: str, timepoint: str, now: dt.datetime
) -> QuestionnaireInvitation | None:
    """An invitation for the same questionnaire and timepoint that still waits for an answer."""
    return (
        QuestionnaireInvitation.objects.filter(
            episode_id=episode_id,
            questionnaire=questionnaire_id,
            timepoint=timepoint,
            used_at__isnull=True,
            cancelled_at__isnull=True,
            expires_at__gt=now,
        )
        .order_by("due_at")
        .first()
    )


def _create(
    actor: User,
    *,
    patient: Any,
    episode: Any,
    questionnaire_id: str,
    timepoint: str,
    due_at: dt.datetime,
    valid_days: int,
) -> QuestionnaireInvitation:
    invitation = QuestionnaireInvitation.objects.create(
        clinic_id=patient.clinic_id,
        patient=patient,
        episode=episode,
        questionnaire=questionnaire_id,
        timepoint=timepoint,
        due_at=due_at,
        expires_at=due_at + dt.timedelta(days=valid_days),
        created_by=actor,
    )
    outbox.enqueue(
        clinic_id=patient.clinic_id, patient_id=patient.pk, kind=KIND, subject_id=invitation.pk, due_at=due_at
    )
    audit.record(
        audit.Action.CREATE,
        audit.subject_of(invitation),
        actor=actor,
        clinic_id=patient.clinic_id,
        after=audit.snapshot(invitation),
    )
    return invitation


@transaction.atomic
def invite(
    actor: User,
    *,
    patient_id: Any,
    episode_id: Any,
    questionnaire_id: Any,
    timepoint: Any,
    due_at: dt.datetime | None = None,
    valid_days: Any = DEFAULT_VALID_DAYS,
) -> QuestionnaireInvitation:
    """Invite the patient to answer one questionnaire; the e-mail goes out at ``due_at`` (now)."""
    patient, episode = find_patient_episode(actor, patient_id, episode_id)  # outsiders: NotFound first
    _require_staff(actor, "send questionnaires")
    errors: dict[str, list[str]] = {}
    questionnaire = questionnaire_or_error(questionnaire_id, errors)
    point = _timepoint(timepoint, errors)
    days = _valid_days(valid_days, errors)
    now = timezone.now()
    due = now if due_at is None else due_at
    if timezone.is_naive(due):
        errors["due_at"] = ["give the time with its time zone"]
    elif due + dt.timedelta(days=days) <= now:
        errors["due_at"] = ["this invitation would have expired already; choose a later time"]
    if not errors and questionnaire is not None:
        existing = _already_open(episode.pk, questionnaire.id, point, now)
        if existing is not None:
            errors["questionnaire"] = [
                f"{questionnaire.short_title} for {existing.get_timepoint_display().lower()} is already waiting for "
                "an answer; cancel that invitation first to send a new one"
            ]
    if errors or questionnaire is None:
        raise InvalidInput(errors)
    return _create(
        actor,
        patient=patient,
        episode=episode,
        questionnaire_id=questionnaire.id,
        timepoint=point,
        due_at=due,
        valid_days=days,
    )


def follow_up_times(discharge_date: dt.date, time_zone: str) -> list[tuple[str, dt.datetime]]:
    """(timepoint, when the e-mail goes out): each follow-up date at 09:00 clinic time."""
    zone = zoneinfo.ZoneInfo(time_zone)
    return [
        (str(point), dt.datetime.combine(day, FOLLOW_UP_HOUR, tzinfo=zone))
        for point, day in follow_up_due_dates(discharge_date)
    ]


@dataclass(frozen=True)
class FollowUpPlan:
    created: list[QuestionnaireInvitation]
    already_planned: list[tuple[str, str]]  # (questionnaire, timepoint) left alone
    too_late: list[tuple[str, str]]  # (questionnaire, timepoint) whose link would have expired


@transaction.atomic
def schedule_follow_ups(
    actor: User, episode_id: Any, discharge_date: Any, questionnaires: Any, *, patient_id: Any = None
) -> FollowUpPlan:
    """Invitations at 6 weeks, 3, 6 and 12 months after discharge for each questionnaire.

    Safe to run twice: a questionnaire and timepoint that already has an invitation (sent, waiting
    or answered, anything but cancelled) is left alone. A follow-up whose link would already have
    expired (a discharge long ago) is not created.
    """
    patient, episode = find_patient_episode(actor, patient_id, episode_id)
    _require_staff(actor, "schedule follow-up questionnaires")
    errors: dict[str, list[str]] = {}
    if discharge_date is None:
        discharge_date = episode.closed_on
    if not isinstance(discharge_date, dt.date) or isinstance(discharge_date, dt.datetime):
        errors["discharge_date"] = ["give the discharge date (the episode is not closed yet)"]
    elif discharge_date < episode.opened_on:
        errors["discharge_date"] = [f"cannot be before the episode opened ({episode.opened_on:%Y-%m-%d})"]
    chosen: list[str] = []
    if isinstance(questionnaires, str):
        questionnaires = [questionnaires]
    if not questionnaires:
        errors["questionnaires"] = ["choose at least one questionnaire"]
    else:
        bad: dict[str, list[str]] = {}
        for value in questionnaires:
            found = questionnaire_or_error(value, bad)
            if found is not None and found.id not in chosen:
                chosen.append(found.id)
        if bad:
            errors["questionnaires"] = bad["questionnaire"]
    if errors:
        raise InvalidInput(errors)
    now = timezone.now()
    existing = set(
        QuestionnaireInvitation.objects.filter(episode=episode, cancelled_at__isnull=True).values_list(
            "questionnaire", "timepoint"
        )
    )
    created: list[QuestionnaireInvitation] = []
    planned: list[tuple[str, str]] = []
    late: list[tuple[str, str]] = []
    for point, when in follow_up_times(discharge_date, episode.clinic.time_zone):
        for qid in chosen:
            if (qid, point) in existing:
                planned.append((qid, point))
            elif when + dt.timedelta(days=DEFAULT_VALID_DAYS) <= now:
                late.append((qid, point))
            else:
                created.append(
                    _create(
                        actor,
                        patient=patient,
                        episode=episode,
                        questionnaire_id=qid,
                        timepoint=point,
                        due_at=when,
                        valid_days=DEFAULT_VALID_DAYS,
                    )
                )
    return FollowUpPlan(created=created, already_planned=planned, too_late=late)


@transaction.atomic
def cancel_invitation(actor: User, invitation_id: Any, *, episode_id: Any = None) -> QuestionnaireInvitation:
    """Withdraw an invitation that has not been answered: its e-mail (if not sent) and link stop.

    ``episode_id``: the invitation must belong to that episode (as the page's address says).
    """
    qs = QuestionnaireInvitation.objects.visible_to(actor).select_for_update()
    if episode_id is not None:
        qs = qs.filter(episode_id=parse_uuid(episode_id, "episode of care"))
    invitation = qs.filter(pk=parse_uuid(invitation_id, "invitation")).first()
    if invitation is None:
        raise NotFound("No such invitation.")
    _require_staff(actor, "cancel questionnaire invitations")
    if invitation.used_at is not None:
        raise InvalidInput({"invitation": ["this questionnaire has been answered; it can no longer be cancelled"]})
    if invitation.cancelled_at is not None:
        return invitation
    before = audit.snapshot(invitation)
    now = timezone.now()
    changed = QuestionnaireInvitation.objects.filter(
        pk=invitation.pk, used_at__isnull=True, cancelled_at__isnull=True
    ).update(cancelled_at=now)
    if changed != 1:  # answered a moment ago
        raise InvalidInput({"invitation": ["this questionnaire has just been answered; it can no longer be cancelled"]})
    outbox.cancel_pending(KIND, invitation.pk)
    invitation.refresh_from_db()
    audit.record_update(invitation, before, actor=actor)
    return invitation


def suggested_questionnaires(condition_id: str) -> list[str]:
    """The questionnaires the atlas lists among the condition's outcome measures, in its order."""
    condition = load_knowledge().conditions.get(condition_id)
    if condition is None:
        return []
    measures = load_measures()
    current = load_questionnaires()
    found = [measures[m].questionnaire for m in condition.outcome_measures if m in measures]
    return [q for q in found if q is not None and q in current]


def episode_invitations(episode: Any) -> QuerySet[QuestionnaireInvitation]:
    """An episode's invitations, newest due first (the caller has checked who may see the episode)."""
    return QuestionnaireInvitation.objects.filter(episode=episode).order_by("-due_at")
