"""Is this patient ready to be needled? Gathers the screening and consent states for the pure gate
in needlepoint.clinical.readiness (which decides)."""

from __future__ import annotations

from django.utils import timezone

from needlepoint.clinical.readiness import Readiness, may_needle
from needlepoint.consent import services as consent
from needlepoint.patients.models import Patient
from needlepoint.screening import services as screening


def readiness(patient: Patient) -> Readiness:
    return may_needle(screening.screening_state(patient), consent.consent_state(patient), timezone.now())
