"""Recording measurements: each value is checked against its measure's definition, only
clinicians and clinic administrators record, outsiders learn nothing, every write is audited, and
a wrong value is marked entered in error (never edited)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from tests.integration.test_outcomes_measures_helpers import EPISODE, OutcomesTestCase

from needlepoint.audit.models import AuditEvent
from needlepoint.errors import Forbidden, InvalidInput, NotFound
from needlepoint.outcomes.models import Measurement
from needlepoint.outcomes.services.measurements import mark_measurement_in_error, record_measurement
from needlepoint.visits import services as visits


class ValidationTests(OutcomesTestCase):
    def refused(self, measure: str, value: Any, **extra: Any) -> dict[str, list[str]]:
        before = Measurement.objects.count()
        with pytest.raises(InvalidInput) as caught:
            self.measure(measure, value, **extra)
        assert Measurement.objects.count() == before, "nothing is half-saved"
        return caught.value.errors

    def test_a_valid_value_of_each_measure_is_stored_with_its_unit(self) -> None:
        rows = [
            self.measure("nprs", 7),
            self.measure("vas", "62.5"),
            self.measure("rom", 55, joint="cervical", movement="rotation", side="left"),
            self.measure("rom", 40, joint="cervical", movement="flexion"),
            self.measure("ppt", "2.35", site="upper-trapezius", side="right"),
            self.measure("ppt", "3.1", site="elbow.lateral", side="right"),
            self.measure("grip-strength", 31, side="right"),
            self.measure("fhsq", 45),
        ]
        assert [(r.measure, r.value, r.unit) for r in rows] == [
            ("nprs", Decimal("7.00"), "points"),
            ("vas", Decimal("62.50"), "mm"),
            ("rom", Decimal("55.00"), "degrees"),
            ("rom", Decimal("40.00"), "degrees"),
            ("ppt", Decimal("2.35"), "kg/cm2"),
            ("ppt", Decimal("3.10"), "kg/cm2"),
            ("grip-strength", Decimal("31.00"), "kg"),
            ("fhsq", Decimal("45.00"), "points"),
        ]
        assert rows[2].series_key == ("rom", "cervical", "rotation", "", "left")
        assert all(r.clinic_id == self.clinic.pk and r.patient_id == self.pat_record.pk for r in rows)
        assert rows[0].recorded_by == self.alice

    def test_nprs_is_a_whole_number_from_0_to_10(self) -> None:
        assert "whole number" in self.refused("nprs", "6.5")["value"][0]
        assert "0 to 10" in self.refused("nprs", 11)["value"][0]
        assert self.refused("nprs", -1)["value"]
        assert "not a number" in self.refused("nprs", "seven")["value"][0]
        assert self.refused("nprs", "")["value"] == ["enter the measured value"]

    def test_vas_is_0_to_100_mm(self) -> None:
        assert self.refused("vas", "100.5")["value"] == ["VAS is from 0 to 100 mm"]
        assert self.measure("vas", 100).value == Decimal("100.00")

    def test_at_most_two_decimals(self) -> None:
        assert self.refused("ppt", "2.345", site="upper-trapezius", side="left")["value"] == [
            "at most two decimal places"
        ]

    def test_rom_needs_a_joint_a_movement_of_that_joint_and_a_side_where_it_has_one(self) -> None:
        assert set(self.refused("rom", 50)) == {"joint", "movement"}
        assert set(self.refused("rom", 50, joint="neck", movement="rotation", side="left")) == {"joint"}
        errors = self.refused("rom", 50, joint="knee", movement="rotation", side="left")
        assert "not a movement of the knee" in errors["movement"][0]
        assert self.refused("rom", 50, joint="shoulder", movement="abduction")["side"] == [
            "choose the side: left or right"
        ]
        assert "has no side" in self.refused("rom", 50, joint="lumbar", movement="flexion", side="left")["side"][0]
        assert "0 to 360" in self.refused("rom", 400, joint="knee", movement="flexion", side="left")["value"][0]

    def test_ppt_needs_a_site_and_a_side_unless_the_region_is_midline(self) -> None:
        assert set(self.refused("ppt", 2)) == {"site"}
        assert "not a muscle or a body region" in self.refused("ppt", 2, site="elbow", side="left")["site"][0]
        assert self.refused("ppt", 2, site="upper-trapezius")["side"] == ["choose the side: left or right"]
        assert "midline" in self.refused("ppt", 2, site="head.vertex", side="left")["side"][0]
        assert self.measure("ppt", 2, site="head.vertex").side == ""

    def test_grip_needs_a_side_and_qualifiers_a_measure_does_not_use_are_refused(self) -> None:
        assert self.refused("grip-strength", 30)["side"] == ["choose the side: left or right"]
        assert self.refused("grip-strength", 30, side="up")["side"] == ["must be left or right"]
        errors = self.refused("nprs", 5, joint="knee", site="upper-trapezius", side="left")
        assert set(errors) == {"joint", "site", "side"} and "not used for NPRS" in errors["joint"][0]

    def test_measure_timepoint_date_visit_and_notes_are_named(self) -> None:
        errors = self.refused("ndi", 5)  # a questionnaire: answered item by item, not recorded here
        assert "not a measure recorded here" in errors["measure"][0]
        assert set(self.refused("nprs", 5, timepoint="someday")) == {"timepoint"}
        with pytest.raises(InvalidInput) as caught:
            record_measurement(
                self.alice,
                patient_id=self.pat_record.pk,
                episode_id=self.episode.pk,
                measure="nprs",
                timepoint="baseline",
                taken_on=self.today + dt.timedelta(days=1),
                value=5,
                notes="x" * 301,
                visit_id="2b0a4c36-0000-4000-8000-000000000000",
            )
        assert set(caught.value.errors) == {"taken_on", "notes", "visit_id"}
        assert caught.value.errors["taken_on"] == ["cannot be in the future"]
        errors = self.refused("nprs", 5, day=-1)
        assert "before the episode of care opened" in errors["taken_on"][0]
        with pytest.raises(InvalidInput) as caught:
            record_measurement(
                self.alice,
                patient_id=self.pat_record.pk,
                episode_id=self.episode.pk,
                measure="nprs",
                timepoint="baseline",
                taken_on="last tuesday",
                value=5,
            )
        assert set(caught.value.errors) == {"taken_on"}

    def test_a_visit_of_the_episode_may_be_named(self) -> None:
        visit = self.signed_visit(3, 6, 3)
        row = self.measure("nprs", 6, day=3, timepoint="visit_pre", visit_id=str(visit.pk))
        assert row.visit == visit
        other = visits.create_episode(self.alice, self.olive.pk, EPISODE)
        other_visit = visits.start_visit(self.alice, other.pk)
        assert set(self.refused("nprs", 5, visit_id=other_visit.pk)) == {"visit_id"}


class AccessTests(OutcomesTestCase):
    def record(self, actor: Any, **changes: Any) -> Measurement:
        data: dict[str, Any] = {
            "patient_id": self.pat_record.pk,
            "episode_id": self.episode.pk,
            "measure": "nprs",
            "timepoint": "baseline",
            "taken_on": self.today,
            "value": 6,
            **changes,
        }
        return record_measurement(actor, **data)

    def test_clinicians_and_admins_record_front_desk_may_not(self) -> None:
        assert self.record(self.bob).recorded_by == self.bob
        assert self.record(self.ada).recorded_by == self.ada
        with pytest.raises(Forbidden):
            self.record(self.fran)
        assert Measurement.objects.count() == 2

    def test_outsiders_and_patients_learn_nothing(self) -> None:
        for user in (self.charlie, self.pat):
            with pytest.raises(NotFound):
                self.record(user)
        with pytest.raises(NotFound):  # an episode of another patient
            self.record(self.alice, patient_id=self.olive.pk)
        with pytest.raises(NotFound):
            self.record(self.alice, episode_id="not-a-uuid")
        assert not Measurement.objects.exists()

    def test_a_bad_value_from_an_outsider_is_still_404(self) -> None:
        with pytest.raises(NotFound):
            self.record(self.charlie, value="nonsense", measure="none")


class AuditAndErrorTests(OutcomesTestCase):
    def test_recording_is_audited_in_the_same_transaction(self) -> None:
        row = self.measure("rom", 60, joint="cervical", movement="rotation", side="right")
        event = AuditEvent.objects.get(object_id=str(row.pk))
        assert (event.action, event.object_type, event.actor_id) == ("create", "outcomes.measurement", self.alice.pk)
        assert event.patient_id == str(self.pat_record.pk) and event.clinic_id == self.clinic.pk
        assert event.after["value"] == "60.00" and event.after["movement"] == "rotation"

    def test_marking_in_error_keeps_the_row_with_the_reason_and_is_audited(self) -> None:
        row = self.measure("nprs", 8)
        marked = mark_measurement_in_error(self.bob, row.pk, "  Typed 8 for 3.  ")
        stored = Measurement.objects.get(pk=row.pk)
        assert marked.entered_in_error and stored.entered_in_error and stored.error_reason == "Typed 8 for 3."
        assert stored.value == Decimal("8.00"), "the value itself never changes"
        event = AuditEvent.objects.filter(object_id=str(row.pk), action="update").get()
        assert event.after == {"entered_in_error": True, "error_reason": "Typed 8 for 3."}
        assert event.actor_id == self.bob.pk
        assert Measurement.objects.in_use().count() == 0

    def test_marking_needs_a_reason_once_and_the_right_people(self) -> None:
        row = self.measure("nprs", 8)
        with pytest.raises(InvalidInput) as caught:
            mark_measurement_in_error(self.alice, row.pk, "  ")
        assert set(caught.value.errors) == {"reason"}
        with pytest.raises(InvalidInput):
            mark_measurement_in_error(self.alice, row.pk, "x" * 301)
        with pytest.raises(Forbidden):
            mark_measurement_in_error(self.fran, row.pk, "wrong")
        for user in (self.charlie, self.pat):
            with pytest.raises(NotFound):
                mark_measurement_in_error(user, row.pk, "wrong")
        mark_measurement_in_error(self.alice, row.pk, "wrong patient")
        with pytest.raises(InvalidInput) as caught:
            mark_measurement_in_error(self.alice, row.pk, "again")
        assert "already" in caught.value.errors["reason"][0]
        assert Measurement.objects.get(pk=row.pk).error_reason == "wrong patient"
