"""A clinic's adverse events per 1,000 visits, their 95% intervals, and how they compare with a
published rate.

Two different figures, never mixed up:

- **Events per 1,000 visits**: every adverse event recorded, divided by the signed visits. A visit
  can have more than one event, so this is a rate of a count, not a proportion, and its interval
  is the exact Poisson interval (source ``garwood-1936``), which is right for any count including
  none. This is what the published surveys report: Brady 2014 and Boyce 2020 count events per
  treatment or session, not treatments with at least one event, so only this figure is compared
  with them.
- **Visits with at least one event, per 1,000 visits**: a proportion of visits (it cannot exceed
  1,000), with Wilson's score interval (source ``wilson-1927``), which stays within 0-1,000 and is
  still useful when a clinic has seen no event. It is shown for what it is and compared only with
  a published figure that counts the same thing.

``compare`` refuses to compare unlike figures (``UnlikeFigures``). A published rate is *consistent*
with the clinic's when it lies inside the clinic's interval; otherwise the clinic's rate is higher
or lower than published. The published rate's own uncertainty is left out, and events that
cluster in some patients make the Poisson interval somewhat too narrow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

#: What a rate's numerator counts: every event, or the visits (treatments, sessions) with at least one.
Counts = Literal["events", "visits-with-event"]
COUNTS: tuple[Counts, ...] = ("events", "visits-with-event")

INTERVAL_SOURCE = "wilson-1927"
INTERVAL_METHOD = "Wilson score interval, 95%"
EVENT_INTERVAL_SOURCE = "garwood-1936"
EVENT_INTERVAL_METHOD = "exact Poisson interval, 95%"
Z_95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution
ALPHA = 0.05

Verdict = Literal["consistent", "higher", "lower"]


class UnlikeFigures(ValueError):
    """A rate of events compared with a share of visits with an event, or the other way round."""


@dataclass(frozen=True)
class RateEstimate:
    """``events`` (what ``counts`` says) in ``total`` visits, per 1,000 visits with a 95% interval."""

    events: int
    total: int
    per_1000: float
    low_per_1000: float
    high_per_1000: float
    counts: Counts = "visits-with-event"
    method: str = INTERVAL_METHOD
    source: str = INTERVAL_SOURCE


@dataclass(frozen=True)
class Comparison:
    published_per_1000: float
    verdict: Verdict
    text: str  # "consistent with Brady 2014 (191.8 per 1,000)"

    @property
    def inside(self) -> bool:
        return self.verdict == "consistent"


# --- intervals --------------------------------------------------------------------------------


def wilson_interval(events: int, total: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson's score interval for the proportion ``events / total`` (both ends within 0-1)."""
    _check(events, total)
    n = float(total)
    p = events / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    low = 0.0 if events == 0 else max(0.0, centre - half)
    high = 1.0 if events == total else min(1.0, centre + half)
    return low, high


def poisson_interval(events: int, alpha: float = ALPHA) -> tuple[float, float]:
    """The exact (Garwood) interval for the mean of a Poisson count of ``events``.

    The lower end is the mean at which a count of ``events`` or more has probability alpha/2, the
    upper end the mean at which a count of ``events`` or fewer has probability alpha/2 (equal to
    half the chi-square quantiles with 2k and 2k + 2 degrees of freedom). No events: 0 to
    -ln(alpha/2), 3.69 for 95%.
    """
    _check_count(events)
    if not 0 < alpha < 1:
        raise ValueError("alpha: between 0 and 1")
    tail = alpha / 2
    # P(X >= k | mean) is the regularised lower incomplete gamma P(k, mean);
    # P(X <= k | mean) is 1 - P(k + 1, mean).
    low = 0.0 if events == 0 else _solve_gamma_p(events, tail)
    high = _solve_gamma_p(events + 1, 1 - tail)
    return low, high


# --- the two figures ----------------------------------------------------------------------------


def events_per_1000(events: int, total: int) -> RateEstimate:
    """Adverse events (every one recorded) per 1,000 visits, with the exact Poisson 95% interval.
    ``total`` must be at least 1; ``events`` may exceed it (a visit can have several)."""
    _check_count(events)
    _check_total(total)
    low, high = poisson_interval(events)
    return RateEstimate(
        events=events,
        total=total,
        per_1000=events / total * 1000,
        low_per_1000=low / total * 1000,
        high_per_1000=high / total * 1000,
        counts="events",
        method=EVENT_INTERVAL_METHOD,
        source=EVENT_INTERVAL_SOURCE,
    )


def visits_with_event_per_1000(visits_with_event: int, total: int) -> RateEstimate:
    """Visits with at least one event per 1,000 visits (a proportion), with Wilson's 95% interval."""
    low, high = wilson_interval(visits_with_event, total)
    return RateEstimate(
        events=visits_with_event,
        total=total,
        per_1000=visits_with_event / total * 1000,
        low_per_1000=low * 1000,
        high_per_1000=high * 1000,
        counts="visits-with-event",
    )


def compare(
    estimate: RateEstimate, published_per_1000: float, counts: Counts, study: str = "the published rate"
) -> Comparison:
    """Whether a published rate lies inside the clinic's 95% interval, and if not, which side.

    ``counts`` is what the published figure counts; it must be what the clinic's figure counts."""
    if counts not in COUNTS:
        raise ValueError(f"counts: one of {', '.join(COUNTS)}")
    if counts != estimate.counts:
        raise UnlikeFigures(
            f"{study} counts {_counts_words(counts)}, the clinic's figure counts {_counts_words(estimate.counts)}: "
            "they cannot be compared"
        )
    if published_per_1000 < 0:
        raise ValueError("published_per_1000: a rate cannot be negative")
    figure = f"{study} ({format_rate(published_per_1000)} per 1,000)"
    if estimate.low_per_1000 > published_per_1000:
        return Comparison(published_per_1000, "higher", f"higher than {figure}")
    if estimate.high_per_1000 < published_per_1000:
        return Comparison(published_per_1000, "lower", f"lower than {figure}")
    return Comparison(published_per_1000, "consistent", f"consistent with {figure}")


def format_rate(per_1000: float) -> str:
    """191.8 -> '191.8', 0.977 -> '0.98', 12 -> '12', 0 -> '0'."""
    if per_1000 == 0:
        return "0"
    digits = 1 if per_1000 >= 10 else 2
    return f"{per_1000:.{digits}f}".rstrip("0").rstrip(".")


# --- helpers ----------------------------------------------------------------------------------


def _counts_words(counts: Counts) -> str:
    return "events" if counts == "events" else "visits with at least one event"


def _check_count(events: int) -> None:
    if isinstance(events, bool) or not isinstance(events, int):
        raise TypeError("events: a whole number")
    if events < 0:
        raise ValueError("events: a count cannot be negative")


def _check_total(total: int) -> None:
    if isinstance(total, bool) or not isinstance(total, int):
        raise TypeError("total: a whole number")
    if total < 1:
        raise ValueError("total: at least one visit is needed for a rate")


def _check(events: int, total: int) -> None:
    _check_count(events)
    _check_total(total)
    if events > total:
        raise ValueError("events: between 0 and the number of visits")


def _gamma_p(a: float, x: float) -> float:
    """The regularised lower incomplete gamma function P(a, x), for a > 0 and x >= 0: a series
    below x = a + 1, a continued fraction (for 1 - P) above it."""
    if x <= 0:
        return 0.0
    log_front = -x + a * math.log(x) - math.lgamma(a)
    if x < a + 1:
        term = total = 1.0 / a
        denominator = a
        while abs(term) > abs(total) * 1e-16:
            denominator += 1
            term *= x / denominator
            total += term
        return min(1.0, total * math.exp(log_front))
    tiny = 1e-300
    b = x + 1 - a
    c = 1 / tiny
    d = 1 / b
    h = d
    i = 0
    while True:
        i += 1
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        step = d * c
        h *= step
        if abs(step - 1) < 1e-16 or i > 100_000:
            break
    return max(0.0, 1.0 - math.exp(log_front) * h)


def _solve_gamma_p(a: int, target: float) -> float:
    """The x at which P(a, x) = target (P rises with x), by bisection to full precision."""
    low, high = 0.0, max(1.0, 2.0 * a)
    while _gamma_p(a, high) < target:
        low, high = high, high * 2
    for _ in range(200):
        middle = (low + high) / 2
        if middle in (low, high):
            break
        if _gamma_p(a, middle) < target:
            low = middle
        else:
            high = middle
    return (low + high) / 2
