"""A clinic's adverse-event rate per 1,000 visits, its 95% interval, and how it compares with a
published rate.

The rate is a proportion: visits with at least one event of a grade, out of the signed visits of
the period (the published surveys count treatments or sessions with an event the same way). Its
interval is Wilson's score interval (source ``wilson-1927``): unlike the simple normal
approximation it stays within 0-1000 and is still useful when a clinic has seen no event at all,
which is the usual case for serious events. A published rate is *consistent* with the clinic's
when it lies inside the interval; otherwise the clinic's rate is higher or lower than published.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

INTERVAL_SOURCE = "wilson-1927"
INTERVAL_METHOD = "Wilson score interval, 95%"
Z_95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution

Verdict = Literal["consistent", "higher", "lower"]


@dataclass(frozen=True)
class RateEstimate:
    """``events`` of ``total`` visits, as a rate per 1,000 with its 95% interval."""

    events: int
    total: int
    per_1000: float
    low_per_1000: float
    high_per_1000: float
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


def rate_per_1000(events: int, total: int) -> RateEstimate:
    """The rate per 1,000 visits with Wilson's 95% interval. ``total`` must be at least 1."""
    low, high = wilson_interval(events, total)
    return RateEstimate(
        events=events,
        total=total,
        per_1000=events / total * 1000,
        low_per_1000=low * 1000,
        high_per_1000=high * 1000,
    )


def compare(estimate: RateEstimate, published_per_1000: float, study: str = "the published rate") -> Comparison:
    """Whether a published rate lies inside the clinic's 95% interval, and if not, which side."""
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


def _check(events: int, total: int) -> None:
    if isinstance(events, bool) or isinstance(total, bool) or not isinstance(events, int) or not isinstance(total, int):
        raise TypeError("events and total: whole numbers")
    if total < 1:
        raise ValueError("total: at least one visit is needed for a rate")
    if not 0 <= events <= total:
        raise ValueError("events: between 0 and the number of visits")
