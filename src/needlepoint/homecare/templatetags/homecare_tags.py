"""Home-programme cards for pages owned by other apps: the episode page and the portal home.

The pages that include them already audit their read of the chart (the episode page, the portal
home), so the cards add no audit rows of their own.
"""

from __future__ import annotations

from typing import Any

from django import template

from needlepoint.homecare import services
from needlepoint.homecare.models import ExerciseAssignment
from needlepoint.patients.models import Patient
from needlepoint.visits.models import Episode

register = template.Library()


@register.inclusion_tag("homecare/_episode_card.html", takes_context=True)
def homecare_episode_card(context: dict[str, Any], episode: Episode) -> dict[str, Any]:
    """The episode's current home exercises and a link to the programme page (clinic staff)."""
    user = context["request"].user
    assignments = list(ExerciseAssignment.objects.visible_to(user).current().filter(episode=episode))
    return {"episode": episode, "assignments": assignments}


@register.inclusion_tag("homecare/_portal_card.html", takes_context=True)
def homecare_portal_card(context: dict[str, Any], patient: Patient | None) -> dict[str, Any]:
    """The signed-in patient's current exercises with links to the page and the PDF."""
    if patient is None:
        return {"patient": None, "assignments": []}
    return {"patient": patient, "assignments": services.current_for_patient(context["request"].user)}
