"""Episodes of care and drafting a note: who may write, what is checked, what is audited, two people
editing one draft, and copy-forward."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from tests.integration.test_visits_helpers import EPISODE, VisitTestCase

from needlepoint.audit.models import AuditEvent
from needlepoint.errors import Conflict, Forbidden, InvalidInput, NotFound
from needlepoint.visits import services
from needlepoint.visits.models import CoIntervention, Episode, NeedleInsertion, PainMark, TriggerPointFinding, Visit
from needlepoint.visits.services.common import clinic_today

FINDING = {
    "muscle": "upper-trapezius",
    "side": "left",
    "activity": "active",
    "taut_band": True,
    "tender_nodule": True,
    "referred_pain": True,
    "local_twitch_response": False,
}


class EpisodeTests(VisitTestCase):
    def test_an_episode_keeps_the_condition_code_regions_goals_and_plan(self) -> None:
        episode = Episode.objects.get(pk=self.episode.pk)
        assert (episode.condition_id, episode.icd10_code, episode.planned_sessions, episode.interval_weeks) == (
            "neck-pain",
            "M54.2",
            6,
            1,
        )
        assert episode.regions == [{"region": "neck.posterolateral", "side": "left"}]
        assert episode.co_treatments == ["exercise", "stretching"] and episode.opened_on == clinic_today(self.clinic.pk)
        assert AuditEvent.objects.filter(action="create", object_id=str(episode.pk), patient_id=str(self.pat_record.pk))

    def test_the_interval_defaults_to_weekly(self) -> None:
        data = {k: v for k, v in EPISODE.items() if k != "interval_weeks"}
        assert services.create_episode(self.alice, self.olive.pk, data).interval_weeks == 1

    def test_bad_input_is_named(self) -> None:
        with pytest.raises(InvalidInput) as caught:
            services.create_episode(
                self.alice,
                self.olive.pk,
                {
                    **EPISODE,
                    "icd10_code": "M79.7",
                    "regions": [{"region": "neck.posterior", "side": None}, {"region": "head.vertex", "side": "left"}],
                    "interval_weeks": 3,
                    "co_treatments": ["cupping"],
                },
            )
        assert set(caught.value.errors) == {
            "icd10_code",
            "regions.0.side",
            "regions.1.side",
            "interval_weeks",
            "co_treatments",
        }
        assert "M54.2" in caught.value.errors["icd10_code"][0]
        with pytest.raises(InvalidInput) as caught:
            services.create_episode(
                self.alice,
                self.olive.pk,
                {**EPISODE, "condition": "hiccups", "opened_on": timezone.localdate() + dt.timedelta(days=3)},
            )
        assert set(caught.value.errors) == {"condition", "opened_on"}

    def test_only_clinicians_open_episodes_and_outsiders_learn_nothing(self) -> None:
        for user in (self.fran, self.ada):
            with pytest.raises(Forbidden):
                services.create_episode(user, self.olive.pk, EPISODE)
        for user in (self.charlie, self.pat):
            with pytest.raises(NotFound):
                services.create_episode(user, self.olive.pk, EPISODE)
            with pytest.raises(NotFound):
                services.open_episode(user, self.episode.pk)

    def test_update_and_close(self) -> None:
        services.update_episode(self.alice, self.episode.pk, {"planned_sessions": 8, "icd10_code": "M79.12"})
        services.discard_visit(self.alice, self.visit.pk, self.version)
        services.close_episode(self.alice, self.episode.pk, reason="goals-met")
        episode = Episode.objects.get(pk=self.episode.pk)
        assert (episode.planned_sessions, episode.icd10_code, episode.closed_on) == (
            8,
            "M79.12",
            clinic_today(self.clinic.pk),
        )
        with pytest.raises(InvalidInput, match="closed"):
            services.start_visit(self.alice, self.episode.pk)
        assert [e.pk for e in services.list_episodes(self.fran, self.pat_record.pk)] == [self.episode.pk]


class StartAndReadTests(VisitTestCase):
    def test_a_new_visit_is_an_empty_draft_by_the_clinician(self) -> None:
        visit = self.fresh()
        assert (visit.status, visit.version, visit.clinician, visit.patient, visit.episode_id) == (
            "draft",
            1,
            self.alice,
            self.pat_record,
            self.episode.pk,
        )
        assert AuditEvent.objects.filter(action="create", object_id=str(visit.pk)).exists()

    def test_reading_is_audited_and_staff_only(self) -> None:
        for user in (self.alice, self.ada, self.fran):
            services.open_visit(user, self.visit.pk)
        reads = AuditEvent.objects.filter(action="read", object_id=str(self.visit.pk))
        assert {e.actor_name for e in reads} == {"Alice Chen", "Ada Morgan", "Fran Diaz"}
        for user in (self.charlie, self.pat):
            with pytest.raises(NotFound):
                services.open_visit(user, self.visit.pk)
        with pytest.raises(NotFound):
            services.open_visit(self.alice, "not-a-uuid")

    def test_front_desk_and_admins_cannot_write_notes(self) -> None:
        for user in (self.fran, self.ada):
            with pytest.raises(Forbidden):
                services.start_visit(user, self.episode.pk)
            with pytest.raises(Forbidden):
                services.add_finding(user, self.visit.pk, 1, FINDING)
            with pytest.raises(Forbidden):
                services.record_pain_ratings(user, self.visit.pk, 1, before=5)

    def test_no_visit_in_the_future(self) -> None:
        with pytest.raises(InvalidInput) as caught:
            services.start_visit(self.alice, self.episode.pk, visit_date=timezone.localdate() + dt.timedelta(days=9))
        assert set(caught.value.errors) == {"visit_date"}

    def test_list_visits(self) -> None:
        assert [v.pk for v in services.list_visits(self.fran, patient_id=self.pat_record.pk)] == [self.visit.pk]
        assert [v.pk for v in services.list_visits(self.alice, episode_id=self.episode.pk)] == [self.visit.pk]
        with pytest.raises(NotFound):
            services.list_visits(self.charlie, patient_id=self.pat_record.pk)


class AssessmentTests(VisitTestCase):
    def test_pain_drawing_replaces_the_whole_drawing(self) -> None:
        services.record_pain_drawing(
            self.alice,
            self.visit.pk,
            1,
            [
                {"region": "neck.posterolateral", "side": "left", "intensity": 7},
                {"region": "head.temple", "side": "left", "intensity": 4},
            ],
        )
        services.record_pain_drawing(
            self.alice, self.visit.pk, 2, [{"region": "head.vertex", "side": None, "intensity": 3}]
        )
        assert list(PainMark.objects.values_list("region", "side", "intensity")) == [("head.vertex", None, 3)]
        assert self.version == 3

    def test_pain_drawing_input_is_checked(self) -> None:
        with pytest.raises(InvalidInput) as caught:
            services.record_pain_drawing(
                self.alice,
                self.visit.pk,
                1,
                [
                    {"region": "neck.nowhere", "side": "left", "intensity": 2},
                    {"region": "head.temple", "side": None, "intensity": 11},
                    {"region": "head.vertex", "side": "left", "intensity": 2},
                ],
            )
        assert set(caught.value.errors) == {
            "pain_drawing.0.region",
            "pain_drawing.1.side",
            "pain_drawing.1.intensity",
            "pain_drawing.2.side",
        }

    def test_pain_ratings(self) -> None:
        services.record_pain_ratings(self.alice, self.visit.pk, 1, before=7)
        services.record_pain_ratings(self.alice, self.visit.pk, 2, after=3)
        visit = self.fresh()
        assert (visit.pain_before, visit.pain_after) == (7, 3)
        with pytest.raises(InvalidInput) as caught:
            services.record_pain_ratings(self.alice, self.visit.pk, 3, before=-1, after=12)
        assert set(caught.value.errors) == {"pain_before", "pain_after"}

    def test_findings_per_muscle_and_side(self) -> None:
        finding = services.add_finding(self.alice, self.visit.pk, 1, FINDING)
        assert finding.visit.version == 2
        with pytest.raises(InvalidInput, match="already has a finding"):
            services.add_finding(self.alice, self.visit.pk, 2, FINDING)
        services.add_finding(self.alice, self.visit.pk, 2, {**FINDING, "side": "right", "activity": "latent"})
        services.update_finding(self.alice, self.visit.pk, 3, finding.pk, {"local_twitch_response": True})
        assert TriggerPointFinding.objects.get(pk=finding.pk).local_twitch_response
        services.remove_finding(self.alice, self.visit.pk, 4, finding.pk)
        assert list(TriggerPointFinding.objects.values_list("side", "activity")) == [("right", "latent")]
        with pytest.raises(InvalidInput) as caught:
            services.add_finding(self.alice, self.visit.pk, 5, {**FINDING, "muscle": "heart", "activity": "dormant"})
        assert set(caught.value.errors) == {"muscle", "activity"}

    def test_co_interventions(self) -> None:
        row = services.add_co_intervention(self.alice, self.visit.pk, 1, {"kind": "stretching", "details": "Neck"})
        services.update_visit(
            self.alice, self.visit.pk, 2, {"co_interventions": [{"kind": "massage"}, {"kind": "exercise"}]}
        )
        assert list(CoIntervention.objects.values_list("kind", flat=True)) == ["massage", "exercise"]
        assert not CoIntervention.objects.filter(pk=row.pk).exists()
        with pytest.raises(InvalidInput):
            services.add_co_intervention(self.alice, self.visit.pk, 3, {"kind": "cupping"})

    def test_every_change_is_audited_with_the_patient(self) -> None:
        services.add_finding(self.alice, self.visit.pk, 1, FINDING)
        services.record_pain_ratings(self.alice, self.visit.pk, 2, before=6)
        rows = AuditEvent.objects.filter(patient_id=str(self.pat_record.pk), actor_name="Alice Chen")
        assert {"visits.triggerpointfinding", "visits.visit"} <= set(rows.values_list("object_type", flat=True))
        update = rows.filter(action="update", object_type="visits.visit").first()
        assert update is not None and update.after["pain_before"] == 6

    def test_a_draft_started_by_mistake_can_be_discarded(self) -> None:
        services.add_finding(self.alice, self.visit.pk, 1, FINDING)
        services.discard_visit(self.alice, self.visit.pk, 2)
        assert not Visit.objects.exists()
        assert AuditEvent.objects.filter(action="delete", object_type="visits.visit").exists()


class ConcurrentEditingTests(VisitTestCase):
    def test_a_stale_version_is_refused_naming_who_changed_it(self) -> None:
        seen = self.version
        services.add_finding(self.bob, self.visit.pk, seen, FINDING)  # Bob saves first
        with pytest.raises(Conflict) as caught:
            services.record_pain_ratings(self.alice, self.visit.pk, seen, before=5)  # Alice's page is stale
        message = str(caught.value)
        assert "changed by Bob Okafor at " in message and "; reload" in message
        visit = self.fresh()
        assert (visit.pain_before, visit.version, visit.updated_by) == (None, 2, self.bob)
        services.record_pain_ratings(self.alice, self.visit.pk, 2, before=5)  # after reloading
        assert self.fresh().pain_before == 5 and TriggerPointFinding.objects.count() == 1

    def test_every_write_checks_the_version(self) -> None:
        services.record_notes(self.alice, self.visit.pk, 1, "Worse after driving.")
        stale = 1
        calls = [
            lambda: services.add_finding(self.alice, self.visit.pk, stale, FINDING),
            lambda: services.record_pain_drawing(self.alice, self.visit.pk, stale, []),
            lambda: services.add_co_intervention(self.alice, self.visit.pk, stale, {"kind": "massage"}),
            lambda: self.insert_at(stale),
            lambda: services.add_adverse_event(
                self.alice, self.visit.pk, stale, {"kind": "bruising", "severity": "mild"}
            ),
            lambda: services.sign_visit(self.alice, self.visit.pk, stale, 0, 0),
            lambda: services.record_needle_counts(self.alice, self.visit.pk, stale, 1, 1),
            lambda: services.discard_visit(self.alice, self.visit.pk, stale),
        ]
        for call in calls:
            with pytest.raises(Conflict, match="changed by Alice Chen"):
                call()
        assert self.version == 2

    def insert_at(self, version: int) -> object:
        from tests.integration.test_visits_helpers import ENTRY

        return services.add_insertion(self.alice, self.visit.pk, version, ENTRY)

    def test_a_missing_or_bad_version_is_named(self) -> None:
        for bad in (None, "two", 0, True):
            with pytest.raises(InvalidInput) as caught:
                services.record_notes(self.alice, self.visit.pk, bad, "x")
            assert set(caught.value.errors) == {"version"}


class CopyForwardTests(VisitTestCase):
    def test_a_follow_up_starts_from_the_last_visit(self) -> None:
        services.record_pain_drawing(
            self.alice, self.visit.pk, 1, [{"region": "neck.posterolateral", "side": "left", "intensity": 7}]
        )
        services.add_finding(self.alice, self.visit.pk, 2, FINDING)
        self.insert(needles_used=2)
        services.record_pain_ratings(self.alice, self.visit.pk, self.version, before=7, after=4)
        services.add_adverse_event(self.alice, self.visit.pk, self.version, {"kind": "bruising", "severity": "mild"})
        self.sign(opened=2, removed=2)

        follow_up = services.copy_forward(self.bob, self.episode.pk)
        assert (follow_up.status, follow_up.version, follow_up.clinician, follow_up.copied_from) == (
            "draft",
            1,
            self.bob,
            self.visit.pk,
        )
        assert list(follow_up.pain_marks.values_list("region", "side", "intensity")) == [
            ("neck.posterolateral", "left", 7)
        ]
        assert list(follow_up.findings.values_list("muscle_id", "activity", "taut_band")) == [
            ("upper-trapezius", "active", True)
        ]
        entry = follow_up.insertions.get()
        assert (entry.muscle_id, entry.depth_mm, entry.manipulation) == ("infraspinatus", 12, "pistoning")
        assert entry.needles_used == 2  # the count is copied (to confirm or change); the lots are not
        assert (entry.needle_lots, entry.ltr_count, entry.acknowledgements, entry.checked_at) == ([], None, [], None)
        assert (follow_up.pain_before, follow_up.pain_after) == (None, None)
        assert not follow_up.adverse_events.exists() and self.visit.insertions.get().needle_lots == ["LOT-A1"]

    def test_copied_entries_are_confirmed_through_the_checks_before_signing(self) -> None:
        self.insert()
        self.sign()
        follow_up = services.copy_forward(self.alice, self.episode.pk)
        with pytest.raises(Conflict, match="copied from the last visit"):
            services.sign_visit(self.alice, follow_up.pk, 1, 1, 1)
        entry = follow_up.insertions.get()
        services.update_insertion(self.alice, follow_up.pk, 1, entry.pk, {"needle_lots": ["LOT-B7"], "ltr_count": 1})
        signed = services.sign_visit(self.alice, follow_up.pk, 2, 1, 1)
        assert signed.is_signed and NeedleInsertion.objects.get(pk=entry.pk).needle_lots == ["LOT-B7"]

    def test_nothing_to_copy(self) -> None:
        episode = self.episode_for(self.olive)
        with pytest.raises(Conflict, match="no visit to copy"):
            services.copy_forward(self.alice, episode.pk)
        with pytest.raises(NotFound):
            services.copy_forward(self.charlie, self.episode.pk)
        with pytest.raises(Forbidden):
            services.copy_forward(self.fran, self.episode.pk)
