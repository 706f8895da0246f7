"""The outcome charts for the clinician's outcomes page (reports/_episode_charts.html) and the
cards other pages include: one inline SVG chart per series, labelled, with unique ids."""

from __future__ import annotations

import re

from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory
from tests.integration.test_reports_helpers import ReportTestCase, make_episode

from needlepoint.outcomes.services.summary import outcomes_for_episode
from needlepoint.reports.services import outcome_charts


class EpisodeChartsTests(ReportTestCase):
    def test_one_chart_per_series_with_its_label(self) -> None:
        charts = outcome_charts(outcomes_for_episode(self.episode))
        assert [s.measure_id for s, _ in charts] == ["nprs", "rom"]
        html = render_to_string("reports/_episode_charts.html", {"outcome_charts": charts})
        assert html.count("<svg") == 2
        assert 'id="oc0-threshold-band"' in html and 'id="oc1-threshold-band"' in html
        assert html.count("meaningful improvement</span>") == 2
        ids = re.findall(r'\bid="([^"]+)"', html)
        assert len(ids) == len(set(ids))  # two charts on one page share no id

    def test_an_episode_without_measures_says_so(self) -> None:
        empty = make_episode(self.olive, self.alice)
        html = render_to_string("reports/_episode_charts.html", {"outcome_charts": outcome_charts(
            outcomes_for_episode(empty))})
        assert "No outcome measures recorded yet." in html

    def test_the_report_links_show_for_clinicians_and_admins_only(self) -> None:
        template = Template("{% load report_tags %}{% progress_report_links episode %}")
        for user, shown in ((self.alice, True), (self.ada, True), (self.fran, False)):
            request = RequestFactory().get("/")
            request.user = user
            html = template.render(Context({"request": request, "episode": self.episode}))
            assert ("progress-report.pdf?audience=payer" in html) is shown, user.username

    def test_the_portal_card_links_to_the_progress_page(self) -> None:
        html = Template("{% load report_tags %}{% reports_portal_card patient %}").render(
            Context({"patient": self.pat_record})
        )
        assert 'href="/portal/progress/"' in html
