"""Demo home programmes: every open episode gets its first suggestions through the services (so
they are audited), the portal patient gets an episode to show, and a second run adds nothing."""

from __future__ import annotations

from tests.integration.test_homecare_helpers import HomecareTestCase

from needlepoint.audit.models import AuditEvent
from needlepoint.homecare.demo import PER_EPISODE, seed_demo
from needlepoint.homecare.models import ExerciseAssignment
from needlepoint.visits.models import Episode


class DemoTests(HomecareTestCase):
    def test_seeding_assigns_suggestions_once(self) -> None:
        Episode.objects.filter(pk=self.olive_episode.pk).update(closed_on=self.olive_episode.opened_on)
        messages: list[str] = []
        count = seed_demo(self.clinic, messages.append)
        assert count == PER_EPISODE  # Pat's open episode only; Olive's is closed, Bruno's elsewhere
        rows = ExerciseAssignment.objects.filter(clinic=self.clinic)
        assert {a.episode_id for a in rows} == {self.episode.pk}
        assert "upper-trapezius-stretch" in {a.exercise_id for a in rows}
        assert AuditEvent.objects.filter(object_type="homecare.exerciseassignment", action="create").count() == count
        assert messages and "Pat Kowalski" in messages[0]
        assert seed_demo(self.clinic) == 0
        assert not ExerciseAssignment.objects.filter(clinic=self.other_clinic).exists()

    def test_the_portal_patient_gets_an_episode_when_they_have_none(self) -> None:
        Episode.objects.filter(patient=self.pat_record).update(closed_on=self.episode.opened_on)
        seed_demo(self.clinic)
        episode = Episode.objects.get(patient=self.pat_record, closed_on__isnull=True)
        assert episode.condition_id == "neck-pain"
        assert ExerciseAssignment.objects.filter(episode=episode).count() == PER_EPISODE
