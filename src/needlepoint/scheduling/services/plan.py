"""The plan of care on the booking page: when the patient's next visits fall, 1-2 weeks apart as
the open episode plans them, skipping days the clinic is closed and days already booked. The dates
are worked out by :func:`needlepoint.clinical.outcomes.cadence.suggest_next_dates`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from needlepoint.accounts.models import User
from needlepoint.audit import services as audit
from needlepoint.clinical.outcomes.cadence import suggest_next_dates
from needlepoint.patients.services import find_patient
from needlepoint.scheduling.models import Appointment
from needlepoint.scheduling.services.common import require_staff, rules_for
from needlepoint.visits.models import Episode, Visit


@dataclass(frozen=True)
class CadencePlan:
    episode: Episode | None
    sessions_done: int = 0
    planned_sessions: int = 0
    interval_weeks: int = 1
    last_visit: dt.date | None = None
    booked: list[dt.date] = field(default_factory=list)
    suggestions: list[dt.date] = field(default_factory=list)

    @property
    def remaining(self) -> int:
        return max(0, self.planned_sessions - self.sessions_done)


@transaction.atomic
def plan_of_care(actor: User, patient_id: Any) -> CadencePlan:
    """The open episode's cadence and the suggested next dates (reading the plan is audited)."""
    patient = find_patient(actor, patient_id)  # first: outsiders learn nothing
    require_staff(actor, "book appointments for a patient")
    booking = rules_for(patient.clinic)
    today = timezone.localdate(timezone=booking.tz)
    upcoming = (
        Appointment.objects.visible_to(actor)
        .filter(patient=patient, starts_at__gte=timezone.now())
        .holding_time()
        .values_list("starts_at", flat=True)
    )
    booked = sorted({moment.astimezone(booking.tz).date() for moment in upcoming})
    episode = (
        Episode.objects.visible_to(actor).filter(patient=patient, closed_on__isnull=True).order_by("-opened_on").first()
    )
    if episode is None:
        return CadencePlan(episode=None, booked=booked)
    audit.record(audit.Action.READ, episode, actor=actor, clinic_id=episode.clinic_id)
    visits = list(Visit.objects.visible_to(actor).filter(episode=episode).values_list("visit_date", flat=True))
    last_visit = max(visits, default=None)
    suggestions = suggest_next_dates(
        last_visit=last_visit or episode.opened_on,
        interval_weeks=episode.interval_weeks,
        sessions_done=len(visits),
        planned_sessions=episode.planned_sessions,
        booked=booked,
        today=today,
        closed_weekdays={iso - 1 for iso in booking.closed_weekdays},  # date.weekday(): Monday 0
    )
    return CadencePlan(
        episode=episode,
        sessions_done=len(visits),
        planned_sessions=episode.planned_sessions,
        interval_weeks=episode.interval_weeks,
        last_visit=last_visit,
        booked=booked,
        suggestions=list(suggestions),
    )
