"""Adverse-event rates per 1,000 visits: Wilson's interval and the comparison with published rates."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from needlepoint.clinical.ae_rates import (
    INTERVAL_SOURCE,
    compare,
    format_rate,
    rate_per_1000,
    wilson_interval,
)
from needlepoint.knowledge import load_knowledge


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
    rate = rate_per_1000(40, 200)  # 200 per 1,000, 95% CI about 150-262
    result = compare(rate, 191.8, "Brady 2014")
    assert result.verdict == "consistent" and result.inside
    assert result.text == "consistent with Brady 2014 (191.8 per 1,000)"


def test_a_published_rate_below_the_interval_means_the_clinic_is_higher() -> None:
    rate = rate_per_1000(3, 200)  # 15 per 1,000, CI about 5-43
    assert compare(rate, 0.98, "Boyce 2020").verdict == "higher"
    assert compare(rate, 0.98, "Boyce 2020").text == "higher than Boyce 2020 (0.98 per 1,000)"
    assert compare(rate_per_1000(40, 200), 367.0).verdict == "lower"


def test_zero_events_are_consistent_with_a_published_zero() -> None:
    assert compare(rate_per_1000(0, 120), 0.0).verdict == "consistent"


@pytest.mark.parametrize(("events", "total"), [(1, 0), (-1, 10), (11, 10)])
def test_impossible_counts_are_refused(events: int, total: int) -> None:
    with pytest.raises(ValueError):
        rate_per_1000(events, total)


def test_counts_must_be_whole_numbers() -> None:
    with pytest.raises(TypeError):
        rate_per_1000(1.5, 10)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="negative"):
        compare(rate_per_1000(1, 10), -1)


@given(st.integers(min_value=1, max_value=100_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_the_interval_holds_the_rate_and_stays_within_0_and_1000(case: tuple[int, int]) -> None:
    events, total = case
    rate = rate_per_1000(events, total)
    assert 0 <= rate.low_per_1000 <= rate.per_1000 <= rate.high_per_1000 <= 1000


def test_rates_are_printed_with_sensible_digits() -> None:
    assert [format_rate(x) for x in (191.8, 367.0, 0.9773, 0.0, 12.04)] == ["191.8", "367", "0.98", "0", "12"]
