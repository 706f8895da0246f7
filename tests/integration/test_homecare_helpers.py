"""Shared set-up for the home-programme tests (no tests here): an episode of neck pain for Pat (who
has a portal login), one of low back pain for Olive, and one for Bruno at the other clinic."""

from __future__ import annotations

from typing import Any

from django.test import Client
from tests.base import ClinicTestCase

from needlepoint.accounts.models import User
from needlepoint.homecare import services
from needlepoint.homecare.models import ExerciseAssignment
from needlepoint.visits import services as visits
from needlepoint.visits.models import Episode

ZERO = "00000000-0000-4000-8000-000000000000"
NECK = {
    "condition": "neck-pain",
    "icd10_code": "M54.2",
    "regions": [{"region": "neck.posterolateral", "side": "left"}],
    "planned_sessions": 6,
}
BACK = {
    "condition": "low-back-pain",
    "icd10_code": "M54.50",
    "regions": [{"region": "back.lumbar", "side": "right"}],
    "planned_sessions": 4,
}


class HomecareTestCase(ClinicTestCase):
    episode: Episode
    olive_episode: Episode
    bruno_episode: Episode

    def setUp(self) -> None:
        super().setUp()
        self.episode = visits.create_episode(self.alice, self.pat_record.pk, NECK)
        self.olive_episode = visits.create_episode(self.alice, self.olive.pk, BACK)
        self.bruno_episode = visits.create_episode(self.charlie, self.bruno.pk, NECK)

    def url(self, suffix: str = "", episode: Episode | None = None) -> str:
        ep = episode or self.episode
        return f"/patients/{ep.patient_id}/episodes/{ep.pk}/exercises/{suffix}"

    def pdf_url(self, episode: Episode | None = None) -> str:
        ep = episode or self.episode
        return f"/patients/{ep.patient_id}/episodes/{ep.pk}/exercises.pdf"

    def give(
        self, exercise_id: str, episode: Episode | None = None, actor: User | None = None, **data: Any
    ) -> ExerciseAssignment:
        ep = episode or self.episode
        return services.assign(actor or self.alice, ep.patient_id, ep.pk, {"exercise_id": exercise_id, **data})

    def token(self, client: Client | None = None) -> str:
        client = client or self.client
        if "csrftoken" not in client.cookies:
            client.get("/patients/")
            if "csrftoken" not in client.cookies:
                client.get("/portal/")
        return client.cookies["csrftoken"].value

    def send(self, path: str, data: dict[str, Any] | None = None, **headers: str) -> Any:
        return self.client.post(path, {"csrfmiddlewaretoken": self.token(), **(data or {})}, headers=headers)


def dose_data(assignment: ExerciseAssignment, **changes: Any) -> dict[str, Any]:
    """The change-dose form as posted, with ``changes`` applied (None: the field left empty)."""
    prefix = f"dose-{assignment.pk}-"
    values: dict[str, Any] = {
        "sets": assignment.sets,
        "reps": assignment.reps,
        "hold_seconds": assignment.hold_seconds,
        "times_per_day": assignment.times_per_day,
        "days_per_week": assignment.days_per_week,
        "notes": assignment.notes,
        **changes,
    }
    return {prefix + key: "" if value is None else value for key, value in values.items()}
