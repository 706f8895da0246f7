"""The clinician's home-programme page: the episode's current exercises, suggestions for the
episode's regions and condition first, the searchable library (live with htmx, no chart data, no
audit row), the handout PDF, and the card for the episode page; reads of the programme are audited."""

from __future__ import annotations

from tests.integration.test_homecare_helpers import HomecareTestCase

from needlepoint.audit.models import AuditEvent
from needlepoint.homecare import documents
from needlepoint.homecare.models import ExerciseAssignment
from needlepoint.visits.documents import clinic_details

HTMX = {"HX-Request": "true"}


class PageTests(HomecareTestCase):
    def test_suggestions_follow_the_episodes_regions_and_leave_out_assigned_ones(self) -> None:
        self.give("upper-trapezius-stretch")
        self.login(self.alice)
        page = self.client.get(self.url())
        assert page.status_code == 200
        suggested = [s.exercise.id for s in page.context["suggestions"]]
        assert suggested[0] == "levator-scapulae-stretch"  # neck, neck pain, its muscle
        assert "upper-trapezius-stretch" not in suggested
        assert not {"heel-raise", "plantar-fascia-stretch", "glute-bridge"} & set(suggested)
        assert b"Suggested for this episode" in page.content
        # The whole library is listed below, the assigned exercise marked as such.
        rows = {r["exercise"].id: r for r in page.context["library_rows"]}
        assert len(rows) == page.context["library_total"] >= 28
        assert rows["upper-trapezius-stretch"]["assigned"] and not rows["chin-tuck"]["assigned"]

    def test_another_episode_gets_other_suggestions(self) -> None:
        self.login(self.alice)
        page = self.client.get(self.url(episode=self.olive_episode))
        suggested = [s.exercise.id for s in page.context["suggestions"]]
        assert "quadratus-lumborum-stretch" in suggested[:4] and "chin-tuck" not in suggested

    def test_the_page_read_is_audited(self) -> None:
        self.login(self.bob)
        self.client.get(self.url())
        event = AuditEvent.objects.get(object_type="homecare.programme", action="read")
        assert event.actor_id == self.bob.pk and event.patient_id == str(self.pat_record.pk)
        assert event.after == {"episode": str(self.episode.pk), "exercises": 0}

    def test_the_library_filters_by_words_area_and_kind(self) -> None:
        self.login(self.alice)
        page = self.client.get(self.url() + "?q=calf&area=ankle-foot&kind=stretch")
        ids = [r["exercise"].id for r in page.context["library_rows"]]
        assert ids == ["calf-stretch-gastrocnemius", "calf-stretch-soleus"]
        # An unknown area or kind is ignored, not an error.
        page = self.client.get(self.url() + "?q=bridge&area=moon")
        assert [r["exercise"].id for r in page.context["library_rows"]] == ["glute-bridge"]

    def test_the_live_search_returns_the_library_only_without_an_audit_row(self) -> None:
        self.give("glute-bridge", episode=self.olive_episode)
        self.login(self.alice)
        response = self.client.get(self.url() + "?partial=library&q=wrist&kind=strengthening", headers=HTMX)
        assert response.status_code == 200
        assert [r["exercise"].id for r in response.context["library_rows"]] == ["eccentric-wrist-extension"]
        assert b"<html" not in response.content and b"Suggested" not in response.content
        assert not AuditEvent.objects.filter(object_type="homecare.programme").exists()

    def test_the_handout_pdf_prints_the_programme(self) -> None:
        self.give("levator-scapulae-stretch", notes="Before bed.")
        self.login(self.alice)
        response = self.client.get(self.pdf_url())
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        event = AuditEvent.objects.get(object_type="homecare.programme", action="read")
        assert event.after["document"] == "handout.pdf"
        context = documents.handout_context(
            clinic=clinic_details(self.pat_record),
            patient_name=self.pat_record.full_name,
            assignments=list(ExerciseAssignment.objects.filter(episode=self.episode)),
            issued_on=self.episode.opened_on,
        )
        [item] = context["items"]
        assert item["name"] == "Levator scapulae stretch" and item["notes"] == "Before bed."
        assert item["dose"] == "3 repetitions, hold each for 30 seconds · twice a day · every day"
        assert len(item["steps"]) == 4 and item["cautions"]
        assert any(s.startswith("Simons et al.") for s in context["sources"])
        assert context["advice"]

    def test_the_episode_card_links_to_the_programme(self) -> None:
        from django.template import Context, Template
        from django.test import RequestFactory

        self.give("chin-tuck")
        request = RequestFactory().get("/")
        request.user = self.fran
        html = Template("{% load homecare_tags %}{% homecare_episode_card episode %}").render(
            Context({"request": request, "episode": self.episode})
        )
        assert "Chin tuck" in html and self.url() in html
        request.user = self.charlie  # another clinic's staff: nothing listed
        html = Template("{% load homecare_tags %}{% homecare_episode_card episode %}").render(
            Context({"request": request, "episode": self.episode})
        )
        assert "Chin tuck" not in html
