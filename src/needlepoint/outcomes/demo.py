"""Demo outcome measures: for each episode with a signed visit, a baseline on the day the episode
opened and a later value today (measures, and for neck pain the NDI), so the outcomes page and
the charts show change.

Recorded through :func:`needlepoint.outcomes.services.measurements.record_measurement` (validated
and audited like real use). The neck-pain course improves (a responder), the elbow improves by less
than the measurement error (not a responder) and the low back gets worse. Idempotent: an episode
that already has measurements is left alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Q

from needlepoint.accounts.models import Clinic, Role, User
from needlepoint.outcomes.models import Measurement, QuestionnaireResponse, Timepoint
from needlepoint.outcomes.services.measurements import record_measurement
from needlepoint.outcomes.services.questionnaires import questionnaires, submit_response
from needlepoint.visits.models import Episode, Visit

Progress = Callable[[str], None]

#: condition -> [(measure, qualifiers, baseline, later)]; the side "*" is the episode's first side.
PLANS: dict[str, list[tuple[str, dict[str, str], Any, Any]]] = {
    "neck-pain": [
        ("nprs", {}, 7, 3),
        ("rom", {"joint": "cervical", "movement": "rotation", "side": "*"}, 52, 66),
        ("ppt", {"site": "upper-trapezius", "side": "*"}, "1.80", "2.60"),
    ],
    "lateral-epicondylalgia": [
        ("nprs", {}, 6, 5),
        ("ppt", {"site": "elbow.lateral", "side": "*"}, "2.10", "2.40"),
        ("grip-strength", {"side": "*"}, 22, 25),
    ],
    "low-back-pain": [
        ("nprs", {}, 6, 8),
        ("rom", {"joint": "lumbar", "movement": "flexion"}, 48, 45),
    ],
}
DEFAULT_PLAN = [("nprs", {}, 6, 4)]
#: condition -> [(questionnaire, answers at baseline, answers later)], answered at the clinic.
QUESTIONNAIRE_PLANS: dict[str, list[tuple[str, list[int], list[int]]]] = {
    # NDI: 22 of 50 (44%) at baseline, 9 of 50 (18%) later.
    "neck-pain": [("ndi", [3, 1, 2, 2, 3, 2, 3, 2, 2, 2], [1, 0, 1, 1, 1, 1, 1, 1, 1, 1])],
}


def _side(episode: Episode) -> str:
    return next((r.get("side") for r in episode.regions if r.get("side")), None) or "right"


def _seed_episode(episode: Episode, actor: User) -> int:
    today = episode.clinic.today()
    if today <= episode.opened_on:
        return 0  # opened today: nothing to compare yet
    visit_today = Visit.objects.filter(episode=episode, visit_date=today).first()
    count = 0
    def baseline_then_today(first: Any, later: Any) -> list[tuple[Timepoint, dt.date, Any, Visit | None]]:
        """Each value with its timepoint, day and visit: the baseline when the episode opened, the
        later value today (at today's visit, if there is one)."""
        return [(Timepoint.BASELINE, episode.opened_on, first, None), (Timepoint.VISIT_PRE, today, later, visit_today)]

    for measure, qualifiers, baseline, later in PLANS.get(episode.condition_id, DEFAULT_PLAN):
        where = {k: (_side(episode) if v == "*" else v) for k, v in qualifiers.items()}
        for timepoint, day, value, visit in baseline_then_today(baseline, later):
            record_measurement(
                actor,
                patient_id=episode.patient_id,
                episode_id=episode.pk,
                measure=measure,
                timepoint=timepoint.value,
                taken_on=day,
                value=value,
                visit_id=visit.pk if visit is not None else None,
                **where,
            )
            count += 1
    for questionnaire_id, baseline_answers, later_answers in QUESTIONNAIRE_PLANS.get(episode.condition_id, []):
        items = [item.id for item in questionnaires()[questionnaire_id].items]
        for timepoint, day, answers, visit in baseline_then_today(baseline_answers, later_answers):
            submit_response(
                actor,
                patient_id=episode.patient_id,
                episode_id=episode.pk,
                questionnaire_id=questionnaire_id,
                answers=dict(zip(items, answers, strict=True)),
                timepoint=timepoint.value,
                completed_on=day,
                source=QuestionnaireResponse.Source.CLINIC,
                visit_id=visit.pk if visit is not None else None,
            )
            count += 1
    return count


def seed_demo(clinic: Clinic, progress: Progress = lambda message: None) -> int:
    """Baseline and later measurements for the clinic's episodes that have a signed visit (and for
    the portal patient's).
    Returns how many values were recorded (0 when run again)."""
    # Courses with a signed visit, and the portal patient's course (so their progress page has a chart).
    episodes = (
        Episode.objects.filter(Q(visits__status=Visit.Status.SIGNED) | Q(patient__user__isnull=False), clinic=clinic)
        .select_related("clinic", "patient", "created_by")
        .distinct()
        .order_by("opened_on", "created_at")
    )
    fallback = User.objects.filter(clinic=clinic, role=Role.CLINICIAN, is_active=True).order_by("username").first()
    total = 0
    for episode in episodes:
        if Measurement.objects.filter(episode=episode).exists():
            continue
        actor = episode.created_by if episode.created_by.role == Role.CLINICIAN else fallback
        if actor is None:
            continue
        with transaction.atomic():
            recorded = _seed_episode(episode, actor)
        if recorded:
            progress(f"{clinic.name}: {recorded} outcome values for {episode.patient.full_name}")
        total += recorded
    return total
