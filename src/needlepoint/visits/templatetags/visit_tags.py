"""Visit cards for pages owned by other apps (the patient page, the portal home), and filters the
note's templates share."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from needlepoint.patients.models import Patient
from needlepoint.visits import services
from needlepoint.visits.models import Visit
from needlepoint.visits.views.documents import portal_visits

register = template.Library()

DASH = "\N{EN DASH}"  # an empty cell
RECENT_VISITS = 5
PORTAL_HANDOUTS = 5


@register.inclusion_tag("visits/_chart_card.html", takes_context=True)
def visits_chart_card(context: dict[str, Any], patient: Patient | None) -> dict[str, Any]:
    """Episodes of care with their visits, and the buttons to open an episode or start a visit."""
    user = context["request"].user
    if patient is None:
        return {"patient": None}
    episodes = services.list_episodes(user, patient.pk)
    visits = services.list_visits(user, patient_id=patient.pk)
    by_episode: dict[Any, list[Visit]] = {}
    for visit in visits:
        by_episode.setdefault(visit.episode_id, []).append(visit)
    rows = [
        {
            "episode": episode,
            "summary": services.episode_summary(episode),
            "visits": [
                (len(by_episode[episode.pk]) - i, visit)
                for i, visit in enumerate(by_episode.get(episode.pk, [])[:RECENT_VISITS])
            ],
            "count": len(by_episode.get(episode.pk, [])),
            "draft": next((v for v in by_episode.get(episode.pk, []) if not v.is_signed), None),
        }
        for episode in episodes
    ]
    return {"patient": patient, "rows": rows, "can_write": getattr(user, "role", None) == "clinician"}


@register.inclusion_tag("visits/_portal_card.html", takes_context=True)
def visits_portal_card(context: dict[str, Any], patient: Patient | None) -> dict[str, Any]:
    """The patient's latest aftercare handouts (signed visits only)."""
    if patient is None:
        return {"patient": None, "visits": []}
    return {"patient": patient, "visits": list(portal_visits(context["request"].user)[:PORTAL_HANDOUTS])}


@register.filter
def side_letter(side: str | None) -> str:
    return {"left": "L", "right": "R"}.get(side or "", "")


@register.filter
def retention(seconds: int | None) -> str:
    """120 -> '2 min', 90 -> '1.5 min', 30 -> '30 s'."""
    if seconds is None:
        return DASH
    if seconds < 60:
        return f"{seconds} s"
    return f"{Decimal(seconds) / 60:.2f}".rstrip("0").rstrip(".") + " min"


@register.filter
def mm(value: Decimal | float | None) -> str:
    if value is None:
        return DASH
    return f"{Decimal(str(value)).normalize():f}"


@register.filter
def get(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def get_index(items: Any, index: Any) -> Any:
    try:
        return items[int(index)]
    except (TypeError, ValueError, IndexError):
        return None


@register.filter
def label_of(value: str, choices: Any) -> str:
    """The label of a value among (value, label) choices."""
    return dict(choices).get(value, value)


@register.filter
def codes(findings: Any) -> list[str]:
    return [f.code for f in findings or []]
