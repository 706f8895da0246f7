"""How a measure's change is told to each reader: the patient (plain words), a referring
physician (clinical), or a payer (functional change against the MCID, sessions, plan).

Only wording: the labels themselves ("meaningful improvement", "within measurement error",
"worse") are decided by :mod:`needlepoint.clinical.outcomes.change`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from needlepoint.clinical.outcomes.change import IMPROVED, WITHIN_ERROR, WORSE
from needlepoint.consent.content import short_citation
from needlepoint.knowledge import Reference, load_knowledge
from needlepoint.knowledge.outcomes import Threshold, load_measures
from needlepoint.reports.charts import num, signed, with_unit

Audience = Literal["patient", "physician", "payer"]
AUDIENCES: tuple[Audience, ...] = ("patient", "physician", "payer")
DEFAULT_AUDIENCE: Audience = "physician"
AUDIENCE_LABELS: dict[Audience, str] = {
    "patient": "For the patient",
    "physician": "For the referring physician",
    "payer": "For the payer",
}
TITLES: dict[Audience, str] = {
    "patient": "Your progress report",
    "physician": "Progress report",
    "payer": "Progress report: outcomes and medical necessity",
}

#: What a measure is about, in a patient's words.
PLAIN_SUBJECT = {
    "nprs": "pain",
    "vas": "pain",
    "ndi": "ability to manage everyday activities with your neck",
    "odi": "ability to manage everyday activities with your back",
    "quickdash": "use of your arm, shoulder and hand",
    "psfs": "ability to do the activities you chose",
    "hdi": "headaches' effect on your life",
    "ffi": "use of your foot",
    "fhsq": "foot health",
    "rom": "range of movement",
    "ppt": "tolerance of pressure on the sore spot",
    "grip-strength": "grip strength",
}


def subject(series: Any) -> str:
    """'pain', 'range of movement (cervical rotation, left)'."""
    words = PLAIN_SUBJECT.get(series.measure_id, series.label)
    return f"{words} ({series.qualifier[:1].lower()}{series.qualifier[1:]})" if series.qualifier else words


def plain_label(series: Any) -> str:
    """The change in a patient's words."""
    change = series.change
    what = subject(series)
    if change is None:
        return f"We need at least two measurements of your {what} to see a change."
    if change.label == IMPROVED:
        return f"Your {what} has improved by a meaningful amount."
    if change.label == WORSE:
        return f"Your {what} is worse than at the start. Please talk to your clinician about it."
    return (
        f"Your {what} has not changed by more than a measurement can vary by itself, so we cannot yet "
        "call it a real change."
    )


def _refs() -> Mapping[str, Reference]:
    return load_knowledge().references


def _short(ref: Reference | None, source: str) -> str:
    if ref is not None and ref.authors.lower().startswith("authors not") and ref.doi:
        return f"{ref.year}, doi:{ref.doi}" if ref.year else f"doi:{ref.doi}"
    return short_citation(ref, source)


def cite(sources: tuple[str, ...] | list[str]) -> str:
    """'Ostelo et al. 2008; Salaffi et al. 2004' (a reference without authors by its DOI)."""
    refs = _refs()
    return "; ".join(_short(refs.get(s), s) for s in dict.fromkeys(sources))


def _threshold_text(name: str, threshold: Threshold, unit: str) -> str:
    return f"{name} {threshold.describe(unit)} ({cite(threshold.sources)})"


def thresholds_text(series: Any) -> str:
    """'MCID 2 points or 30% (Ostelo et al. 2008); MDC 1.77 points (…)': the thresholds and their
    sources, from knowledge/data/measures.yaml (or the series' own values if the measure is unknown)."""
    measure = load_measures().get(series.measure_id)
    if measure is not None:
        parts = []
        if measure.mcid:
            parts.append(
                "MCID "
                + " or ".join(t.describe(measure.unit) for t in measure.mcid)
                + f" ({cite([s for t in measure.mcid for s in t.sources])})"
            )
        if measure.mdc is not None:
            parts.append(_threshold_text("MDC", measure.mdc, measure.unit))
        return "; ".join(parts)
    parts = []
    if series.mcid is not None:
        parts.append(f"MCID {with_unit(series.mcid, series.unit)}")
    if series.mdc is not None:
        parts.append(f"MDC {with_unit(series.mdc, series.unit)}")
    text = "; ".join(parts)
    return f"{text} ({cite(series.sources)})" if text and series.sources else text


def _values(series: Any) -> str:
    base, latest = series.baseline, series.latest
    if base is None or latest is None:
        return ""
    return f"{with_unit(base.value, series.unit)} → {with_unit(latest.value, series.unit)}"


def clinical_label(series: Any) -> str:
    """'7 points → 3 points (-4; 57% better): meaningful improvement (MCID 2 points).'"""
    change = series.change
    if change is None:
        return "Fewer than two values: change not assessed."
    text = f"{_values(series)} ({signed(change.delta)}"
    if change.percent is not None and round(change.percent):
        text += f"; {abs(round(change.percent))}% {'better' if change.percent > 0 else 'worse'}"
    text += f"): {change.label}"
    if change.threshold is not None and change.threshold_kind:
        text += f", reaches the {change.threshold_kind.upper()} of {change.threshold.describe(series.unit)}"
    return text + "."


def payer_label(series: Any) -> str:
    """The change set against the MCID, for medical necessity."""
    change = series.change
    if change is None:
        return "Not yet measured twice; the change against the MCID will be reported at re-assessment."
    mcid = series.mcid
    amount = abs(change.improvement)
    direction = "improvement" if change.improvement > 0 else "worsening" if change.improvement < 0 else "no change"
    text = f"{_values(series)}: {direction} of {with_unit(num(round(amount, 2)), series.unit)}"
    if mcid is not None:
        text += f" against an MCID of {with_unit(mcid, series.unit)}"
    verdict = {
        IMPROVED: "clinically meaningful functional change",
        WORSE: "worse than at baseline beyond measurement error",
        WITHIN_ERROR: "within measurement error; no meaningful change yet",
    }[change.label]
    return f"{text}: {verdict}."


def change_text(audience: Audience, series: Any) -> str:
    if audience == "patient":
        return plain_label(series)
    if audience == "payer":
        return payer_label(series)
    return clinical_label(series)


def _measure_name(outcomes: Any) -> str:
    measure = load_measures().get(outcomes.primary_measure)
    return measure.name if measure is not None else outcomes.primary_measure


def responder_rule(outcomes: Any) -> str:
    """The rule, stated: who counts as a responder (clinical/outcomes/change.py)."""
    return (
        f"Responder rule: the primary measure ({_measure_name(outcomes)}) improved from its first to its "
        "latest value in this episode by at least the minimal clinically important difference (MCID), "
        "or, for a measure without a published MCID, by more than the minimal detectable change (MDC); "
        "where the primary measure has several series, at least one improved meaningfully and none "
        "got worse. The primary measure is the condition's first listed outcome measure, or NPRS."
    )


def responder_line(audience: Audience, outcomes: Any) -> str:
    """The responder status in the reader's words."""
    responder = outcomes.responder
    if audience == "patient":
        if responder is None:
            return "Overall: it is too early to tell; we need at least two measurements of your main measure."
        what = subject(outcomes.primary) if outcomes.primary is not None else "main measure"
        if responder:
            return f"Overall: your {what} has improved by a meaningful amount."
        return f"Overall: your {what} has not yet improved by a meaningful amount."
    name = _measure_name(outcomes)
    if responder is None:
        return f"Responder status: not enough data yet (fewer than two values of {name})."
    return f"Responder status: {'responder' if responder else 'non-responder'} on {name}."
