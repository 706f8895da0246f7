"""Outcome measurement, pure: questionnaire scoring, change labels and responders, timepoints,
and the cadence of sessions.

    from needlepoint.clinical.outcomes import score, classify_change
    from needlepoint.knowledge.outcomes import load_questionnaires
    result = score(load_questionnaires()["ndi"], {"pain-intensity": 3, ...})
    classify_change("ndi", baseline=20, current=11).label  # "meaningful improvement"

See docs/outcomes.md for every rule and its source.
"""

from .cadence import CADENCE_SOURCES, suggest_next_dates
from .change import (
    DEFAULT_PRIMARY_MEASURE,
    IMPROVED,
    WITHIN_ERROR,
    WORSE,
    Change,
    InvalidMeasurement,
    Observation,
    ResponderStatus,
    SeriesKey,
    classify_change,
    episode_responder,
    primary_measure,
    responder,
)
from .scoring import NOT_APPLICABLE, InvalidAnswers, Score, score
from .timepoints import FOLLOW_UP_TIMEPOINTS, Timepoint, add_months, follow_up_due_dates

__all__ = [
    "CADENCE_SOURCES",
    "DEFAULT_PRIMARY_MEASURE",
    "FOLLOW_UP_TIMEPOINTS",
    "IMPROVED",
    "NOT_APPLICABLE",
    "WITHIN_ERROR",
    "WORSE",
    "Change",
    "InvalidAnswers",
    "InvalidMeasurement",
    "Observation",
    "ResponderStatus",
    "Score",
    "SeriesKey",
    "Timepoint",
    "add_months",
    "classify_change",
    "episode_responder",
    "follow_up_due_dates",
    "primary_measure",
    "responder",
    "score",
    "suggest_next_dates",
]
