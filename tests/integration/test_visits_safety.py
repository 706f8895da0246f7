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
from needlepoint.patients.models import Patient
from needlepoint.screening import services as screening
from needlepoint.screening.models import Screening
from needlepoint.visits import services
from needlepoint.visits.models import MAX_NEEDLES_PER_ENTRY, NeedleInsertion
from needlepoint.visits.services import UnacknowledgedWarnings
from needlepoint.visits.services.insertions import MAX_NEEDLES


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
        assert [(f.code, f.level) for f in found if f.level != "note"] == [("needle-lot-missing", "warning")]
        assert [f.field for f in found if f.code == "needle-lot-missing"] == ["needle_lots"]
        # the depth to the lung is shown beside the entry (infraspinatus lies near the lung)
        assert [f.field for f in found if f.code == "pleura-estimate"] == ["depth_mm"]
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
        entry = {"muscle": "upper-trapezius", "needle_length_mm": "15", "depth_mm": "12"}
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

    def test_depth_or_needle_reaching_the_lower_bound_to_the_lung_is_refused(self) -> None:
        # Pat: 58.5 kg, 166 cm. Kim 2002: 58.5 kg -> 36.3 mm predicted, less 2 x 7 mm = 22.3 mm
        # (her BMI, 21.2, gives a larger bound: the smaller one is used).
        with pytest.raises(InvalidInput) as caught:
            self.insert(muscle="upper-trapezius", needle_length_mm="40", depth_mm="30")
        assert caught.value.errors["depth_mm"][0].startswith("chest-wall-depth:")
        assert caught.value.errors["needle_length_mm"][0].startswith("chest-wall-needle-length:")
        # an acknowledgement does not lift a block
        with pytest.raises(InvalidInput):
            self.insert(
                muscle="upper-trapezius", needle_length_mm="30", depth_mm="15", ack=("chest-wall-needle-length",)
            )
        assert not NeedleInsertion.objects.exists()

    def test_a_short_needle_within_the_bound_is_logged_with_the_estimate_shown(self) -> None:
        found = services.check_insertion(
            self.alice,
            self.visit.pk,
            {**ENTRY, "muscle": "upper-trapezius", "needle_length_mm": "15", "depth_mm": "12"},
        )
        assert {f.code: f.level for f in found} == {"pleura-estimate": "note"}
        assert "lower bound" in found[0].message
        assert self.insert(muscle="upper-trapezius", needle_length_mm="15", depth_mm="12").warnings == []

    def test_without_weight_deep_needling_near_the_lung_is_refused(self) -> None:
        Patient.objects.filter(pk=self.pat_record.pk).update(weight_kg=None, height_cm=None)
        with pytest.raises(InvalidInput) as caught:
            self.insert(muscle="upper-trapezius", needle_length_mm="15", depth_mm="12")
        assert caught.value.errors["depth_mm"][0].startswith("chest-wall-no-estimate:")
        self.insert(muscle="gluteus-medius", needle_length_mm="50", depth_mm="35")  # away from the lung


class SingleUseTests(VisitTestCase):
    """Single use is about needles, not lots: a lot names a box, and two needles may share it."""

    def test_two_needles_from_one_box_are_logged_with_the_lot_once(self) -> None:
        result = self.insert(needles_used=2, needle_lots=["LOT-A1", " LOT-A1 "])
        assert result.warnings == []
        entry = NeedleInsertion.objects.get(pk=result.insertion.pk)
        assert (entry.needles_used, entry.needle_lots) == (2, ["LOT-A1"])

    def test_needles_from_two_boxes_keep_both_lots_in_order(self) -> None:
        entry = self.insert(needles_used=3, needle_lots=["LOT-B2", "LOT-A1", "LOT-B2"]).insertion
        assert NeedleInsertion.objects.get(pk=entry.pk).needle_lots == ["LOT-B2", "LOT-A1"]

    def test_more_boxes_than_needles_is_refused(self) -> None:
        with pytest.raises(InvalidInput) as caught:
            self.insert(needles_used=1, needle_lots=["LOT-A1", "LOT-A2"])
        assert caught.value.errors["needle_lots"][0].startswith("2 different lots for 1 needle:")
        assert not NeedleInsertion.objects.exists()

    def test_a_missing_lot_number_needs_an_acknowledgement(self) -> None:
        with pytest.raises(UnacknowledgedWarnings):
            self.insert(needle_lots=[])
        assert [w.code for w in self.insert(needle_lots=[], ack=("needle-lot-missing",)).warnings] == [
            "needle-lot-missing"
        ]


class InputTests(VisitTestCase):
    def test_the_number_of_needles_is_required_and_from_1_to_50(self) -> None:
        entry = {k: v for k, v in ENTRY.items() if k != "needles_used"}
        with pytest.raises(InvalidInput) as caught:
            services.add_insertion(self.alice, self.visit.pk, 1, entry)
        assert caught.value.errors == {"needles_used": ["This field is required."]}
        for bad in (None, "", 0, 51, -1, True, 2.5, "two"):
            with pytest.raises(InvalidInput) as caught:
                services.check_insertion(self.alice, self.visit.pk, {**ENTRY, "needles_used": bad})
            assert set(caught.value.errors) == {"needles_used"}, bad
        assert "a whole number from 1 to 50" in caught.value.errors["needles_used"][0]
        assert MAX_NEEDLES == MAX_NEEDLES_PER_ENTRY == 50
        result = self.insert(needles_used="50")
        assert NeedleInsertion.objects.get(pk=result.insertion.pk).needles_used == 50
        assert not NeedleInsertion.objects.filter(needles_used__isnull=True).exists()

    def test_the_count_can_be_changed_on_its_own(self) -> None:
        entry = self.insert().insertion
        services.update_insertion(self.alice, self.visit.pk, 2, entry.pk, {"needles_used": 4})
        assert NeedleInsertion.objects.get(pk=entry.pk).needles_used == 4
        with pytest.raises(InvalidInput) as caught:
            services.update_insertion(self.alice, self.visit.pk, 3, entry.pk, {"needles_used": 0})
        assert set(caught.value.errors) == {"needles_used"}

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
        # Quadratus lumborum lies near the lung with no published depth: a warning to acknowledge.
        entry = self.insert(
            muscle="quadratus-lumborum", needle_length_mm="60", depth_mm="40", ack=("lung-depth-not-published",)
        )
        with pytest.raises(InvalidInput):
            services.update_insertion(self.alice, self.visit.pk, self.version, entry.insertion.pk, {"depth_mm": "65"})
        with pytest.raises(UnacknowledgedWarnings) as caught:
            services.update_insertion(
                self.alice,
                self.visit.pk,
                self.version,
                entry.insertion.pk,
                {"technique": "superficial", "depth_mm": "8"},
            )
        assert [w.code for w in caught.value.warnings] == ["technique-not-suited"]
        result = services.update_insertion(
            self.alice,
            self.visit.pk,
            self.version,
            entry.insertion.pk,
            {"technique": "superficial", "depth_mm": "8"},
            acknowledged_warnings=["technique-not-suited"],
        )
        assert {a["code"] for a in NeedleInsertion.objects.get(pk=result.insertion.pk).acknowledgements} == {
            "lung-depth-not-published",
            "technique-not-suited",
        }

    def test_removing_an_entry(self) -> None:
        entry = self.insert()
        services.remove_insertion(self.alice, self.visit.pk, self.version, entry.insertion.pk)
        assert not NeedleInsertion.objects.exists()
