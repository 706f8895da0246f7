"""Questionnaire cards for pages owned by others: the episode's invitations (staff) and what is
waiting for the patient (portal home).

    {% load outcomes_invitations %}
    {% invitations_panel episode %}        on a staff page that has already checked the episode
    {% questionnaires_portal_card patient %}   on the portal home
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from needlepoint.knowledge.outcomes import load_questionnaires
from needlepoint.outcomes.models import QuestionnaireInvitation, Timepoint
from needlepoint.outcomes.services import invitations
from needlepoint.patients.models import Patient

register = template.Library()


@register.inclusion_tag("outcomes/_invitations.html", takes_context=True)
def invitations_panel(context: dict[str, Any], episode: Any) -> dict[str, Any]:
    """The episode's invitations with their status, and the forms to send one or schedule the
    follow-ups. Only for clinic staff; the caller has checked that they may see the episode."""
    user = context["request"].user
    if not getattr(user, "is_clinic_staff", False) or episode is None or episode.clinic_id != user.clinic_id:
        return {"show": False}
    now = timezone.now()
    titles = {q.id: q.title for q in load_questionnaires().values()}
    rows = [
        {
            "invitation": inv,
            "title": titles.get(inv.questionnaire, inv.questionnaire),
            "status": invitations.status_of(inv, now),
        }
        for inv in invitations.episode_invitations(episode)
    ]
    suggested = invitations.suggested_questionnaires(episode.condition_id)
    return {
        "show": True,
        "episode": episode,
        "rows": rows,
        "questionnaires": [(q.id, q.title, q.id in suggested) for q in load_questionnaires().values()],
        "default_questionnaire": suggested[0] if suggested else "",
        "timepoints": Timepoint.choices,
        "follow_up_dates": (
            invitations.follow_up_times(episode.closed_on, episode.clinic.time_zone) if episode.closed_on else []
        ),
        "csrf_token": context.get("csrf_token"),
        "request": context["request"],
    }


@register.inclusion_tag("outcomes/portal_card.html", takes_context=True)
def questionnaires_portal_card(context: dict[str, Any], patient: Patient | None) -> dict[str, Any]:
    """How many questionnaires wait for the signed-in patient, with a link to answer them."""
    user = context["request"].user
    if patient is None or not getattr(user, "is_patient_user", False):
        return {"patient": None}
    waiting = list(
        QuestionnaireInvitation.objects.visible_to(user)
        .filter(invitations.open_filter(timezone.now()))
        .order_by("expires_at")
    )
    titles = {q.id: q.title for q in load_questionnaires().values()}
    return {"patient": patient, "waiting": [(inv, titles.get(inv.questionnaire, inv.questionnaire)) for inv in waiting]}
