"""The demo week of appointments: realistic, never double-booked, added once."""

from __future__ import annotations

import itertools

from tests.base import ClinicTestCase

from needlepoint.scheduling import rules
from needlepoint.scheduling.demo import seed_demo
from needlepoint.scheduling.models import Appointment


class DemoWeekTests(ClinicTestCase):
    def test_a_week_around_today_once_without_clashes(self) -> None:
        made = seed_demo(self.clinic)
        assert made > 20
        assert Appointment.objects.count() == made
        assert seed_demo(self.clinic) == 0  # again: nothing added
        statuses = set(Appointment.objects.values_list("status", flat=True))
        assert {"booked", "completed"} <= statuses
        for clinician in (self.alice, self.bob):
            held = list(Appointment.objects.filter(clinician=clinician).holding_time().order_by("starts_at"))
            for a, b in itertools.pairwise(held):
                assert not rules.overlaps((a.starts_at, a.ends_at), (b.starts_at, b.ends_at)), (a, b)
        own = Appointment.objects.filter(patient=self.pat_record)
        assert own.filter(status="booked").count() == 2 and own.filter(status="completed").count() == 1
        assert not Appointment.objects.exclude(clinic=self.clinic).exists()
