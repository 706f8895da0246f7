"""Consent cards for pages owned by other apps: the portal home and the staff patient page."""

from __future__ import annotations

from typing import Any

from django import template

from needlepoint.consent import content, services
from needlepoint.patients.models import Patient

register = template.Library()


@register.inclusion_tag("consent/_portal_card.html")
def consent_portal_card(patient: Patient | None) -> dict[str, Any]:
    """'Consent: signed on … (version …)' with the PDF, or a button to read and sign."""
    if patient is None:
        return {"patient": None, "summary": None}
    return {"patient": patient, "summary": services.consent_summary(patient)}


@register.inclusion_tag("consent/_chart_card.html")
def consent_chart_card(patient: Patient | None) -> dict[str, Any]:
    """The patient's consent status for clinic staff, with warnings and a link to the consent page."""
    if patient is None:
        return {"patient": None, "summary": None}
    return {"patient": patient, "summary": services.consent_summary(patient)}


@register.filter
def band_label(band: str) -> str:
    return content.BAND_LABELS.get(str(band), str(band))
