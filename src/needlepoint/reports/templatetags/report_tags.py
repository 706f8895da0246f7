"""Report cards for pages owned by other apps: the portal home and an episode's page."""

from __future__ import annotations

from typing import Any

from django import template

from needlepoint.reports.services import REPORT_ROLES
from needlepoint.reports.wording import AUDIENCE_LABELS, AUDIENCES

register = template.Library()


@register.inclusion_tag("reports/_portal_card.html")
def reports_portal_card(patient: Any) -> dict[str, Any]:
    """A link to the patient's own progress page (portal home)."""
    return {"patient": patient}


@register.inclusion_tag("reports/_report_links.html", takes_context=True)
def progress_report_links(context: dict[str, Any], episode: Any) -> dict[str, Any]:
    """Links to the episode's progress report PDF for each audience (clinicians and admins)."""
    user = context["request"].user
    allowed = getattr(user, "role", None) in REPORT_ROLES
    return {
        "episode": episode,
        "allowed": allowed,
        "audiences": [(a, AUDIENCE_LABELS[a]) for a in AUDIENCES],
    }
