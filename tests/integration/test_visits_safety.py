"""Every safety check on a needle-log entry, each refusing and each letting a good entry through:
readiness (consent, screening), the practitioner, the screening's blocks, depth, single use, and
warnings that need an acknowledgement kept with the note."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from tests.integration.test_visits_helpers import ENTRY, VisitTestCase, give_consent, screen

from needlepoint.accounts.models import DryNeedlingCertification, PractitionerProfile
from needlepoint.consent.models import ConsentRecord
from needlepoint.errors import Conflict, InvalidInput
from needlepoint.screening import services as screening
from needlepoint.screening.models import Screening
from needlepoint.visits import services
from needlepoint.visits.models import NeedleInsertion
from needlepoint.visits.services import UnacknowledgedWarnings


class GoodEntryTests(VisitTestCase):
    def test_a_safe_entry_is_logged_without_warnings(self) -> None:
        result = self.insert()
        assert result.warnings == []
        entry = NeedleInsertion.objects.get(pk=result.insertion.pk)
        assert (entry.muscle_id, entry.side, entry.needle_lots, entry.acknowledgements) == (
            "infraspinatus",
            "left",
            ["LOT-A1"],
            [],
        )
        assert entry.checked_at is not None and result.insertion.visit.version == 2

    def test_check_insertion_previews_without_saving(self) -> None:
        found = services.check_insertion(self.alice, self.visit.pk, {**ENTRY, "needle_lots": []})
        assert [f.code for f in found] == ["needle-lot-missing"] and found[0].field == "needle_lots"
        assert not NeedleInsertion.objects.exists() and self.version == 1


class ReadinessTests(VisitTestCase):
    def test_without_consent_nothing_is_logged(self) -> None:
        ConsentRecord.objects.filter(patient=self.pat_record).update(withdrawn_at=timezone.now())
        with pytest.raises(Conflict, match="withdrew consent"):
            self.insert()
        assert not NeedleInsertion.objects.exists()

    def test_without_screening_nothing_is_logged(self) -> None:
        episode = self.episode_for(self.olive)
        give_consent(self.olive)
        visit = services.start_visit(self.alice, episode.pk)
        with pytest.raises(Conflict, match="No screening on record"):
            services.add_insertion(self.alice, visit.pk, 1, ENTRY)

    def test_an_expired_screening_refuses(self) -> None:
        Screening.objects.filter(patient=self.pat_record).delete()
        stale = screen(self.alice, self.pat_record)
        Screening.objects.filter(pk=stale.pk).update(completed_at=timezone.now() - dt.timedelta(days=40))
        with pytest.raises(Conflict, match="expired"):
            self.insert()

    def test_a_contraindicated_screening_refuses(self) -> None:
        screen(self.alice, self.pat_record, acute_illness=True)
        with pytest.raises(Conflict, match="absolute contraindication"):
            self.insert()


class PractitionerTests(VisitTestCase):
    def profile(self) -> PractitionerProfile:
        return PractitionerProfile.objects.get(user=self.alice)

    def refused(self, field: str, code: str) -> InvalidInput:
        with pytest.raises(InvalidInput) as caught:
            self.insert()
        assert any(m.startswith(f"{code}:") for m in caught.value.errors[field]), caught.value.errors
        assert not NeedleInsertion.objects.exists()
        return caught.value

    def test_no_licence_blocks(self) -> None:
        PractitionerProfile.objects.filter(user=self.alice).update(licence_number="")
        self.refused("practitioner", "no-licence")

    def test_an_expired_licence_blocks(self) -> None:
        PractitionerProfile.objects.filter(user=self.alice).update(licence_expires_on=dt.date(2020, 1, 1))
        self.refused("practitioner", "licence-expired")

    def test_no_current_certification_blocks(self) -> None:
        DryNeedlingCertification.objects.filter(practitioner__user=self.alice).update(expires_on=dt.date(2021, 1, 1))
        self.refused("practitioner", "no-current-certification")

    def test_a_jurisdiction_that_forbids_dry_needling_blocks(self) -> None:
        PractitionerProfile.objects.filter(user=self.alice).update(licence_jurisdiction="US-NY")
        self.refused("practitioner", "jurisdiction-not-permitted")

    def test_hours_below_the_state_minimum_block(self) -> None:
        DryNeedlingCertification.objects.filter(practitioner__user=self.alice).update(hours=20)
        self.refused("practitioner", "training-hours-below-minimum")

    def test_a_clinician_without_a_profile_cannot_needle(self) -> None:
        PractitionerProfile.objects.filter(user=self.alice).delete()
        self.refused("practitioner", "no-licence")

    def test_each_practitioner_warning_needs_an_acknowledgement(self) -> None:
        cases = [
            ({"licence_jurisdiction": "CA-AB"}, {}, "jurisdiction-authorisation"),
            ({"licence_jurisdiction": "GB"}, {}, "jurisdiction-unknown"),
            ({"profession": "chiropractor"}, {}, "jurisdiction-profession-unknown"),
            ({"licence_jurisdiction": "US-DE"}, {}, "years-licensed-unchecked"),
            ({}, {"verified": False}, "certification-unverified"),
        ]
        certifications = DryNeedlingCertification.objects.filter(practitioner__user=self.alice)
        for profile, certification, code in cases:
            PractitionerProfile.objects.filter(user=self.alice).update(
                **{"licence_jurisdiction": "US-CO", "profession": "physical_therapist", **profile}
            )
            certifications.update(**{"verified": True, **certification})
            with pytest.raises(UnacknowledgedWarnings) as caught:
                self.insert()
            assert [w.code for w in caught.value.warnings] == [code]
            result = self.insert(ack=(code,))
            assert NeedleInsertion.objects.get(pk=result.insertion.pk).acknowledgements[0]["code"] == code
            services.remove_insertion(self.alice, self.visit.pk, self.version, result.insertion.pk)

    def test_a_silent_jurisdiction_needs_an_acknowledgement(self) -> None:
        PractitionerProfile.objects.filter(user=self.alice).update(licence_jurisdiction="US-PA")
        with pytest.raises(UnacknowledgedWarnings) as caught:
            self.insert()
        assert [w.code for w in caught.value.warnings] == ["jurisdiction-silent"]
        assert caught.value.errors["acknowledged_warnings"][0].startswith("jurisdiction-silent:")
        assert not NeedleInsertion.objects.exists()
        result = self.insert(ack=("jurisdiction-silent",))
        assert [w.code for w in result.warnings] == ["jurisdiction-silent"]
        ack = NeedleInsertion.objects.get().acknowledgements[0]
        assert ack["code"] == "jurisdiction-silent" and ack["by"] == self.alice.pk and ack["by_name"] == "Alice Chen"
        assert "Pennsylvania" in ack["message"] and ack["at"]


class ScreeningBlockTests(VisitTestCase):
    def test_a_blocked_muscle_is_refused_even_outside_the_screenings_plan(self) -> None:
        screening.record_screening(
            self.alice,
            self.pat_record.pk,
            {"anticoagulants": True},
            plan={"targets": [{"muscle": "upper-trapezius", "side": "left"}]},
        )
        with pytest.raises(InvalidInput) as caught:
            self.insert(muscle="psoas-major", needle_length_mm="100", depth_mm="70")
        assert caught.value.errors["muscle"][0].startswith("screening-blocked-target:")
        self.insert()  # a muscle that bleeding can be stopped over is fine

    def test_a_region_to_avoid_is_refused_on_that_side_only(self) -> None:
        screen(self.alice, self.pat_record, local_infection=[{"region": "back.scapula", "side": "left"}])
        with pytest.raises(InvalidInput) as caught:
            self.insert()
        assert caught.value.errors["muscle"][0].startswith("screening-avoid-region:")
        assert self.insert(side="right").warnings == []

    def test_electrical_stimulation_is_refused_when_the_screening_rules_it_out(self) -> None:
        screen(self.alice, self.pat_record, pacemaker_or_icd=True)
        estim = {
            "electrical_stimulation": True,
            "estim_frequency_hz": "2",
            "estim_pulse_width_us": 250,
            "estim_intensity_ma": "4",
            "estim_minutes": 10,
        }
        with pytest.raises(InvalidInput) as caught:
            self.insert(**estim)
        assert caught.value.errors["electrical_stimulation"][0].startswith("screening-no-electrical-stimulation:")
        assert self.insert().warnings == []  # needling without current is fine

    def test_electrical_stimulation_is_recorded_when_allowed(self) -> None:
        result = self.insert(
            electrical_stimulation=True,
            estim_frequency_hz="2",
            estim_pulse_width_us=250,
            estim_intensity_ma="4.5",
            estim_minutes=10,
        )
        entry = NeedleInsertion.objects.get(pk=result.insertion.pk)
        assert (entry.estim_frequency_hz, entry.estim_minutes) == (2, 10)

    def test_an_overridden_relative_finding_no_longer_blocks(self) -> None:
        stored = screen(self.alice, self.pat_record, lung_disease=["copd"])
        entry = {"muscle": "upper-trapezius", "needle_length_mm": "25", "depth_mm": "12"}
        with pytest.raises(InvalidInput) as caught:
            self.insert(**entry)
        assert caught.value.errors["muscle"][0].startswith("screening-blocked-target:")
        screening.override_finding(
            self.alice, self.pat_record.pk, stored.pk, "pneumothorax-risk", "Shallow tangential technique over rib."
        )
        assert self.insert(**entry).warnings == []


class DepthTests(VisitTestCase):
    def test_superficial_needling_deeper_than_10_mm_is_refused(self) -> None:
        with pytest.raises(InvalidInput) as caught:
            self.insert(technique="superficial", depth_mm="12")
        assert caught.value.errors["depth_mm"][0].startswith("superficial-too-deep:")
        assert self.insert(technique="superficial", depth_mm="8").warnings == []

    def test_a_muscle_hard_limit_is_refused(self) -> None:
        with pytest.raises(InvalidInput) as caught:
            self.insert(muscle="rhomboid-major", technique="superficial", needle_length_mm="25", depth_mm="8")
        assert caught.value.errors["needle_length_mm"][0].startswith("needle-too-long:")
        self.insert(muscle="rhomboid-major", technique="superficial", needle_length_mm="15", depth_mm="8")

    def test_depth_beyond_the_needle_is_refused(self) -> None:
        with pytest.raises(InvalidInput) as caught:
            self.insert(needle_length_mm="25", depth_mm="30")
        assert caught.value.errors["depth_mm"][0].startswith("depth-beyond-needle:")

    def test_chest_wall_depth_against_the_pleura_estimate_warns(self) -> None:
        # Pat weighs 58.5 kg: Kim 2002 estimates 36.3 mm to the pleura.
        deep = {"muscle": "upper-trapezius", "needle_length_mm": "40", "depth_mm": "30"}
        with pytest.raises(UnacknowledgedWarnings) as caught:
            self.insert(**deep)
        assert {w.code for w in caught.value.warnings} == {"chest-wall-depth", "chest-wall-needle-length"}
        with pytest.raises(UnacknowledgedWarnings):
            self.insert(ack=("chest-wall-depth",), **deep)  # every warning needs its acknowledgement
        result = self.insert(ack=("chest-wall-depth", "chest-wall-needle-length"), **deep)
        stored = NeedleInsertion.objects.get(pk=result.insertion.pk).acknowledgements
        assert {a["code"] for a in stored} == {"chest-wall-depth", "chest-wall-needle-length"}
        assert all(a["source"] == "kim-2002" for a in stored)

    def test_a_shallow_chest_wall_entry_does_not_warn(self) -> None:
        assert self.insert(muscle="upper-trapezius", needle_length_mm="30", depth_mm="15").warnings == []


class SingleUseTests(VisitTestCase):
    def test_the_same_lot_twice_in_one_entry_is_refused(self) -> None:
        with pytest.raises(InvalidInput) as caught:
            self.insert(needle_lots=["LOT-A1", "LOT-A1"])
        assert caught.value.errors["needle_lots"][0].startswith("needle-reuse:")
        assert self.insert(needle_lots=["LOT-A1", "LOT-A2"]).warnings == []

    def test_a_missing_lot_number_needs_an_acknowledgement(self) -> None:
        with pytest.raises(UnacknowledgedWarnings):
            self.insert(needle_lots=[])
        assert [w.code for w in self.insert(needle_lots=[], ack=("needle-lot-missing",)).warnings] == [
            "needle-lot-missing"
        ]


class InputTests(VisitTestCase):
    def test_bad_fields_are_named_and_nothing_is_saved(self) -> None:
        with pytest.raises(InvalidInput) as caught:
            self.insert(muscle="wingus", side="middle", brand="Seirin")
        assert set(caught.value.errors) == {"muscle", "side", "brand"}
        with pytest.raises(InvalidInput) as caught:
            self.insert(needle_diameter_mm="0.9", retention_seconds=99_999, manipulation="twirl")
        assert set(caught.value.errors) == {"needle_diameter_mm", "retention_seconds", "manipulation"}
        assert not NeedleInsertion.objects.exists() and self.version == 1

    def test_stimulation_settings_go_with_stimulation(self) -> None:
        with pytest.raises(InvalidInput) as caught:
            self.insert(electrical_stimulation=True, estim_frequency_hz="2")
        assert set(caught.value.errors) == {"estim_pulse_width_us", "estim_intensity_ma", "estim_minutes"}
        with pytest.raises(InvalidInput) as caught:
            self.insert(estim_minutes=10)
        assert caught.value.errors["estim_minutes"] == ["only with electrical stimulation"]

    def test_one_entry_per_muscle_and_side(self) -> None:
        self.insert()
        with pytest.raises(InvalidInput, match="already has an entry"):
            self.insert()
        self.insert(side="right")


class UpdateInsertionTests(VisitTestCase):
    def test_changing_an_entry_runs_the_checks_again_and_keeps_acknowledgements(self) -> None:
        entry = self.insert(
            muscle="upper-trapezius", needle_length_mm="40", depth_mm="15", ack=("chest-wall-needle-length",)
        )
        with pytest.raises(InvalidInput):
            services.update_insertion(self.alice, self.visit.pk, self.version, entry.insertion.pk, {"depth_mm": "45"})
        with pytest.raises(UnacknowledgedWarnings) as caught:
            services.update_insertion(self.alice, self.visit.pk, self.version, entry.insertion.pk, {"depth_mm": "32"})
        assert [w.code for w in caught.value.warnings] == ["chest-wall-depth"]
        result = services.update_insertion(
            self.alice,
            self.visit.pk,
            self.version,
            entry.insertion.pk,
            {"depth_mm": "32"},
            acknowledged_warnings=["chest-wall-depth"],
        )
        assert {a["code"] for a in NeedleInsertion.objects.get(pk=result.insertion.pk).acknowledgements} == {
            "chest-wall-needle-length",
            "chest-wall-depth",
        }
        # Deeper still: the same code with a new message (a larger share of the estimate) asks again.
        with pytest.raises(UnacknowledgedWarnings) as caught:
            services.update_insertion(self.alice, self.visit.pk, self.version, entry.insertion.pk, {"depth_mm": "35"})
        assert [w.code for w in caught.value.warnings] == ["chest-wall-depth"]

    def test_removing_an_entry(self) -> None:
        entry = self.insert()
        services.remove_insertion(self.alice, self.visit.pk, self.version, entry.insertion.pk)
        assert not NeedleInsertion.objects.exists()
