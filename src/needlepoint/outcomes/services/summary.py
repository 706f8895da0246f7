"""An episode's outcomes as plain data: one series per measure and place, its change from baseline
to the latest value with the label and threshold that decided it, and the episode's responder status.

Used by the clinician's outcomes page, the API, and the reports (charts, the progress PDF, the
dashboard). Which values make a series:

- measurements (:class:`~needlepoint.outcomes.models.Measurement`), one series per measure and
  qualifier (ROM: joint, movement and side; PPT: site and side; grip: side);
- questionnaire responses that could be scored, with the score stored when they were submitted;
- NPRS also takes the pain ratings of the episode's **signed** visit notes: ``pain_before`` as a
  "visit, before treatment" value and ``pain_after`` as a "visit, after treatment" value.

Entries marked "entered in error" are left out. Values sort by date, then by timepoint in the
schedule's order (baseline, before treatment, after treatment, discharge, follow-ups).

The **baseline** of a series is its first baseline or before-treatment value (its first value when
it has neither). The **latest** value is its last value that was not taken straight after a
treatment: pain or range of motion right after needling shows that session's immediate effect, not
the course's, so it is charted but never compared with the baseline (unless a series has nothing
else). The change and its label come from :func:`needlepoint.clinical.outcomes.classify_change`;
the responder status from :func:`needlepoint.clinical.outcomes.episode_responder`, judged on the
condition's first outcome measure when it has a change, else on NPRS.

Cost: three queries whatever the number of values (measurements, responses, signed visits).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from needlepoint.audit import services as audit
from needlepoint.clinical.outcomes import (
    DEFAULT_PRIMARY_MEASURE,
    Change,
    InvalidMeasurement,
    Observation,
    ResponderStatus,
    SeriesKey,
    classify_change,
    episode_responder,
    primary_measure,
)
from needlepoint.clinical.outcomes.timepoints import comparison_indexes
from needlepoint.knowledge import load_knowledge
from needlepoint.knowledge.outcomes import Measure, load_measures
from needlepoint.outcomes.models import Measurement, QuestionnaireResponse, Timepoint
from needlepoint.outcomes.services.measurements import find_patient_episode, qualifier_label
from needlepoint.visits.models import Episode, Visit

__all__ = [
    "EpisodeOutcomes",
    "MeasureSeries",
    "SeriesPoint",
    "episode_outcomes",
    "outcomes_for_episode",
    "read_outcomes",
]

MEASUREMENT = "measurement"
QUESTIONNAIRE = "questionnaire"
VISIT = "visit"
_TIMEPOINT_ORDER = {value: index for index, value in enumerate(Timepoint.values)}


@dataclass(frozen=True)
class SeriesPoint:
    taken_on: dt.date
    timepoint: str
    value: Decimal
    source: str  # "measurement" | "questionnaire" | "visit"


@dataclass(frozen=True)
class MeasureSeries:
    measure_id: str
    label: str
    unit: str
    direction: str  # "lower is better" | "higher is better"
    qualifier: str  # e.g. "Cervical rotation, left" or "Upper trapezius, right" or ""
    points: tuple[SeriesPoint, ...]
    baseline: SeriesPoint | None
    latest: SeriesPoint | None
    change: Change | None  # baseline -> latest
    mcid: Decimal | None
    mdc: Decimal | None
    sources: tuple[str, ...]
    #: What keeps this series apart: (measure, joint, movement, site, side).
    key: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return f"{self.label} · {self.qualifier}" if self.qualifier else self.label


@dataclass(frozen=True)
class EpisodeOutcomes:
    episode_id: uuid.UUID
    patient_id: uuid.UUID
    condition_id: str
    series: tuple[MeasureSeries, ...]
    primary: MeasureSeries | None
    responder: bool | None  # None = not enough data yet
    #: The measure the responder status is judged on, and why it came out as it did.
    primary_measure: str = DEFAULT_PRIMARY_MEASURE
    responder_reason: str = ""

    @property
    def has_data(self) -> bool:
        return any(s.points for s in self.series)


# --- building the series -----------------------------------------------------------------------


def _threshold_points(measure: Measure) -> tuple[Decimal | None, Decimal | None]:
    mcid = next((Decimal(f"{t.value:g}") for t in measure.mcid if t.unit == "points"), None)
    mdc = Decimal(f"{measure.mdc.value:g}") if measure.mdc is not None else None
    return mcid, mdc


def _sort_key(point: SeriesPoint) -> tuple[dt.date, int]:
    return point.taken_on, _TIMEPOINT_ORDER.get(point.timepoint, len(_TIMEPOINT_ORDER))


def baseline_of(points: tuple[SeriesPoint, ...]) -> SeriesPoint | None:
    """The value a change is measured from (rule: ``clinical.outcomes.timepoints.comparison_indexes``)."""
    pair = comparison_indexes([p.timepoint for p in points])
    return None if pair is None else points[pair[0]]


def latest_of(points: tuple[SeriesPoint, ...]) -> SeriesPoint | None:
    """The value a change is measured to (rule: ``clinical.outcomes.timepoints.comparison_indexes``)."""
    pair = comparison_indexes([p.timepoint for p in points])
    return None if pair is None else points[pair[1]]


def _change(measure: Measure, baseline: SeriesPoint | None, latest: SeriesPoint | None) -> Change | None:
    if baseline is None or latest is None or baseline is latest:
        return None
    try:
        return classify_change(measure, float(baseline.value), float(latest.value))
    except InvalidMeasurement:  # a value outside today's range: no label rather than a wrong one
        return None


def _series(measure: Measure, key: tuple[str, ...], qualifier: str, points: Iterable[SeriesPoint]) -> MeasureSeries:
    ordered = tuple(sorted(points, key=_sort_key))  # stable: same day and timepoint keep entry order
    baseline, latest = baseline_of(ordered), latest_of(ordered)
    mcid, mdc = _threshold_points(measure)
    return MeasureSeries(
        measure_id=measure.id,
        label=measure.name,
        unit=measure.unit,
        direction=measure.direction,
        qualifier=qualifier,
        points=ordered,
        baseline=baseline,
        latest=latest,
        change=_change(measure, baseline, latest),
        mcid=mcid,
        mdc=mdc,
        sources=tuple(measure.sources),
        key=key,
    )


#: Episodes gathered per round of three queries.
BATCH = 500


def _gather_many(episode_ids: Sequence[Any]) -> dict[Any, dict[tuple[str, ...], list[SeriesPoint]]]:
    """Every value of these episodes by episode and series key: three queries, however many
    episodes and values."""
    found: dict[Any, dict[tuple[str, ...], list[SeriesPoint]]] = {pk: {} for pk in episode_ids}
    rows = (
        Measurement.objects.filter(episode_id__in=episode_ids, entered_in_error=False)
        .order_by("taken_on", "recorded_at")
        .values_list("episode_id", "measure", "joint", "movement", "site", "side", "taken_on", "timepoint", "value")
    )
    for episode_id, measure, joint, movement, site, side, taken_on, timepoint, value in rows:
        point = SeriesPoint(taken_on, timepoint, value, MEASUREMENT)
        found[episode_id].setdefault((measure, joint, movement, site, side), []).append(point)
    by_questionnaire = {m.questionnaire: m.id for m in load_measures().values() if m.questionnaire}
    responses = (
        QuestionnaireResponse.objects.filter(
            episode_id__in=episode_ids, entered_in_error=False, scorable=True, score__isnull=False
        )
        .order_by("completed_on", "submitted_at")
        .values_list("episode_id", "questionnaire", "completed_on", "timepoint", "score")
    )
    for episode_id, questionnaire, completed_on, timepoint, score in responses:
        measure_id = by_questionnaire.get(questionnaire)
        if measure_id is not None:
            point = SeriesPoint(completed_on, timepoint, score, QUESTIONNAIRE)
            found[episode_id].setdefault((measure_id, "", "", "", ""), []).append(point)
    visits = (
        Visit.objects.filter(episode_id__in=episode_ids, status=Visit.Status.SIGNED)
        .order_by("visit_date", "created_at")
        .values_list("episode_id", "visit_date", "pain_before", "pain_after")
    )
    pre, post = Timepoint.VISIT_PRE.value, Timepoint.VISIT_POST.value
    for episode_id, visit_date, before, after in visits:
        nprs = found[episode_id].setdefault((DEFAULT_PRIMARY_MEASURE, "", "", "", ""), [])
        if before is not None:
            nprs.append(SeriesPoint(visit_date, pre, Decimal(before), VISIT))
        if after is not None:
            nprs.append(SeriesPoint(visit_date, post, Decimal(after), VISIT))
    return {pk: {key: points for key, points in series.items() if points} for pk, series in found.items()}


def _responder(
    series: tuple[MeasureSeries, ...], condition_id: str
) -> tuple[str, ResponderStatus, MeasureSeries | None]:
    """Judge on the condition's first outcome measure if it has a change, else on NPRS."""
    condition = load_knowledge().conditions.get(condition_id)
    primary = primary_measure(condition.outcome_measures if condition is not None else ())
    if not any(s.measure_id == primary and s.change is not None for s in series):
        primary = DEFAULT_PRIMARY_MEASURE
    # Each series as its baseline and latest value, so the responder is judged on the same
    # comparison the series shows.
    observations: dict[SeriesKey, list[Observation]] = {
        s.key: [(s.baseline.taken_on, float(s.baseline.value)), (s.latest.taken_on, float(s.latest.value))]
        for s in series
        if s.change is not None and s.baseline is not None and s.latest is not None
    }
    status = episode_responder(observations, primary)
    chosen = [s for s in series if s.measure_id == primary]
    decided = next((s for s in chosen if status.change is not None and s.change == status.change), None)
    return primary, status, decided or (chosen[0] if chosen else None)


def _outcomes(episode: Episode, gathered: dict[tuple[str, ...], list[SeriesPoint]]) -> EpisodeOutcomes:
    measures = load_measures()
    series = []
    for key, points in gathered.items():
        measure = measures.get(key[0])
        if measure is not None:
            series.append(_series(measure, key, qualifier_label(*key), points))
    order = {measure_id: index for index, measure_id in enumerate(measures)}
    series.sort(key=lambda s: (order.get(s.measure_id, len(order)), s.qualifier))
    ordered = tuple(series)
    primary, status, primary_series = _responder(ordered, episode.condition_id)
    return EpisodeOutcomes(
        episode_id=episode.pk,
        patient_id=episode.patient_id,
        condition_id=episode.condition_id,
        series=ordered,
        primary=primary_series,
        responder=status.responder,
        primary_measure=primary,
        responder_reason=status.reason,
    )


def outcomes_for_episode(episode: Episode) -> EpisodeOutcomes:
    """The episode's outcomes, with no permission check and no audit row: for callers that have
    already checked who asks (reports, dashboards, the patient's own portal view)."""
    return _outcomes(episode, _gather_many([episode.pk])[episode.pk])


def outcomes_for_episodes(episodes: Sequence[Episode]) -> dict[Any, EpisodeOutcomes]:
    """Several episodes' outcomes by episode id, in three queries per 500 episodes (the dashboard); no permission
    check and no audit row, as :func:`outcomes_for_episode`."""
    result: dict[Any, EpisodeOutcomes] = {}
    for first in range(0, len(episodes), BATCH):  # bounded IN lists (SQLite caps bound parameters)
        chunk = episodes[first : first + BATCH]
        gathered = _gather_many([e.pk for e in chunk])
        result.update({e.pk: _outcomes(e, gathered[e.pk]) for e in chunk})
    return result


@transaction.atomic
def read_outcomes(actor: Any, patient_id: Any, episode_id: Any) -> tuple[Episode, EpisodeOutcomes]:
    """The episode and its outcomes for clinic staff; the read is audited as a read of the chart.
    NotFound for anyone who may not see the episode, and for another patient's episode."""
    episode = find_patient_episode(actor, patient_id, episode_id)
    audit.record(
        audit.Action.READ,
        audit.Subject(
            object_type="visits.episode",
            object_id=str(episode.pk),
            object_repr=f"Outcomes: {episode}"[:200],
            patient_id=str(episode.patient_id),
        ),
        actor=actor,
        clinic_id=episode.clinic_id,
    )
    return episode, outcomes_for_episode(episode)


def episode_outcomes(actor: Any, episode_id: Any) -> EpisodeOutcomes:
    """The episode's outcomes for clinic staff (an audited read of the chart); NotFound for
    anyone who may not see the episode."""
    return read_outcomes(actor, None, episode_id)[1]
