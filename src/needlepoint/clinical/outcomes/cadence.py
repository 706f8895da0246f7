"""Suggest the dates of the remaining sessions of an episode of care.

An episode plans a number of sessions at a fixed interval of 1 or 2 weeks
(``Episode.interval_weeks``). Trials of dry needling treat weekly: weekly for 4 weeks
(al-boloushi), weekly for 6 weeks (cotchett-2014), 6 sessions over 4 weeks
(dunning-2018-plantar); fact sheet section 7. A 2-week interval is the clinic's choice for a
patient who needs fewer visits; it is not a tested dose.

Rules of :func:`suggest_next_dates`:

- Dates already booked for this episode after the last visit count as sessions: they reduce the
  number of suggestions, and the cadence continues from the latest of them.
- Each suggestion is ``interval_weeks`` after the previous session; a suggestion that would fall
  on a closed weekday (Saturday and Sunday by default) or on a booked date moves to the next
  open day, so sessions are never closer together than the interval.
- No suggestion is in the past: a session that is already overdue is suggested for today (or the
  next open day).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

__all__ = ["CADENCE_SOURCES", "INTERVAL_WEEKS", "suggest_next_dates"]

CADENCE_SOURCES = ("al-boloushi", "cotchett-2014", "dunning-2018-plantar")
INTERVAL_WEEKS = (1, 2)


def _next_open_day(day: dt.date, closed: frozenset[int], taken: set[dt.date]) -> dt.date:
    while day.weekday() in closed or day in taken:
        day += dt.timedelta(days=1)
    return day


def suggest_next_dates(
    last_visit: dt.date,
    interval_weeks: int,
    sessions_done: int,
    planned_sessions: int,
    booked: Iterable[dt.date],
    today: dt.date,
    closed_weekdays: Iterable[int] = (5, 6),
) -> list[dt.date]:
    """Dates for the episode's remaining sessions (see the module docstring for the rules).

    ``closed_weekdays`` uses ``date.weekday()`` numbers (Monday 0 ... Sunday 6). Raises
    ValueError for an interval other than 1 or 2 weeks, negative counts, or a week with no open day.
    """
    if interval_weeks not in INTERVAL_WEEKS:
        raise ValueError(f"interval_weeks must be 1 or 2, got {interval_weeks}")
    if sessions_done < 0:
        raise ValueError(f"sessions_done must not be negative, got {sessions_done}")
    if planned_sessions < 0:
        raise ValueError(f"planned_sessions must not be negative, got {planned_sessions}")
    closed = frozenset(closed_weekdays)
    if not closed <= set(range(7)):
        raise ValueError(f"closed_weekdays must be numbers 0 (Monday) to 6 (Sunday), got {sorted(closed)}")
    if len(closed) == 7:
        raise ValueError("closed_weekdays closes every day of the week")

    taken = set(booked)
    ahead = sorted(day for day in taken if day > last_visit)
    remaining = planned_sessions - sessions_done - len(ahead)
    previous = ahead[-1] if ahead else last_visit
    step = dt.timedelta(weeks=interval_weeks)
    suggestions: list[dt.date] = []
    for _ in range(max(0, remaining)):
        day = _next_open_day(max(previous + step, today), closed, taken)
        suggestions.append(day)
        taken.add(day)
        previous = day
    return suggestions
