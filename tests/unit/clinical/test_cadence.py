"""Suggested dates for the remaining sessions of an episode (1-2 weeks apart)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from needlepoint.clinical.outcomes import CADENCE_SOURCES, suggest_next_dates
from needlepoint.knowledge import load_knowledge

MONDAY = dt.date(2025, 3, 3)


def d(offset: int) -> dt.date:
    return MONDAY + dt.timedelta(days=offset)


def test_weekly_sessions_from_the_last_visit() -> None:
    assert suggest_next_dates(d(0), 1, 2, 5, [], today=d(1)) == [d(7), d(14), d(21)]


def test_every_two_weeks() -> None:
    assert suggest_next_dates(d(0), 2, 1, 3, [], today=d(1)) == [d(14), d(28)]


def test_weekend_moves_to_the_next_open_day() -> None:
    saturday = d(5)
    assert suggest_next_dates(saturday - dt.timedelta(days=7), 1, 1, 2, [], today=d(0)) == [d(7)]
    # A clinic closed on Mondays and at the weekend moves a Monday to Tuesday.
    assert suggest_next_dates(d(0), 1, 1, 2, [], today=d(1), closed_weekdays=(0, 5, 6)) == [d(8)]


def test_booked_sessions_count_and_are_never_suggested_again() -> None:
    booked = [d(7)]
    # 5 planned, 2 done, 1 already booked next week: two more, continuing from the booking.
    assert suggest_next_dates(d(0), 1, 2, 5, booked, today=d(1)) == [d(14), d(21)]
    # A booking two weeks out: the cadence continues after it.
    assert suggest_next_dates(d(0), 1, 2, 5, [d(14)], today=d(1)) == [d(21), d(28)]
    # Bookings on or before the last visit are history: they neither count nor anchor.
    assert suggest_next_dates(d(0), 1, 2, 3, [d(-3), d(0)], today=d(1)) == [d(7)]


def test_overdue_sessions_start_today_and_nothing_is_in_the_past() -> None:
    wednesday = d(2)
    assert suggest_next_dates(d(-30), 1, 1, 3, [], today=wednesday) == [wednesday, d(9)]
    sunday = d(6)
    assert suggest_next_dates(d(-30), 1, 1, 2, [], today=sunday) == [d(7)]


def test_no_sessions_left() -> None:
    assert suggest_next_dates(d(0), 1, 6, 6, [], today=d(1)) == []
    assert suggest_next_dates(d(0), 1, 7, 6, [], today=d(1)) == []
    assert suggest_next_dates(d(0), 1, 4, 6, [d(7), d(14)], today=d(1)) == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"interval_weeks": 3}, "interval_weeks must be 1 or 2"),
        ({"interval_weeks": 0}, "interval_weeks must be 1 or 2"),
        ({"sessions_done": -1}, "sessions_done must not be negative"),
        ({"closed_weekdays": range(7)}, "closes every day"),
        ({"closed_weekdays": (7,)}, "closed_weekdays must be numbers"),
    ],
)
def test_bad_input_is_refused(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {
        "last_visit": d(0), "interval_weeks": 1, "sessions_done": 1, "planned_sessions": 4, "booked": [],
        "today": d(1),
    }
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        suggest_next_dates(**args)  # type: ignore[arg-type]


def test_cadence_sources_are_in_the_bibliography() -> None:
    references = load_knowledge().references
    assert all(source in references for source in CADENCE_SOURCES)


@settings(max_examples=200, deadline=None)
@given(
    last_offset=st.integers(-60, 10),
    today_offset=st.integers(0, 20),
    interval=st.sampled_from([1, 2]),
    done=st.integers(0, 12),
    planned=st.integers(1, 12),
    booked_offsets=st.sets(st.integers(-10, 60), max_size=5),
    closed=st.sets(st.integers(0, 6), max_size=4),
)
def test_suggestions_respect_every_rule(
    last_offset: int, today_offset: int, interval: int, done: int, planned: int,
    booked_offsets: set[int], closed: set[int],
) -> None:
    last, today = d(last_offset), d(today_offset)
    booked = [d(o) for o in booked_offsets]
    dates = suggest_next_dates(last, interval, done, planned, booked, today, closed_weekdays=closed)
    ahead = [b for b in booked if b > last]
    assert len(dates) == max(0, planned - done - len(ahead))
    assert len(set(dates)) == len(dates) and dates == sorted(dates)
    previous = max([last, *ahead])
    for day in dates:
        assert day >= today
        assert day.weekday() not in closed
        assert day not in booked
        assert (day - previous).days >= 7 * interval
        previous = day
