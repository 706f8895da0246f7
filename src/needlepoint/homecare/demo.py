"""Demo home programmes, created through the services (validated and audited like real use).

``seed_demo(clinic)`` gives every open episode of the clinic the first few suggested exercises at
their library dose. The portal patient (a patient with a login) gets an episode of neck pain if they
have none, so that the portal shows a programme. Idempotent: a clinic that already has assignments
is left alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from needlepoint.accounts.models import Clinic, Role, User
from needlepoint.clinical.home_exercise import suggest_exercises
from needlepoint.homecare import services
from needlepoint.homecare.models import ExerciseAssignment
from needlepoint.knowledge import load_knowledge
from needlepoint.patients.models import Patient
from needlepoint.visits import services as visits
from needlepoint.visits.models import Episode
from needlepoint.visits.services.common import clinic_today

PER_EPISODE = 3
PORTAL_EPISODE = {
    "condition": "neck-pain",
    "icd10_code": "M54.2",
    "regions": [{"region": "neck.posterolateral", "side": "right"}, {"region": "shoulder.top", "side": "right"}],
    "goals": "Work at the computer all day without neck ache.",
    "planned_sessions": 4,
    "interval_weeks": 1,
    "co_treatments": ["exercise", "stretching"],
}
PORTAL_NOTES = {
    "upper-trapezius-stretch": "Do this one at your desk mid-morning and mid-afternoon.",
}


def seed_demo(clinic: Clinic, progress: Callable[[str], None] = lambda message: None) -> int:
    """Assign demo programmes in ``clinic``; returns how many exercises were assigned."""
    if ExerciseAssignment.objects.filter(clinic=clinic).exists():
        return 0
    clinician = User.objects.filter(clinic=clinic, role=Role.CLINICIAN, is_active=True).order_by("username").first()
    if clinician is None:
        return 0
    portal = Patient.objects.filter(clinic=clinic, user__isnull=False).order_by("chart_number").first()
    if portal is not None and not Episode.objects.filter(patient=portal, closed_on__isnull=True).exists():
        visits.create_episode(
            clinician,
            portal.pk,
            {**PORTAL_EPISODE, "opened_on": clinic_today(clinic.pk) - dt.timedelta(days=3)},
        )
    kb = load_knowledge()
    library = services.library()
    count = 0
    for episode in Episode.objects.filter(clinic=clinic, closed_on__isnull=True).select_related("patient"):
        suggestions = suggest_exercises(
            library.exercises,
            kb,
            regions=[r["region"] for r in episode.regions],
            condition_id=episode.condition_id,
            limit=PER_EPISODE,
        )
        for suggestion in suggestions:
            data: dict[str, object] = {"exercise_id": suggestion.exercise.id}
            if episode.patient_id == (portal.pk if portal else None) and suggestion.exercise.id in PORTAL_NOTES:
                data["notes"] = PORTAL_NOTES[suggestion.exercise.id]
            services.assign(clinician, episode.patient_id, episode.pk, data)
            count += 1
        progress(f"{clinic.name}: home programme for {episode.patient.full_name} ({len(suggestions)} exercises)")
    return count
