"""Shared set-up for the outcome-measure tests (no tests here): Pat's neck-pain episode opened
60 days ago, and helpers to record values and sign visits with pain ratings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.base import ClinicTestCase

from needlepoint.outcomes.models import Measurement
from needlepoint.outcomes.services.measurements import record_measurement
from needlepoint.visits import services as visits
from needlepoint.visits.models import Episode, Visit
from needlepoint.visits.services.common import clinic_today

EPISODE = {
    "condition": "neck-pain",
    "icd10_code": "M54.2",
    "regions": [{"region": "neck.posterolateral", "side": "left"}],
    "planned_sessions": 6,
    "interval_weeks": 1,
}


class OutcomesTestCase(ClinicTestCase):
    episode: Episode

    def setUp(self) -> None:
        super().setUp()
        self.today = clinic_today(self.clinic.pk)
        self.episode = visits.create_episode(
            self.alice, self.pat_record.pk, {**EPISODE, "opened_on": self.today - dt.timedelta(days=60)}
        )

    def day(self, n: int) -> dt.date:
        """The n-th day of the episode (0 = the day it opened)."""
        return self.episode.opened_on + dt.timedelta(days=n)

    def measure(
        self, measure: str, value: Any, *, day: int = 0, timepoint: str = "baseline", **extra: Any
    ) -> Measurement:
        return record_measurement(
            self.alice,
            patient_id=self.pat_record.pk,
            episode_id=self.episode.pk,
            measure=measure,
            timepoint=timepoint,
            taken_on=self.day(day),
            value=value,
            **extra,
        )

    def signed_visit(self, day: int, before: int | None, after: int | None, episode: Episode | None = None) -> Visit:
        episode = episode or self.episode
        visit = visits.start_visit(self.alice, episode.pk, visit_date=self.day(day))
        visit = visits.record_pain_ratings(self.alice, visit.pk, visit.version, before=before, after=after)
        return visits.sign_visit(self.alice, visit.pk, visit.version, 0, 0)
