"""The patient's own exercises in the portal: current exercises only, with steps, dose and the
clinician's note; the page and the PDF are audited as reads of the patient's chart; a login that is
not linked to a record sees an explanation, not someone else's programme."""

from __future__ import annotations

from tests.base import make_user
from tests.integration.test_homecare_helpers import HomecareTestCase

from needlepoint.audit.models import AuditEvent
from needlepoint.homecare import services


class PortalTests(HomecareTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.stretch = self.give("levator-scapulae-stretch", notes="After your shower, when the neck is warm.")
        self.tuck = self.give("chin-tuck", sets=2)
        self.give("glute-bridge", episode=self.olive_episode)
        self.give("chin-tuck", episode=self.bruno_episode, actor=self.charlie)

    def test_the_patient_sees_their_current_exercises_with_steps_and_dose(self) -> None:
        self.login(self.pat)
        response = self.client.get("/portal/exercises/")
        assert response.status_code == 200
        assert [a.pk for a, _ in response.context["items"]] == [self.stretch.pk, self.tuck.pk]
        content = response.content.decode()
        assert "Levator scapulae stretch" in content and "Chin tuck" in content
        assert "After your shower, when the neck is warm." in content
        assert "Turn your head about halfway towards the other side" in content  # a step
        assert "2 sets of 10 repetitions, hold each for 10 seconds · twice a day · every day" in content
        assert "Glute bridge" not in content  # Olive's
        assert "Before you start" in content

    def test_reading_the_programme_is_audited_as_a_chart_read(self) -> None:
        self.login(self.pat)
        self.client.get("/portal/exercises/")
        event = AuditEvent.objects.get(object_type="homecare.programme", action="read")
        assert event.actor_id == self.pat.pk and event.patient_id == str(self.pat_record.pk)
        assert event.clinic_id == self.clinic.pk and event.after == {"portal": True, "exercises": 2}

    def test_the_patient_gets_the_same_handout_as_a_pdf(self) -> None:
        self.login(self.pat)
        response = self.client.get("/portal/exercises.pdf")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert response["Cache-Control"] == "private, no-store"
        assert f"home-exercises-{self.pat_record.chart_number}-" in response["Content-Disposition"]
        event = AuditEvent.objects.get(object_type="homecare.programme", action="read")
        assert event.after["document"] == "handout.pdf"

    def test_a_login_without_a_record_sees_no_programme(self) -> None:
        lonely = make_user("lonely", self.clinic, "patient", "Lone", "Ly")
        self.login(lonely)
        response = self.client.get("/portal/exercises/")
        assert response.status_code == 200 and response.context["items"] == []
        assert b"not linked to a patient record" in response.content
        assert self.client.get("/portal/exercises.pdf").status_code == 404
        assert services.current_for_patient(lonely) == []

    def test_the_portal_card_lists_the_exercises(self) -> None:
        from django.template import Context, Template
        from django.test import RequestFactory

        request = RequestFactory().get("/portal/")
        request.user = self.pat
        html = Template("{% load homecare_tags %}{% homecare_portal_card patient %}").render(
            Context({"request": request, "patient": self.pat_record})
        )
        assert "Levator scapulae stretch" in html and "/portal/exercises/" in html and "Glute bridge" not in html
