"""Label a change in an outcome measure, and decide who responded to an episode of care.

Every change gets exactly one label:

- ``meaningful improvement``: the improvement reaches the measure's MCID (any of its published
  forms: Ostelo 2008 gives "2 points or 30%", so either counts) and, where an MDC is published,
  the MDC too, since a smaller change cannot be told apart from measurement error. A measure
  with no published MCID (HDI, PPT, ROM) uses its MDC alone.
- ``worse``: the value moved the wrong way by at least the MDC, or by the MCID where no MDC is
  published.
- ``within measurement error``: anything else.

Percent thresholds are a share of the baseline value. Thresholds, units and sources come from
``knowledge/data/measures.yaml`` (fact sheet section 4); the deciding threshold, its source and
its status travel with the result.

A **responder** is a patient whose primary measure shows a meaningful improvement from the
first to the latest value of the episode. The primary measure is the condition's first listed
outcome measure, or NPRS when the condition lists none (:func:`primary_measure`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal

from needlepoint.knowledge.outcomes import Measure, Threshold, load_measures

__all__ = [
    "DEFAULT_PRIMARY_MEASURE",
    "IMPROVED",
    "WITHIN_ERROR",
    "WORSE",
    "Change",
    "InvalidMeasurement",
    "Observation",
    "ResponderStatus",
    "SeriesKey",
    "classify_change",
    "episode_responder",
    "primary_measure",
    "responder",
]

ChangeLabel = Literal["meaningful improvement", "worse", "within measurement error"]
IMPROVED: Final = "meaningful improvement"
WORSE: Final = "worse"
WITHIN_ERROR: Final = "within measurement error"

#: The measure used when a condition lists no outcome measures.
DEFAULT_PRIMARY_MEASURE = "nprs"

_EPS = 1e-9

Observation = tuple[dt.date, float]
#: A series is keyed by its measure id, or by a tuple whose first element is the measure id
#: (e.g. ``("rom", "cervical", "rotation", "", "left")``): values compare only within a series.
SeriesKey = str | tuple[str, ...]


class InvalidMeasurement(ValueError):
    """A value outside the measure's range, or an unknown measure."""


@dataclass(frozen=True)
class Change:
    """The change from ``baseline`` to ``current`` and its label.

    ``delta`` is current - baseline; ``improvement`` is the same change signed so that a
    positive number is better (in the measure's unit); ``percent`` is the improvement as a
    share of the baseline (None when the baseline is 0). ``threshold`` / ``threshold_kind`` name
    what decided an improvement or a worsening (None when the change is within error).
    """

    measure: str
    baseline: float
    current: float
    delta: float
    improvement: float
    percent: float | None
    label: ChangeLabel
    threshold: Threshold | None
    threshold_kind: Literal["mcid", "mdc"] | None
    explanation: str
    sources: tuple[str, ...]
    status: Literal["confirmed", "unconfirmed"]


def _measure(measure: Measure | str) -> Measure:
    if isinstance(measure, Measure):
        return measure
    found = load_measures().get(measure)
    if found is None:
        raise InvalidMeasurement(f"unknown measure {measure!r}")
    return found


def _check_value(measure: Measure, what: str, value: float) -> None:
    if not measure.contains(value):
        upper = "" if measure.range_max is None else f"-{measure.range_max:g}"
        raise InvalidMeasurement(
            f"{measure.short_name} {what} {value:g} is outside the range {measure.range_min:g}{upper} {measure.unit}"
        )


def _fmt(value: float) -> str:
    return f"{round(value, 2):g}"


def _reaches(threshold: Threshold, amount: float, percent: float | None) -> bool:
    if amount <= _EPS:
        return False
    if threshold.unit == "percent":
        return percent is not None and percent >= threshold.value - _EPS
    return amount >= threshold.value - _EPS


def _describe(measure: Measure, thresholds: Sequence[Threshold]) -> str:
    return " or ".join(t.describe(measure.unit) for t in thresholds)


def _sources(thresholds: Sequence[Threshold]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(s for t in thresholds for s in t.sources))


def _amount(value: float, unit: str) -> str:
    if unit == "points" and abs(value - 1) < _EPS:
        return "1 point"
    return f"{_fmt(value)} {unit}"


def _cite(threshold: Threshold) -> str:
    return f"({', '.join(threshold.sources)})"


def _status(thresholds: Sequence[Threshold]) -> Literal["confirmed", "unconfirmed"]:
    return "confirmed" if all(t.status == "confirmed" for t in thresholds) else "unconfirmed"


def classify_change(measure: Measure | str, baseline: float, current: float) -> Change:
    """Label the change from ``baseline`` to ``current`` for ``measure`` (a Measure or its id).

    An improvement is meaningful when it reaches the MCID (any listed form) and, where an MDC
    is published, also the MDC: a change smaller than the MDC cannot be told apart from
    measurement error. Without an MCID the MDC alone decides. A worsening is labelled "worse"
    from the MDC (or the MCID where no MDC is published).

    Raises InvalidMeasurement for an unknown measure or a value outside its range.
    """
    m = _measure(measure)
    _check_value(m, "baseline", baseline)
    _check_value(m, "value", current)
    delta = current - baseline
    improvement = -delta if m.direction == "lower is better" else delta
    percent = None if baseline == 0 else improvement / abs(baseline) * 100
    worsening = -improvement
    worse_percent = None if percent is None else -percent
    unit = m.unit
    moved = f"from {_fmt(baseline)} to {_fmt(current)} {unit}"
    share = "" if percent is None else f", {abs(percent):.1f}% of the baseline"

    def change(
        label: ChangeLabel,
        threshold: Threshold | None,
        kind: Literal["mcid", "mdc"] | None,
        text: str,
        used: Sequence[Threshold],
    ) -> Change:
        return Change(
            m.id,
            baseline,
            current,
            delta,
            improvement,
            percent,
            label,
            threshold,
            kind,
            text,
            _sources(used),
            _status(used),
        )

    mdc = m.mdc
    if improvement > _EPS:
        head = f"Improved by {_amount(improvement, unit)} ({moved}{share})"
        reached = next((t for t in m.mcid if _reaches(t, improvement, percent)), None)
        if not m.mcid:
            assert mdc is not None  # a measure has an MCID or an MDC (checked on load)
            if _reaches(mdc, improvement, percent):
                return change(
                    IMPROVED,
                    mdc,
                    "mdc",
                    f"{head}: reaches the MDC of {mdc.describe(unit)} "
                    f"{_cite(mdc)}; no MCID is published, so the MDC decides.",
                    (mdc,),
                )
            return change(
                WITHIN_ERROR,
                None,
                None,
                f"{head}: less than the MDC of {mdc.describe(unit)} {_cite(mdc)}, so it may be measurement error.",
                (mdc,),
            )
        if reached is None:
            return change(
                WITHIN_ERROR,
                None,
                None,
                f"{head}: less than the MCID of {_describe(m, m.mcid)} {_cite(m.mcid[0])}.",
                m.mcid,
            )
        if mdc is not None and not _reaches(mdc, improvement, percent):
            return change(
                WITHIN_ERROR,
                None,
                None,
                f"{head}: reaches the MCID of {reached.describe(unit)} "
                f"{_cite(reached)} but not the MDC of {mdc.describe(unit)} {_cite(mdc)}, so it "
                "cannot be told apart from measurement error.",
                (reached, mdc),
            )
        used: tuple[Threshold, ...] = (reached,) if mdc is None else (reached, mdc)
        binding = reached
        kind: Literal["mcid", "mdc"] = "mcid"
        if mdc is not None and reached.unit == "points" and mdc.value > reached.value:
            binding, kind = mdc, "mdc"
        text = f"{head}: reaches the MCID of {reached.describe(unit)} {_cite(reached)}"
        if mdc is not None:
            text += f" and the MDC of {mdc.describe(unit)} {_cite(mdc)}"
        return change(IMPROVED, binding, kind, text + ".", used)

    worse_by: tuple[Threshold, ...] = (mdc,) if mdc is not None else m.mcid
    worse_kind: Literal["mcid", "mdc"] = "mdc" if mdc is not None else "mcid"
    if worsening > _EPS:
        head = f"Worse by {_amount(worsening, unit)} ({moved}{share})"
        hit = next((t for t in worse_by if _reaches(t, worsening, worse_percent)), None)
        if hit is not None:
            return change(
                WORSE,
                hit,
                worse_kind,
                f"{head}: reaches the {worse_kind.upper()} of {hit.describe(unit)} {_cite(hit)}.",
                (hit,),
            )
        return change(
            WITHIN_ERROR,
            None,
            None,
            f"{head}: less than the {worse_kind.upper()} of "
            f"{_describe(m, worse_by)} {_cite(worse_by[0])}, so it may be measurement error.",
            worse_by,
        )
    return change(WITHIN_ERROR, None, None, f"No change ({moved}).", (*m.mcid, *worse_by))


def responder(measure: Measure | str, baseline: float, latest: float) -> bool:
    """Did the change from ``baseline`` to ``latest`` reach a meaningful improvement?"""
    return classify_change(measure, baseline, latest).label == IMPROVED


def primary_measure(outcome_measures: Sequence[str]) -> str:
    """The episode's primary measure: the condition's first outcome measure, else NPRS."""
    return outcome_measures[0] if outcome_measures else DEFAULT_PRIMARY_MEASURE


@dataclass(frozen=True)
class ResponderStatus:
    """Whether the episode's patient responded, judged on the primary measure.

    ``status`` is "responder", "non-responder" or "not enough data" (fewer than two values of
    the primary measure); ``responder`` is True/False/None to match. ``change`` is the primary
    measure's change (the first series that decided it when there are several); ``changes``
    holds the change of every series that has at least two values, by series key.
    """

    primary_measure: str
    status: Literal["responder", "non-responder", "not enough data"]
    responder: bool | None
    change: Change | None
    reason: str
    changes: Mapping[SeriesKey, Change]


def _measure_of(key: SeriesKey) -> str:
    return key if isinstance(key, str) else key[0]


def _first_and_last(observations: Sequence[Observation]) -> tuple[float, float] | None:
    if len(observations) < 2:
        return None
    ordered = sorted(observations, key=lambda o: o[0])  # stable: same-day values keep their order
    return ordered[0][1], ordered[-1][1]


def episode_responder(series: Mapping[SeriesKey, Sequence[Observation]], primary: str) -> ResponderStatus:
    """Responder status of an episode from its measurement series.

    ``series`` maps a series key to ``(date, value)`` observations (any order); the first value
    by date is the baseline and the last is the latest. ``primary`` is the primary measure id
    (see :func:`primary_measure`). When the primary measure has several series (e.g. ROM of two
    movements), the patient is a responder if at least one improves meaningfully and none is
    worse.
    """
    name = _measure(primary).short_name
    changes: dict[SeriesKey, Change] = {}
    for key, observations in series.items():
        pair = _first_and_last(observations)
        if pair is not None:
            changes[key] = classify_change(_measure_of(key), pair[0], pair[1])
    primary_changes = [c for k, c in changes.items() if _measure_of(k) == primary]
    frozen = MappingProxyType(changes)
    if not primary_changes:
        return ResponderStatus(
            primary,
            "not enough data",
            None,
            None,
            f"Fewer than two {name} values in this episode: responder status not known yet.",
            frozen,
        )
    improved = [c for c in primary_changes if c.label == IMPROVED]
    worse = [c for c in primary_changes if c.label == WORSE]
    if improved and not worse:
        return ResponderStatus(
            primary, "responder", True, improved[0], f"Responder on {name}: {improved[0].explanation}", frozen
        )
    decided = worse[0] if worse else primary_changes[0]
    return ResponderStatus(
        primary, "non-responder", False, decided, f"Not a responder on {name}: {decided.explanation}", frozen
    )
