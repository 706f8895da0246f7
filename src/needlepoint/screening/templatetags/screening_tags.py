"""Screening cards for the patient page and the portal home."""

from __future__ import annotations

from typing import Any

from django import template

from needlepoint.screening import services

register = template.Library()


@register.inclusion_tag("screening/_chart_card.html", takes_context=True)
def screening_chart_card(context: dict[str, Any], patient: Any) -> dict[str, Any]:
    user = context["request"].user
    history = services.history(user, patient)
    latest = history[0] if history else None
    return {
        "patient": patient,
        "latest": latest,
        "current": latest is not None and services.is_current(latest, patient),
        "effective": services.effective_result(latest) if latest else None,
        "count": len(history),
    }


@register.inclusion_tag("screening/_portal_card.html")
def screening_portal_card(patient: Any) -> dict[str, Any]:
    latest = services.latest(patient) if patient is not None else None
    return {
        "patient": patient,
        "latest": latest,
        "current": latest is not None and services.is_current(latest, patient),
    }
