"""How a change is told to the patient, a physician and a payer: every label has its words, and
the thresholds are cited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from needlepoint.clinical.outcomes.change import classify_change
from needlepoint.outcomes.services.summary import MeasureSeries, SeriesPoint
from needlepoint.reports import wording


def nprs(before: int, after: int, qualifier: str = "") -> MeasureSeries:
    first = SeriesPoint(dt.date(2026, 5, 4), "visit_pre", Decimal(before), "visit")
    last = SeriesPoint(dt.date(2026, 6, 1), "visit_pre", Decimal(after), "visit")
    return MeasureSeries(
        measure_id="nprs", label="Numeric Pain Rating Scale", unit="points", direction="lower is better",
        qualifier=qualifier, points=(first, last), baseline=first, latest=last,
        change=classify_change("nprs", before, after), mcid=Decimal(2), mdc=Decimal("1.77"), sources=("ostelo-2008",),
    )


@pytest.mark.parametrize(
    ("before", "after", "plain"),
    [
        (7, 3, "Your pain has improved by a meaningful amount."),
        (5, 4, "Your pain has not changed by more than a measurement can vary by itself"),
        (3, 6, "Your pain is worse than at the start. Please talk to your clinician about it."),
    ],
)
def test_each_label_in_plain_words(before: int, after: int, plain: str) -> None:
    assert wording.plain_label(nprs(before, after)).startswith(plain)


def test_the_physician_reads_values_change_label_and_threshold() -> None:
    assert wording.clinical_label(nprs(7, 3)) == (
        "7 points → 3 points (-4; 57% better): meaningful improvement, reaches the MCID of 2 points."
    )


def test_the_payer_reads_the_change_against_the_mcid() -> None:
    assert wording.payer_label(nprs(7, 3)) == (
        "7 points → 3 points: improvement of 4 points against an MCID of 2 points: "
        "clinically meaningful functional change."
    )
    assert wording.payer_label(nprs(5, 4)).endswith("within measurement error; no meaningful change yet.")


def test_thresholds_are_cited() -> None:
    text = wording.thresholds_text(nprs(7, 3))
    assert text.startswith("MCID 2 points or 30% (Ostelo et al. 2008)")
    assert "MDC 1.77 points (2021, doi:10.1055/a-1304-3677)" in text


def test_the_responder_line_for_each_reader() -> None:
    outcomes = SimpleNamespace(responder=True, primary=nprs(7, 3), primary_measure="nprs")
    assert wording.responder_line("patient", outcomes) == "Overall: your pain has improved by a meaningful amount."
    assert wording.responder_line("payer", outcomes) == "Responder status: responder on Numeric Pain Rating Scale."
    unknown = SimpleNamespace(responder=None, primary=None, primary_measure="nprs")
    assert "too early to tell" in wording.responder_line("patient", unknown)
    assert "not enough data yet" in wording.responder_line("physician", unknown)
    assert "Numeric Pain Rating Scale" in wording.responder_rule(outcomes)


def test_a_qualified_series_names_its_place() -> None:
    series = nprs(7, 3, qualifier="Upper trapezius, right")
    assert wording.subject(series) == "pain (upper trapezius, right)"
