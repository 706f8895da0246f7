from __future__ import annotations

from tests.base import ClinicTestCase

from needlepoint.knowledge import load_knowledge


class AtlasPageTests(ClinicTestCase):
    def test_index_lists_every_muscle_and_searches(self) -> None:
        self.login(self.alice)
        body = self.client.get("/atlas/").content.decode()
        assert all(m.name in body for m in load_knowledge().muscles.values())
        partial = self.client.get("/atlas/?q=supinator", headers={"HX-Request": "true"}).content.decode()
        assert "Supinator" in partial and "Upper trapezius" not in partial and "<html" not in partial

    def test_search_by_condition_code(self) -> None:
        self.login(self.alice)
        body = self.client.get("/atlas/?q=M77.1").content.decode()
        assert "Lateral epicondylalgia" in body or "lateral epicondyl" in body.lower()

    def test_muscle_page_paints_zones_on_the_chosen_side(self) -> None:
        self.login(self.alice)
        body = self.client.get("/atlas/muscles/upper-trapezius/?side=left").content.decode()
        assert 'data-region="head.temple" data-side="left" data-mark="primary"' in body
        assert 'data-region="head.temple" data-side="right" data-mark' not in body
        assert "Lung apex" in body and "Sources" in body and "Travell" in body
        right = self.client.get("/atlas/muscles/upper-trapezius/?side=right").content.decode()
        assert 'data-region="head.temple" data-side="right" data-mark="primary"' in right

    def test_muscle_limits_are_shown(self) -> None:
        self.login(self.alice)
        body = self.client.get("/atlas/muscles/rhomboid-major/").content.decode()
        assert "needle no longer than 19 mm" in body

    def test_unknown_muscle_or_condition_is_404(self) -> None:
        self.login(self.alice)
        assert self.client.get("/atlas/muscles/wingus/").status_code == 404
        assert self.client.get("/atlas/conditions/wingus/").status_code == 404

    def test_condition_page_shows_codes_evidence_and_sources(self) -> None:
        self.login(self.alice)
        body = self.client.get("/atlas/conditions/neck-pain/").content.decode()
        assert "M54.2" in body and "Upper trapezius" in body and "Sources" in body

    def test_finder_ranks_from_query_and_names_bad_regions(self) -> None:
        self.login(self.alice)
        body = self.client.get("/atlas/finder/?r=elbow.lateral:right&r=hand.thumb_web:right").content.decode()
        assert 'aria-pressed="true"' in body and "Supinator, right" in body
        partial = self.client.get("/atlas/finder/results/?r=head.tempel:left", headers={"HX-Request": "true"})
        assert partial.status_code == 422 and "unknown region code" in partial.content.decode()

    def test_patients_cannot_open_the_clinician_atlas(self) -> None:
        self.login(self.pat)
        assert self.client.get("/atlas/").status_code == 404
        assert self.client.get("/atlas/finder/").status_code == 404
