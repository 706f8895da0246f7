from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from tests.base import ClinicTestCase

from needlepoint.audit.models import AuditEvent
from needlepoint.clinical.readiness import may_needle
from needlepoint.screening import services
from needlepoint.screening.models import Screening

CLEAN = {
    "q_age_years": "40",
    "q_needle_phobia": "none",
    "q_willing": "yes",
    "q_able_to_consent": "yes",
    "q_prior_adverse_reaction": "no",
    "q_acute_illness": "no",
    "q_anticoagulants": "no",
    "q_bleeding_disorder": "no",
    "q_pregnant": "no",
    "q_pacemaker_or_icd": "no",
    "q_lymphoedema_gate": "no",
    "q_chest_surgery": "no",
    "q_lung_disease_gate": "no",
    "q_immunocompromised": "no",
    "q_diabetes": "none",
    "q_vascular_disease": "no",
    "q_heart_valve_disease": "no",
    "q_epilepsy": "none",
    "q_frail": "no",
    "q_metal_implant_gate": "no",
    "q_metal_allergy": "no",
    "q_lymph_node_removal_gate": "no",
    "q_local_infection_gate": "no",
    "q_recent_surgery_gate": "no",
}


def form(**changes: Any) -> dict[str, Any]:
    return {**CLEAN, **changes}


class ClinicScreeningTests(ClinicTestCase):
    def test_front_desk_screens_at_the_clinic(self) -> None:
        self.login(self.fran)
        response = self.csrf_post(f"/patients/{self.olive.pk}/screening/new/", form())
        screening = Screening.objects.get(patient=self.olive)
        assert response.status_code == 302 and screening.status == "clear" and screening.channel == "clinic"
        assert screening.answers["willing"] is True and "guardian_consent" not in screening.answers
        assert AuditEvent.objects.filter(action="create", object_id=str(screening.pk)).exists()

    def test_follow_ups_are_kept_only_when_revealed(self) -> None:
        self.login(self.alice)
        self.csrf_post(
            f"/patients/{self.olive.pk}/screening/new/",
            form(
                q_pregnant="no",
                q_pregnancy_trimester="2",
                q_lymphoedema_gate="no",
                q_lymphoedema=["group:limb.upper:left"],
            ),
        )
        answers = Screening.objects.get(patient=self.olive).answers
        assert "pregnancy_trimester" not in answers and answers["lymphoedema"] == []

    def test_list_answers_become_contract_areas(self) -> None:
        self.login(self.alice)
        self.csrf_post(
            f"/patients/{self.olive.pk}/screening/new/",
            form(
                q_lymphoedema_gate="yes",
                q_lymphoedema=["group:limb.upper:left"],
                q_local_infection_gate="yes",
                q_local_infection_region_0="knee.anterior",
                q_local_infection_side_0="right",
                q_lung_disease_gate="yes",
                q_lung_disease=["emphysema"],
            ),
        )
        s = Screening.objects.get(patient=self.olive)
        assert s.answers["lymphoedema"] == [{"group": "limb.upper", "side": "left"}]
        assert s.answers["local_infection"] == [{"region": "knee.anterior", "side": "right"}]
        assert {f["rule"] for f in s.result["findings"]} >= {"lymphoedema", "local-infection", "pneumothorax-risk"}

    def test_region_without_side_is_refused_naming_the_row(self) -> None:
        self.login(self.alice)
        response = self.csrf_post(
            f"/patients/{self.olive.pk}/screening/new/",
            form(q_local_infection_gate="yes", q_local_infection_region_0="knee.anterior"),
        )
        assert response.status_code == 422 and "knee.anterior needs a side" in response.content.decode()
        assert not Screening.objects.exists()

    def test_detail_shows_findings_blocks_and_avoid_chart(self) -> None:
        screening = services.record_screening(
            self.alice,
            self.olive.pk,
            {"lymphoedema": [{"group": "limb.upper", "side": "left"}], "pacemaker_or_icd": True},
        )
        self.login(self.bob)
        body = self.client.get(f"/patients/{self.olive.pk}/screening/{screening.pk}/").content.decode()
        assert "lymphoedema" in body and "No electrical stimulation" in body
        assert 'data-mark="avoid"' in body and "ahpcsa-bn121" in body

    def test_outsiders_get_404(self) -> None:
        screening = services.record_screening(self.alice, self.olive.pk, {"frail": True})
        for user in (self.charlie, self.pat):
            self.login(user)
            for path in (
                f"/patients/{self.olive.pk}/screening/new/",
                f"/patients/{self.olive.pk}/screening/{screening.pk}/",
            ):
                assert self.client.get(path).status_code == 404, (user.username, path)


class OverrideTests(ClinicTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.screening = services.record_screening(self.alice, self.olive.pk, {"frail": True, "anticoagulants": True})
        self.page = f"/patients/{self.olive.pk}/screening/{self.screening.pk}/"
        self.url = self.page + "override/"

    def test_clinician_overrides_a_relative_finding_with_a_reason_and_it_is_audited(self) -> None:
        self.login(self.alice)
        response = self.csrf_post(
            self.url,
            form_page=self.page,
            data={"rule": "frailty", "reason": "Fit for light superficial needling today."},
        )
        assert response.status_code == 302
        row = AuditEvent.objects.filter(object_type="screening.screeningoverride").get()
        assert (
            row.after["rule"] == "frailty" and "superficial" in row.after["reason"] and row.actor_name == "Alice Chen"
        )
        assert "frailty" in services.overridden_rules(self.screening)

    def test_absolute_findings_cannot_be_overridden(self) -> None:
        self.login(self.alice)
        response = self.csrf_post(
            self.url,
            form_page=self.page,
            data={"rule": "anticoagulants-deep-muscle", "reason": "I know better than this."},
        )
        assert response.status_code == 422 and "only relative findings" in response.content.decode()
        assert not self.screening.overrides.exists()

    def test_a_reason_is_required(self) -> None:
        self.login(self.alice)
        response = self.csrf_post(self.url, form_page=self.page, data={"rule": "frailty", "reason": "ok"})
        assert response.status_code == 422 and not self.screening.overrides.exists()

    def test_front_desk_cannot_override(self) -> None:
        self.login(self.fran)
        response = self.csrf_post(
            self.url, form_page=self.page, data={"rule": "frailty", "reason": "Looks fine to me honestly."}
        )
        assert response.status_code == 403 and not self.screening.overrides.exists()


class ExpiryTests(ClinicTestCase):
    def test_screening_expires_after_the_clinic_setting_and_on_new_answers(self) -> None:
        first = services.record_screening(self.alice, self.olive.pk, {"frail": False})
        assert services.is_current(first)
        second = services.record_screening(self.alice, self.olive.pk, {"frail": True})
        assert not services.is_current(first) and services.is_current(second)
        Screening.objects.filter(pk=second.pk).update(completed_at=timezone.now() - dt.timedelta(days=31))
        second.refresh_from_db()
        assert not services.is_current(second)
        state = services.screening_state(self.olive)
        assert state is not None and not may_needle(state, None, timezone.now()).allowed

    def test_clinic_setting_is_used(self) -> None:
        self.clinic.screening_valid_days = 90
        self.clinic.save()
        screening = services.record_screening(self.alice, self.olive.pk, {})
        assert screening.valid_days == 90


class PortalAndPublicTests(ClinicTestCase):
    def test_patient_self_screens_in_the_portal(self) -> None:
        self.login(self.pat)
        response = self.csrf_post("/portal/screening/", form(q_pacemaker_or_icd="yes"))
        assert response.status_code == 302
        screening = Screening.objects.get(patient=self.pat_record)
        assert screening.channel == "portal" and screening.entered_by == self.pat
        body = self.client.get("/portal/screening/result/").content.decode()
        assert "pacemaker" in body and "Electrical stimulation" in body

    def test_public_self_check_stores_nothing(self) -> None:
        before = (Screening.objects.count(), AuditEvent.objects.count())
        response = self.csrf_post("/self-check/", form(q_needle_phobia="severe"))
        body = response.content.decode()
        assert response.status_code == 200 and "not advised for you today" in body
        assert (Screening.objects.count(), AuditEvent.objects.count()) == before

    def test_public_self_check_with_blank_answers_says_which_need_an_answer(self) -> None:
        response = self.csrf_post("/self-check/", {"q_age_years": "40", "q_willing": "yes"})
        body = response.content.decode()
        assert response.status_code == 200 and "We need a few more answers" in body
        assert "may be possible, with some care" not in body and "not advised for you today" not in body
        listed = body.split('class="unanswered-list"')[1].split("</ul>")[0]
        assert "Do you take medicine that thins the blood" in listed and "pacemaker" in listed
        assert "How old are you" not in listed  # answered

    def test_rules_page_lists_every_rule_with_source(self) -> None:
        from needlepoint.clinical.screening import RULES

        self.login(self.bob)
        body = self.client.get("/screening/rules/").content.decode()
        assert all(rule.id in body and rule.source in body for rule in RULES)


class BlockedDisplayTests(ClinicTestCase):
    def test_blocked_muscles_are_grouped_by_reason(self) -> None:
        screening = services.record_screening(self.alice, self.olive.pk, {"anticoagulants": True})
        self.login(self.alice)
        body = self.client.get(f"/patients/{self.olive.pk}/screening/{screening.pk}/").content.decode()
        reason = "Bleeding here cannot be stopped by pressure (anticoagulants or bleeding disorder):"
        assert body.count(reason) == 1 and "Psoas major (both sides)" in body
