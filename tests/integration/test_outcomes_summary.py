"""The episode's outcomes: series per measure and place, baseline and latest values, the change
label with its threshold, the responder status, entries in error left out, an audited read, and a
fixed number of queries however many values there are."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.integration.test_outcomes_measures_helpers import EPISODE, OutcomesTestCase

from needlepoint.audit.models import AuditEvent
from needlepoint.errors import NotFound
from needlepoint.outcomes.models import QuestionnaireResponse
from needlepoint.outcomes.services.measurements import mark_measurement_in_error
from needlepoint.outcomes.services.summary import (
    EpisodeOutcomes,
    MeasureSeries,
    SeriesPoint,
    baseline_of,
    episode_outcomes,
    latest_of,
    outcomes_for_episode,
    read_outcomes,
)
from needlepoint.visits import services as visits


def by_title(outcomes: EpisodeOutcomes) -> dict[str, MeasureSeries]:
    return {s.title: s for s in outcomes.series}


class SeriesTests(OutcomesTestCase):
    def test_nprs_takes_measurements_and_the_pain_ratings_of_signed_visits_only(self) -> None:
        self.measure("nprs", 7, day=0)
        self.signed_visit(7, 6, 3)
        self.signed_visit(14, 4, 2)
        draft = visits.start_visit(self.alice, self.episode.pk, visit_date=self.day(21))
        visits.record_pain_ratings(self.alice, draft.pk, draft.version, before=0, after=0)
        nprs = outcomes_for_episode(self.episode).series[0]
        assert (nprs.measure_id, nprs.label, nprs.unit, nprs.qualifier) == (
            "nprs",
            "Numeric Pain Rating Scale",
            "points",
            "",
        )
        assert [(p.taken_on, p.timepoint, p.value, p.source) for p in nprs.points] == [
            (self.day(0), "baseline", Decimal("7.00"), "measurement"),
            (self.day(7), "visit_pre", Decimal(6), "visit"),
            (self.day(7), "visit_post", Decimal(3), "visit"),
            (self.day(14), "visit_pre", Decimal(4), "visit"),
            (self.day(14), "visit_post", Decimal(2), "visit"),
        ]
        # The latest value is the last one not taken straight after a treatment.
        assert nprs.baseline == nprs.points[0] and nprs.latest == nprs.points[3]
        assert nprs.change is not None and nprs.change.label == "meaningful improvement"
        assert (nprs.change.baseline, nprs.change.current, nprs.change.delta) == (7, 4, -3)
        assert (nprs.mcid, nprs.mdc, nprs.direction) == (Decimal("2"), Decimal("1.77"), "lower is better")
        assert "ostelo-2008" in nprs.sources and "ostelo-2008" in nprs.change.sources

    def test_without_a_baseline_value_the_first_before_treatment_rating_is_the_baseline(self) -> None:
        self.signed_visit(7, 6, 3)
        self.measure("nprs", 5, day=20, timepoint="visit_pre")
        self.measure("nprs", 5, day=30, timepoint="discharge")
        nprs = outcomes_for_episode(self.episode).series[0]
        assert nprs.baseline == SeriesPoint(self.day(7), "visit_pre", Decimal(6), "visit")
        assert nprs.latest == SeriesPoint(self.day(30), "discharge", Decimal("5.00"), "measurement")

    def test_series_are_split_by_joint_movement_site_and_side(self) -> None:
        self.measure("rom", 50, joint="cervical", movement="rotation", side="left")
        self.measure("rom", 60, joint="cervical", movement="rotation", side="right")
        self.measure("rom", 40, joint="cervical", movement="flexion")
        self.measure("ppt", "2.1", site="upper-trapezius", side="left")
        self.measure("ppt", "2.9", site="upper-trapezius", side="right")
        self.measure("grip-strength", 30, side="left")
        self.measure("rom", 70, day=30, joint="cervical", movement="rotation", side="left", timepoint="discharge")
        series = by_title(outcomes_for_episode(self.episode))
        assert sorted(series) == [
            "Grip strength (dynamometer) · Left",
            "Pressure pain threshold (algometry) · Upper trapezius, left",
            "Pressure pain threshold (algometry) · Upper trapezius, right",
            "Range of motion · Cervical flexion",
            "Range of motion · Cervical rotation, left",
            "Range of motion · Cervical rotation, right",
        ]
        left = series["Range of motion · Cervical rotation, left"]
        assert [p.value for p in left.points] == [Decimal("50.00"), Decimal("70.00")]
        assert left.key == ("rom", "cervical", "rotation", "", "left")
        assert left.change is not None and left.change.label == "meaningful improvement"  # 20 > MDC 9.6
        assert series["Range of motion · Cervical rotation, right"].change is None  # one value only

    def test_questionnaire_scores_form_a_series_and_unscorable_or_wrong_ones_are_left_out(self) -> None:
        def response(day: int, score: str | None, *, timepoint: str = "baseline", in_error: bool = False) -> None:
            QuestionnaireResponse.objects.create(
                clinic=self.clinic,
                patient=self.pat_record,
                episode=self.episode,
                questionnaire="ndi",
                questionnaire_version="1.0",
                timepoint=timepoint,
                completed_on=self.day(day),
                answers={},
                score=None if score is None else Decimal(score),
                answered=10,
                missing=0,
                scorable=score is not None,
                source="clinic",
                entered_in_error=in_error,
            )

        response(0, "24")
        response(10, None, timepoint="visit_pre")
        response(20, "2", timepoint="visit_pre", in_error=True)
        response(30, "12", timepoint="discharge")
        ndi = by_title(outcomes_for_episode(self.episode))["Neck Disability Index"]
        assert [(p.value, p.source) for p in ndi.points] == [(Decimal("24.00"), "questionnaire"), (12, "questionnaire")]
        assert ndi.change is not None and ndi.change.label == "meaningful improvement"  # 12 >= MDC 10.2

    def test_entries_in_error_are_left_out(self) -> None:
        first = self.measure("nprs", 7)
        wrong = self.measure("nprs", 1, day=10, timepoint="visit_pre")
        self.measure("nprs", 6, day=20, timepoint="visit_pre")
        mark_measurement_in_error(self.alice, wrong.pk, "typed 1 for 7")
        nprs = outcomes_for_episode(self.episode).series[0]
        assert [p.value for p in nprs.points] == [Decimal("7.00"), Decimal("6.00")]
        assert nprs.change is not None and nprs.change.label == "within measurement error"
        mark_measurement_in_error(self.alice, first.pk, "wrong patient")
        assert [p.value for p in outcomes_for_episode(self.episode).series[0].points] == [Decimal("6.00")]

    def test_an_empty_episode(self) -> None:
        outcomes = outcomes_for_episode(self.episode)
        assert (outcomes.series, outcomes.primary, outcomes.responder, outcomes.has_data) == ((), None, None, False)
        assert outcomes.condition_id == "neck-pain" and outcomes.patient_id == self.pat_record.pk


class LabelAndResponderTests(OutcomesTestCase):
    def nprs(self, baseline: int, latest: int) -> EpisodeOutcomes:
        self.measure("nprs", baseline)
        self.measure("nprs", latest, day=28, timepoint="discharge")
        return outcomes_for_episode(self.episode)

    def test_meaningful_improvement_makes_a_responder(self) -> None:
        outcomes = self.nprs(7, 4)
        assert outcomes.primary is not None and outcomes.primary.measure_id == "nprs"
        assert outcomes.primary.change is not None and outcomes.primary.change.label == "meaningful improvement"
        assert outcomes.responder is True and outcomes.responder_reason.startswith("Responder on NPRS")

    def test_a_change_within_measurement_error_is_no_response(self) -> None:
        outcomes = self.nprs(6, 5)
        assert outcomes.primary is not None and outcomes.primary.change is not None
        assert outcomes.primary.change.label == "within measurement error"
        assert outcomes.responder is False

    def test_worse(self) -> None:
        outcomes = self.nprs(4, 7)
        assert outcomes.primary is not None and outcomes.primary.change is not None
        assert outcomes.primary.change.label == "worse" and outcomes.responder is False
        assert outcomes.primary.change.threshold_kind == "mdc"

    def test_one_value_is_not_enough_data(self) -> None:
        self.measure("nprs", 7)
        outcomes = outcomes_for_episode(self.episode)
        assert outcomes.responder is None and outcomes.primary is not None and outcomes.primary.change is None
        assert "Fewer than two" in outcomes.responder_reason

    def test_one_visit_alone_is_not_enough_data(self) -> None:
        # Pain straight after needling is that session's effect, not the course's.
        self.signed_visit(0, 7, 2)
        outcomes = outcomes_for_episode(self.episode)
        assert outcomes.series[0].latest == outcomes.series[0].baseline and outcomes.responder is None

    def test_other_measures_do_not_decide_the_responder(self) -> None:
        self.measure("nprs", 6)
        self.measure("nprs", 6, day=28, timepoint="discharge")
        self.measure("rom", 40, joint="cervical", movement="rotation", side="left")
        self.measure("rom", 70, day=28, joint="cervical", movement="rotation", side="left", timepoint="discharge")
        outcomes = outcomes_for_episode(self.episode)
        assert by_title(outcomes)["Range of motion · Cervical rotation, left"].change.label == "meaningful improvement"  # type: ignore[union-attr]
        assert outcomes.responder is False and outcomes.primary_measure == "nprs"

    def test_the_conditions_first_measure_is_primary_when_it_has_data_else_nprs(self) -> None:
        heel = visits.create_episode(
            self.alice,
            self.pat_record.pk,
            {"condition": "plantar-heel-pain", "icd10_code": "M72.2", "planned_sessions": 6, "opened_on": self.day(0)},
        )
        self.episode = heel
        self.measure("nprs", 7)
        self.measure("nprs", 3, day=28, timepoint="discharge")
        outcomes = outcomes_for_episode(heel)
        assert (outcomes.primary_measure, outcomes.responder) == ("nprs", True)  # no VAS values: NPRS
        self.measure("vas", 70)
        self.measure("vas", 62, day=28, timepoint="discharge")
        outcomes = outcomes_for_episode(heel)
        assert outcomes.primary is not None and outcomes.primary.measure_id == "vas"
        assert (outcomes.primary_measure, outcomes.responder) == ("vas", False)  # 8 mm < MCID 15 mm


class ReadTests(OutcomesTestCase):
    def test_staff_read_is_audited_and_outsiders_get_not_found(self) -> None:
        self.measure("nprs", 7)
        for user in (self.alice, self.fran, self.ada):
            assert episode_outcomes(user, self.episode.pk).series[0].measure_id == "nprs"
        reads = AuditEvent.objects.filter(action="read", object_id=str(self.episode.pk))
        assert sorted(reads.values_list("actor_id", flat=True)) == sorted([self.alice.pk, self.fran.pk, self.ada.pk])
        assert {e.patient_id for e in reads} == {str(self.pat_record.pk)}
        for user in (self.charlie, self.pat):
            with pytest.raises(NotFound):
                episode_outcomes(user, self.episode.pk)
        with pytest.raises(NotFound):
            read_outcomes(self.alice, self.olive.pk, self.episode.pk)
        assert reads.count() == 3


class QueryCountTests(OutcomesTestCase):
    def fill(self, visits_count: int, per_measure: int) -> None:
        for n in range(visits_count):
            self.signed_visit(n, 6, 3)
        for n in range(per_measure):
            self.measure("nprs", 5, day=n, timepoint="visit_pre")
            self.measure("rom", 40 + n, day=n, joint="cervical", movement="rotation", side="left")
            self.measure("ppt", 2, day=n, site="upper-trapezius", side="right")

    def test_three_queries_whatever_the_number_of_values(self) -> None:
        self.fill(1, 1)
        with self.assertNumQueries(3):
            small = outcomes_for_episode(self.episode)
        self.fill(4, 12)
        with self.assertNumQueries(3):
            large = outcomes_for_episode(self.episode)
        assert len(large.series[0].points) > len(small.series[0].points) + 10

    def test_the_audited_read_costs_the_same_for_many_values(self) -> None:
        self.fill(1, 1)
        with CaptureQueriesContext(connection) as few:
            episode_outcomes(self.alice, self.episode.pk)
        self.fill(3, 10)
        with CaptureQueriesContext(connection) as many:
            episode_outcomes(self.alice, self.episode.pk)
        assert len(many) == len(few)


def test_a_value_straight_after_treatment_is_never_the_latest_unless_nothing_else_is() -> None:
    pre = SeriesPoint(dt.date(2026, 1, 1), "visit_pre", Decimal(6), "visit")
    post = SeriesPoint(dt.date(2026, 1, 1), "visit_post", Decimal(3), "visit")
    assert baseline_of((pre, post)) == pre and latest_of((pre, post)) == pre
    assert latest_of((post,)) == post and baseline_of((post,)) == post
    assert baseline_of(()) is None and latest_of(()) is None


class DemoTests(OutcomesTestCase):
    def test_demo_values_show_a_responder_and_a_non_responder_once(self) -> None:
        from needlepoint.outcomes.demo import seed_demo

        self.signed_visit(0, 7, 4)
        elbow = visits.create_episode(
            self.alice,
            self.olive.pk,
            {
                "condition": "lateral-epicondylalgia",
                "icd10_code": "M77.11",
                "regions": [{"region": "elbow.lateral", "side": "right"}],
                "planned_sessions": 6,
                "opened_on": self.day(0),
            },
        )
        self.signed_visit(0, 6, 3, episode=elbow)
        visits.create_episode(self.alice, self.olive.pk, {**EPISODE, "opened_on": self.day(0)})  # no visit: skipped
        assert seed_demo(self.clinic) == 14  # 6 + 6 measures, and the neck's NDI twice
        neck, arm = outcomes_for_episode(self.episode), outcomes_for_episode(elbow)
        ndi = next(s for s in neck.series if s.measure_id == "ndi")
        assert [float(p.value) for p in ndi.points] == [22.0, 9.0]
        assert (neck.responder, arm.responder) == (True, False)
        assert {(s.measure_id, s.qualifier.split(", ")[-1]) for s in arm.series} == {
            ("nprs", ""),
            ("ppt", "right"),
            ("grip-strength", "Right"),
        }
        assert by_title(neck)["Range of motion · Cervical rotation, left"].change.label == "meaningful improvement"  # type: ignore[union-attr]
        assert seed_demo(self.clinic) == 0, "idempotent"
        assert seed_demo(self.other_clinic) == 0
