"""What the clinician's outcomes page shows, as plain rows: one per series (with its label badge,
threshold and a numbered footnote citing the source) and one per recorded entry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from needlepoint.knowledge import load_knowledge
from needlepoint.knowledge.outcomes import load_measures, load_questionnaires
from needlepoint.outcomes.models import Measurement, QuestionnaireResponse
from needlepoint.outcomes.services.qualifiers import qualifier_label
from needlepoint.outcomes.services.summary import EpisodeOutcomes, MeasureSeries
from needlepoint.visits.models import Episode

BADGES = {"meaningful improvement": "ok", "worse": "bad", "within measurement error": "warn"}


def cite(source_id: str) -> str:
    """A short citation: "Ostelo et al. 2008" (the title's start when the authors are not recorded)."""
    reference = load_knowledge().references.get(source_id)
    if reference is None:
        return source_id
    if reference.authors.lower().startswith("authors not"):
        words = reference.title.split()
        head = " ".join(words[:6]) + ("…" if len(words) > 6 else "")
        return f"{head} ({reference.year})" if reference.year else head
    first = reference.authors.split(",")[0].strip()
    surname = first.split(" ")[0] if first else source_id
    more = " et al." if "," in reference.authors or " and " in reference.authors else ""
    return f"{surname}{more} {reference.year}" if reference.year else f"{surname}{more}"


def full_reference(source_id: str) -> str:
    """The whole reference, as the bibliography has it."""
    r = load_knowledge().references.get(source_id)
    if r is None:
        return source_id
    year = f" ({r.year})" if r.year else ""
    where = ", ".join(p for p in (r.container, r.volume, r.pages) if p)
    ident = f" doi:{r.doi}" if r.doi else (f" PMID {r.pmid}" if r.pmid else "")
    unconfirmed = " [details not yet checked]" if r.status == "unconfirmed" else ""
    return f"{r.authors}{year}. {r.title}. {where}.{ident}{unconfirmed}"


def change_text(change: Any, unit: str) -> str:
    """The change from baseline with its sign, and as a share of the baseline: "-3 points (-43%)"."""
    delta = round(change.delta, 2)
    text = f"{delta:+g} {unit}" if delta else f"0 {unit}"
    if change.baseline:
        text += f" ({delta / abs(change.baseline) * 100:+.0f}%)"
    return text.replace("-", "\N{MINUS SIGN}")


@dataclass(frozen=True)
class SeriesRow:
    series: MeasureSeries
    badge: str
    footnote: int | None
    threshold: str
    citations: str
    change_text: str = ""


def rows_of(outcomes: EpisodeOutcomes) -> tuple[list[SeriesRow], list[tuple[int, str, str, str]]]:
    """One row per series, and a numbered footnote per labelled change (explanation, threshold,
    sources) so the threshold and its source are on the page, not only on hover."""
    rows: list[SeriesRow] = []
    notes: list[tuple[int, str, str, str]] = []
    for series in outcomes.series:
        change = series.change
        if change is None:
            rows.append(SeriesRow(series, "", None, "", ""))
            continue
        threshold = ""
        if change.threshold is not None and change.threshold_kind is not None:
            threshold = f"{change.threshold_kind.upper()} {change.threshold.describe(series.unit)}"
        citations = "; ".join(cite(s) for s in change.sources)
        number = len(notes) + 1
        status = "" if change.status == "confirmed" else " (threshold not yet confirmed against the source)"
        notes.append((number, series.title, change.explanation + status, citations))
        rows.append(
            SeriesRow(
                series, BADGES.get(change.label, ""), number, threshold, citations, change_text(change, series.unit)
            )
        )
    return rows, notes


@dataclass(frozen=True)
class Entry:
    """A recorded value as listed under "Entries": a measurement or a questionnaire response."""

    kind: str  # "measurement" | "response"
    id: Any
    taken_on: dt.date
    what: str
    value: str
    timepoint: str
    by: str
    entered_in_error: bool
    error_reason: str


def entries_of(episode: Episode) -> list[Entry]:
    measures = load_measures()
    titles = {q.id: q.short_title for q in load_questionnaires().values()}
    entries = []
    for m in Measurement.objects.filter(episode=episode).select_related("recorded_by"):
        definition = measures.get(m.measure)
        where = qualifier_label(m.measure, m.joint, m.movement, m.site, m.side)
        name = definition.short_name if definition else m.measure
        entries.append(
            Entry(
                "measurement",
                m.pk,
                m.taken_on,
                f"{name} · {where}" if where else name,
                f"{m.value.normalize():f} {m.unit}",
                m.get_timepoint_display(),
                m.recorded_by.get_full_name() if m.recorded_by else "",
                m.entered_in_error,
                m.error_reason,
            )
        )
    for r in QuestionnaireResponse.objects.filter(episode=episode).select_related("entered_by"):
        score = "not scored" if r.score is None else f"{r.score.normalize():f} points"
        by = r.entered_by.get_full_name() if r.entered_by else "the patient"
        entries.append(
            Entry(
                "response",
                r.pk,
                r.completed_on,
                titles.get(r.questionnaire, r.questionnaire),
                score,
                r.get_timepoint_display(),
                f"{by} ({r.get_source_display().lower()})",
                r.entered_in_error,
                r.error_reason,
            )
        )
    entries.sort(key=lambda e: (e.taken_on, e.kind), reverse=True)
    return entries
