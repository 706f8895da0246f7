"""Outcome timepoints and the follow-up schedule after discharge."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from needlepoint.clinical.outcomes import FOLLOW_UP_TIMEPOINTS, Timepoint, add_months, follow_up_due_dates


def test_timepoints_in_schedule_order_with_labels() -> None:
    assert [t.value for t in Timepoint] == [
        "baseline", "visit_pre", "visit_post", "discharge", "week_6", "month_3", "month_6", "month_12",
    ]
    assert Timepoint.VISIT_PRE.label == "Visit, before treatment"
    assert Timepoint.MONTH_12.label == "12 months after discharge"
    assert Timepoint.choices()[0] == ("baseline", "Baseline")
    assert Timepoint("week_6") is Timepoint.WEEK_6


def test_follow_up_due_dates() -> None:
    due = follow_up_due_dates(dt.date(2025, 3, 14))
    assert due == [
        (Timepoint.WEEK_6, dt.date(2025, 4, 25)),
        (Timepoint.MONTH_3, dt.date(2025, 6, 14)),
        (Timepoint.MONTH_6, dt.date(2025, 9, 14)),
        (Timepoint.MONTH_12, dt.date(2026, 3, 14)),
    ]


def test_month_ends_and_leap_days_are_clamped() -> None:
    due = dict(follow_up_due_dates(dt.date(2025, 11, 30)))
    assert due[Timepoint.MONTH_3] == dt.date(2026, 2, 28)
    assert add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2025, 12, 15), 1) == dt.date(2026, 1, 15)


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31)))
def test_follow_ups_come_in_order_after_discharge(discharge: dt.date) -> None:
    due = follow_up_due_dates(discharge)
    assert [t for t, _ in due] == list(FOLLOW_UP_TIMEPOINTS)
    dates = [d for _, d in due]
    assert dates == sorted(dates) and dates[0] == discharge + dt.timedelta(days=42)
    assert all(d > discharge for d in dates)
    # Roughly the right distance: months are calendar months, never off by more than 3 days.
    for (_, d), days in zip(due[1:], (91, 182, 365), strict=True):
        assert abs((d - discharge).days - days) <= 3


def test_a_change_runs_from_the_first_baseline_to_the_last_value_not_taken_straight_after_treatment() -> None:
    from needlepoint.clinical.outcomes.timepoints import comparison_indexes

    assert comparison_indexes([]) is None
    assert comparison_indexes(["visit_post", "baseline", "visit_pre", "visit_post"]) == (1, 2)
    assert comparison_indexes(["visit_post", "visit_post"]) == (0, 1)  # nothing else: first and last
    assert comparison_indexes(["discharge", "month_3"]) == (0, 1)
    assert comparison_indexes(["baseline"]) == (0, 0)
