"""Discharge with the long-term follow-ups, and undoing it, each as one transaction.

Discharging closes the episode (:func:`needlepoint.visits.services.close_episode`: reason, summary,
never over a draft note) and, in the same transaction, schedules the follow-up questionnaires at 6
weeks, 3, 6 and 12 months after the discharge date (:func:`.invitations.schedule_follow_ups`). If
either part is refused, neither is saved; follow-ups for a patient with neither an e-mail address
nor a portal login are refused, since they could never arrive. Reopening withdraws the follow-ups
not yet answered, since the course has not ended after all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from needlepoint.accounts.models import User
from needlepoint.clinical.outcomes.timepoints import FOLLOW_UP_TIMEPOINTS
from needlepoint.errors import InvalidInput
from needlepoint.outcomes.models import QuestionnaireInvitation
from needlepoint.outcomes.services import invitations
from needlepoint.outcomes.services.questionnaires import find_patient_episode
from needlepoint.visits import services as visits
from needlepoint.visits.models import Episode

FOLLOW_UPS = tuple(str(t) for t in FOLLOW_UP_TIMEPOINTS)


@dataclass(frozen=True)
class Discharged:
    episode: Episode
    follow_ups: invitations.FollowUpPlan | None  # None when none were asked for


@transaction.atomic
def discharge(
    actor: User,
    patient_id: Any,
    episode_id: Any,
    *,
    closed_on: Any = None,
    reason: Any = None,
    summary: Any = "",
    questionnaires: Any = (),
) -> Discharged:
    """Close the episode and schedule its follow-up questionnaires (none when ``questionnaires`` is
    empty)."""
    patient, episode = find_patient_episode(actor, patient_id, episode_id)  # first: outsiders learn nothing
    closed = visits.close_episode(actor, episode.pk, closed_on, reason=reason, summary=summary)
    if questionnaires and not patient.email and patient.user_id is None:
        raise InvalidInput(
            {
                "questionnaires": [
                    f"{patient.given_name} has no e-mail address and no portal login, so follow-ups would "
                    "never reach them: add an e-mail address first, or choose none"
                ]
            }
        )
    plan = None
    if questionnaires:
        plan = invitations.schedule_follow_ups(
            actor, closed.pk, closed.closed_on, list(questionnaires), patient_id=closed.patient_id
        )
    return Discharged(closed, plan)


@transaction.atomic
def reopen(actor: User, patient_id: Any, episode_id: Any, reason: Any) -> tuple[Episode, int]:
    """Undo the discharge and withdraw its follow-ups that are not answered yet; returns the episode
    and how many invitations were withdrawn."""
    _, episode = find_patient_episode(actor, patient_id, episode_id)
    reopened = visits.reopen_episode(actor, episode.pk, reason)
    pending = QuestionnaireInvitation.objects.filter(
        episode=reopened, timepoint__in=FOLLOW_UPS, used_at__isnull=True, cancelled_at__isnull=True
    ).values_list("pk", flat=True)
    withdrawn = 0
    for invitation_id in list(pending):
        invitations.cancel_invitation(actor, invitation_id, episode_id=reopened.pk)
        withdrawn += 1
    return reopened, withdrawn
