"""Adverse events per 1,000 visits: the exact Poisson interval for events, Wilson's interval for the
share of visits with an event, and a comparison that refuses unlike figures."""

from __future__ import annotations

import math
from typing import get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st

from needlepoint.clinical.ae_rates import (
    COUNTS,
    EVENT_INTERVAL_SOURCE,
    INTERVAL_SOURCE,
    UnlikeFigures,
    compare,
    events_per_1000,
    format_rate,
    poisson_interval,
    visits_with_event_per_1000,
    wilson_interval,
)
from needlepoint.knowledge import load_knowledge
from needlepoint.knowledge.ae_benchmarks import Counts

rate_per_1000 = visits_with_event_per_1000  # the share of visits with at least one event (Wilson)


@pytest.mark.parametrize(
    ("events", "total", "low", "high"),
    [
        # Worked examples of the Wilson score interval in Newcombe 1998 (Stat Med 17:857), table II.
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_interval_reproduces_published_examples(events: int, total: int, low: float, high: float) -> None:
    got = wilson_interval(events, total)
    assert got == (pytest.approx(low, abs=5e-5), pytest.approx(high, abs=5e-5))


def test_rate_per_1000_scales_the_proportion_and_its_interval() -> None:
    rate = rate_per_1000(15, 148)
    assert rate.per_1000 == pytest.approx(101.35, abs=0.01)
    assert rate.low_per_1000 == pytest.approx(62.4, abs=0.05)
    assert rate.high_per_1000 == pytest.approx(160.5, abs=0.05)
    assert rate.source == INTERVAL_SOURCE
    assert INTERVAL_SOURCE in load_knowledge().references


def test_no_events_still_has_an_upper_bound() -> None:
    rate = rate_per_1000(0, 500)
    assert rate.per_1000 == 0 and rate.low_per_1000 == 0
    assert rate.high_per_1000 == pytest.approx(7.63, abs=0.01)


def test_a_published_rate_inside_the_interval_is_consistent() -> None:
    rate = events_per_1000(40, 200)  # 200 per 1,000, exact 95% interval about 143-272
    result = compare(rate, 191.8, "events", "Brady 2014")
    assert result.verdict == "consistent" and result.inside
    assert result.text == "consistent with Brady 2014 (191.8 per 1,000)"


def test_a_published_rate_below_the_interval_means_the_clinic_is_higher() -> None:
    rate = events_per_1000(3, 200)  # 15 per 1,000, interval about 3.1-43.8
    assert compare(rate, 0.98, "events", "Boyce 2020").verdict == "higher"
    assert compare(rate, 0.98, "events", "Boyce 2020").text == "higher than Boyce 2020 (0.98 per 1,000)"
    assert compare(events_per_1000(40, 200), 368.0, "events").verdict == "lower"


def test_zero_events_are_consistent_with_a_published_zero() -> None:
    assert compare(events_per_1000(0, 120), 0.0, "events").verdict == "consistent"
    assert compare(rate_per_1000(0, 120), 0.0, "visits-with-event").verdict == "consistent"


def test_a_share_of_visits_is_never_compared_with_an_event_rate() -> None:
    """The bug this replaces: 'visits with at least one event' against Brady's events per treatment."""
    with pytest.raises(UnlikeFigures, match="Brady 2014 counts events, the clinic's figure counts visits"):
        compare(rate_per_1000(40, 200), 191.8, "events", "Brady 2014")
    with pytest.raises(UnlikeFigures):
        compare(events_per_1000(40, 200), 191.8, "visits-with-event")
    with pytest.raises(ValueError, match="counts: one of"):
        compare(events_per_1000(40, 200), 191.8, "treatments")  # type: ignore[arg-type]


def test_the_same_visits_give_a_higher_event_rate_than_share_when_visits_have_several_events() -> None:
    # 60 events in 40 of 200 visits: 300 events per 1,000 visits, but 200 visits with an event per 1,000.
    events, share = events_per_1000(60, 200), rate_per_1000(40, 200)
    assert (events.per_1000, share.per_1000) == (300.0, 200.0)
    assert (events.counts, share.counts) == ("events", "visits-with-event")
    # Against Brady 2014's 191.8 events per 1,000 treatments the share looked consistent; the
    # like-for-like figure shows the clinic higher.
    assert compare(events, 191.8, "events").verdict == "higher"
    assert compare(share, 191.8, "visits-with-event").verdict == "consistent"


@pytest.mark.parametrize(("events", "total"), [(1, 0), (-1, 10), (11, 10)])
def test_impossible_counts_are_refused(events: int, total: int) -> None:
    with pytest.raises(ValueError):
        rate_per_1000(events, total)


@pytest.mark.parametrize(("events", "total"), [(1, 0), (-1, 10)])
def test_impossible_event_counts_are_refused(events: int, total: int) -> None:
    with pytest.raises(ValueError):
        events_per_1000(events, total)


def test_more_events_than_visits_is_a_rate_above_1000() -> None:
    rate = events_per_1000(12, 10)
    assert rate.per_1000 == 1200 and rate.high_per_1000 > 1200 > rate.low_per_1000


def test_counts_must_be_whole_numbers() -> None:
    with pytest.raises(TypeError):
        rate_per_1000(1.5, 10)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        events_per_1000(1, 10.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        poisson_interval(True)
    with pytest.raises(ValueError, match="negative"):
        compare(rate_per_1000(1, 10), -1, "visits-with-event")
    with pytest.raises(ValueError, match="alpha"):
        poisson_interval(3, alpha=1.5)


# --- the exact Poisson interval -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("events", "low", "high"),
    [
        # Half the chi-square quantiles (2.5% with 2k degrees of freedom, 97.5% with 2k + 2) from
        # standard tables: e.g. 7.3778 / 2, 0.0506 / 2 and 11.1433 / 2, 0.4844 / 2 and 14.4494 / 2.
        (0, 0.0, 3.6889),
        (1, 0.0253, 5.5716),
        (2, 0.2422, 7.2247),
        (5, 1.6235, 11.6683),
        (10, 4.7954, 18.3904),
        (20, 12.2165, 30.8884),
        (100, 81.3640, 121.6268),
    ],
)
def test_the_exact_poisson_interval_reproduces_table_values(events: int, low: float, high: float) -> None:
    assert poisson_interval(events) == (pytest.approx(low, abs=5e-4), pytest.approx(high, abs=5e-4))


def test_the_poisson_interval_has_closed_forms_for_0_and_1_events() -> None:
    assert poisson_interval(0)[1] == pytest.approx(-math.log(0.025), rel=1e-12)  # P(0 | mean) = 2.5%
    assert poisson_interval(1)[0] == pytest.approx(-math.log(0.975), rel=1e-12)  # P(X >= 1 | mean) = 2.5%


def _poisson_cdf(k: int, mean: float) -> float:
    return sum(math.exp(-mean + j * math.log(mean) - math.lgamma(j + 1)) for j in range(k + 1))


@given(st.integers(min_value=1, max_value=400))
def test_each_end_of_the_poisson_interval_leaves_2_5_percent_in_its_tail(events: int) -> None:
    low, high = poisson_interval(events)
    assert 1 - _poisson_cdf(events - 1, low) == pytest.approx(0.025, rel=1e-6)
    assert _poisson_cdf(events, high) == pytest.approx(0.025, rel=1e-6)


@given(st.integers(min_value=0, max_value=5000))
def test_the_poisson_interval_holds_the_count_and_widens_with_more_events(events: int) -> None:
    low, high = poisson_interval(events)
    assert low <= events <= high
    next_low, next_high = poisson_interval(events + 1)
    assert next_low > low and next_high > high


def test_events_per_1000_scales_the_count_and_its_interval() -> None:
    rate = events_per_1000(5, 250)
    assert rate.per_1000 == 20
    assert rate.low_per_1000 == pytest.approx(1.6235 / 250 * 1000, abs=0.01)
    assert rate.high_per_1000 == pytest.approx(11.6683 / 250 * 1000, abs=0.01)
    assert (rate.source, rate.counts) == (EVENT_INTERVAL_SOURCE, "events")
    assert EVENT_INTERVAL_SOURCE in load_knowledge().references


def test_the_clinical_and_knowledge_words_for_what_is_counted_agree() -> None:
    assert get_args(Counts) == COUNTS


@given(st.integers(min_value=1, max_value=100_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_the_interval_holds_the_rate_and_stays_within_0_and_1000(case: tuple[int, int]) -> None:
    events, total = case
    rate = rate_per_1000(events, total)
    assert 0 <= rate.low_per_1000 <= rate.per_1000 <= rate.high_per_1000 <= 1000


def test_rates_are_printed_with_sensible_digits() -> None:
    assert [format_rate(x) for x in (191.8, 367.0, 0.9773, 0.0, 12.04)] == ["191.8", "367", "0.98", "0", "12"]
