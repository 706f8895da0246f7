"""When outcomes are measured: baseline, each visit (before and after treatment), discharge, and
follow-up at 6 weeks, 3, 6 and 12 months after discharge.

The follow-up schedule is the project's (issue 6): the dry-needling trials summarised in the
knowledge base rarely follow patients past a few months, so long-term values are what the field
lacks. Months are calendar months: a discharge on 31 January is followed up on 30 April (3
months; the day is clamped to the end of a shorter month). Six weeks is 42 days.

The values match ``outcomes.models.Timepoint`` so the Django app can store them directly.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from enum import StrEnum

__all__ = ["FOLLOW_UP_TIMEPOINTS", "Timepoint", "add_months", "follow_up_due_dates"]


class Timepoint(StrEnum):
    BASELINE = "baseline"
    VISIT_PRE = "visit_pre"
    VISIT_POST = "visit_post"
    DISCHARGE = "discharge"
    WEEK_6 = "week_6"
    MONTH_3 = "month_3"
    MONTH_6 = "month_6"
    MONTH_12 = "month_12"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, label) pairs in schedule order, for forms."""
        return [(t.value, t.label) for t in cls]


_LABELS: dict[Timepoint, str] = {
    Timepoint.BASELINE: "Baseline",
    Timepoint.VISIT_PRE: "Visit, before treatment",
    Timepoint.VISIT_POST: "Visit, after treatment",
    Timepoint.DISCHARGE: "Discharge",
    Timepoint.WEEK_6: "6 weeks after discharge",
    Timepoint.MONTH_3: "3 months after discharge",
    Timepoint.MONTH_6: "6 months after discharge",
    Timepoint.MONTH_12: "12 months after discharge",
}

#: Follow-up timepoints after discharge, in order, as (timepoint, weeks, months) offsets.
_OFFSETS: tuple[tuple[Timepoint, int, int], ...] = (
    (Timepoint.WEEK_6, 6, 0),
    (Timepoint.MONTH_3, 0, 3),
    (Timepoint.MONTH_6, 0, 6),
    (Timepoint.MONTH_12, 0, 12),
)
FOLLOW_UP_TIMEPOINTS: tuple[Timepoint, ...] = tuple(t for t, _, _ in _OFFSETS)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later, clamped to the end of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def follow_up_due_dates(discharge_date: dt.date) -> list[tuple[Timepoint, dt.date]]:
    """The follow-up timepoints after ``discharge_date`` with the date each is due."""
    return [
        (timepoint, add_months(discharge_date, months) + dt.timedelta(weeks=weeks))
        for timepoint, weeks, months in _OFFSETS
    ]


#: Values that can stand as a series' starting point.
BASELINE_TIMEPOINTS = frozenset({Timepoint.BASELINE.value, Timepoint.VISIT_PRE.value})


def comparison_indexes(timepoints: Sequence[str]) -> tuple[int, int] | None:
    """Which two values of a series (in time order) a change is measured between.

    The start is the first baseline or before-treatment value (the first value when there is
    neither). The end is the last value not taken straight after a treatment: pain or movement
    measured minutes after needling shows that session's effect, not the course's (the last value
    when every one was). None when the series is empty.
    """
    if not timepoints:
        return None
    start = next((i for i, t in enumerate(timepoints) if t in BASELINE_TIMEPOINTS), 0)
    end = next(
        (i for i in range(len(timepoints) - 1, -1, -1) if timepoints[i] != Timepoint.VISIT_POST.value),
        len(timepoints) - 1,
    )
    return start, end
