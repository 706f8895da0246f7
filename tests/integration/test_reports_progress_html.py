"""The progress report's HTML, before WeasyPrint: the charts are in it as data: URI SVG images,
nothing refers outside the document, text is escaped, and the tables add up."""

from __future__ import annotations

import base64
import re
from unittest import mock

from tests.integration.test_reports_helpers import ReportTestCase

from needlepoint.documents import render
from needlepoint.reports import progress
from needlepoint.visits.models import Episode

DATA_URI = re.compile(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"')


class ProgressReportHtmlTests(ReportTestCase):
    def report(self, episode: Episode | None = None) -> progress.ProgressReport:
        return progress.progress_report(episode or self.episode, today=self.start, prepared_by="Alice Chen")

    def charts(self, html: str) -> list[str]:
        return [base64.b64decode(m).decode("utf-8") for m in DATA_URI.findall(html)]

    def test_every_measure_has_its_chart_with_the_threshold_band(self) -> None:
        html = progress.report_html(self.report(), "physician")
        charts = self.charts(html)
        assert len(charts) == 2  # NPRS (from the visits) and cervical rotation
        nprs = charts[0]
        assert nprs.startswith("<svg") and 'id="pr0-threshold-band"' in nprs and 'id="pr0-mcid-line"' in nprs
        assert "Baseline 7 points" in nprs  # its <desc>
        assert 'alt="Numeric Pain Rating Scale (points, lower is better)' in html

    def test_the_html_given_to_weasyprint_is_the_html_built(self) -> None:
        report = self.report()
        with mock.patch.object(render, "HTML") as weasy:  # the one WeasyPrint entry point
            weasy.return_value.write_pdf.return_value = b"%PDF-1.7 test"
            assert progress.report_pdf(report, "payer") == b"%PDF-1.7 test"
        sent = weasy.call_args.kwargs["string"]
        assert sent == progress.report_html(report, "payer")
        assert "pr0-threshold-band" in self.charts(sent)[0]
        assert type(weasy.call_args.kwargs["url_fetcher"]).__name__ == "DataOnlyFetcher"

    def test_nothing_outside_the_document_is_referred_to(self) -> None:
        html = progress.report_html(self.report(), "patient")
        sources = re.findall(r'\b(?:src|href)="([^"]*)"', html)
        assert sources and all(s.startswith("data:") for s in sources)
        assert "url(" not in html.replace("url(#", "")

    def test_visits_and_needling_add_up(self) -> None:
        report = self.report()
        assert [(v.number, v.pain_before, v.pain_after, v.muscles, v.needles) for v in report.visits] == [
            (1, 7, 4, 2, 3),
            (2, 6, 3, 1, 2),
            (3, 4, 2, 1, 1),
        ]
        assert report.visits[0].adverse_events == ("Bruising (mild)",)
        assert [(m.muscle, m.side, m.sessions) for m in report.muscles] == [
            ("Upper trapezius", "L+R", 3),
            ("Levator scapulae", "L", 1),
        ]
        assert report.episode.signed_visits == 3 and report.episode.draft_visits == 1
        assert report.clinicians == ("Alice Chen", "Bob Okafor")

    def test_clinician_notes_never_reach_the_report(self) -> None:
        for audience in ("patient", "physician", "payer"):
            assert "CLINICIAN ONLY" not in progress.report_html(self.report(), audience)  # type: ignore[arg-type]

    def test_text_that_looks_like_markup_is_printed_as_text(self) -> None:
        Episode.objects.filter(pk=self.episode.pk).update(goals='<img src="http://example.org/x.png"> walk')
        html = progress.report_html(self.report(Episode.objects.get(pk=self.episode.pk)), "physician")
        assert "&lt;img src=&quot;http://example.org/x.png&quot;&gt; walk" in html
        assert '<img src="http' not in html

    def test_unknown_audiences_and_page_sizes_are_refused(self) -> None:
        with self.assertRaisesMessage(ValueError, "audience"):
            progress.report_html(self.report(), "insurer")  # type: ignore[arg-type]
        with self.assertRaisesMessage(ValueError, "page_size"):
            progress.report_html(self.report(), "patient", page_size="A3")
