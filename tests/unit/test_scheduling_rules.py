"""The booking rules as arithmetic: the grid, free slots, the online window, cancelling, reminders."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from hypothesis import given
from hypothesis import strategies as st

from needlepoint.scheduling import rules

DENVER = zoneinfo.ZoneInfo("America/Denver")
RULES = rules.BookingRules(time_zone="America/Denver")
MONDAY = dt.date(2026, 3, 2)
SATURDAY = dt.date(2026, 3, 7)


def at(day: dt.date, hh: int, mm: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=DENVER)


def test_default_lengths() -> None:
    assert rules.default_minutes("evaluation") == 60
    assert rules.default_minutes("follow_up") == 30


def test_grid_covers_opening_hours_and_keeps_the_end_inside() -> None:
    follow_ups = rules.grid(RULES, MONDAY, 30)
    assert follow_ups[0] == at(MONDAY, 8) and follow_ups[-1] == at(MONDAY, 17, 30)
    assert len(follow_ups) == 20
    evaluations = rules.grid(RULES, MONDAY, 60)
    assert evaluations[-1] == at(MONDAY, 17)  # 17:30 would end after closing


def test_closed_days_have_no_grid() -> None:
    assert rules.grid(RULES, SATURDAY, 30) == []
    weekend = rules.BookingRules(open_weekdays=frozenset({6}), time_zone="America/Denver")
    assert rules.grid(weekend, SATURDAY, 30)[0] == at(SATURDAY, 8)


def test_overlap_is_half_open() -> None:
    nine, half_nine, ten = at(MONDAY, 9), at(MONDAY, 9, 30), at(MONDAY, 10)
    assert rules.overlaps((nine, ten), (half_nine, ten))
    assert not rules.overlaps((nine, half_nine), (half_nine, ten))  # back to back is fine


def test_free_slots_skip_busy_time() -> None:
    busy = [(at(MONDAY, 9), at(MONDAY, 10))]
    free = rules.free_slots(RULES, MONDAY, 30, busy)
    assert at(MONDAY, 8, 30) in free and at(MONDAY, 10) in free
    assert at(MONDAY, 9) not in free and at(MONDAY, 9, 30) not in free
    # a 60-minute evaluation at 8:30 would run into the 9:00 booking
    assert at(MONDAY, 8, 30) not in rules.free_slots(RULES, MONDAY, 60, busy)


def test_online_free_slots_respect_notice_and_horizon() -> None:
    now = at(MONDAY, 9, 10)
    free = rules.free_slots(RULES, MONDAY, 30, [], now=now)
    assert free[0] == at(MONDAY, 11, 30)  # two hours' notice: 11:10 at the earliest, next on the grid
    far = MONDAY + dt.timedelta(days=61)
    assert rules.free_slots(RULES, far, 30, [], now=now) == []
    assert rules.free_slots(RULES, MONDAY + dt.timedelta(days=59), 30, [], now=now)


def test_online_booking_problems_name_the_field() -> None:
    now = at(MONDAY, 9)

    def why(start: dt.datetime, kind: str = "follow_up", r: rules.BookingRules = RULES) -> dict[str, list[str]]:
        return rules.online_booking_problems(r, start, rules.default_minutes(kind), kind, now)

    assert why(at(MONDAY, 14)) == {}
    assert "hours' notice" in why(at(MONDAY, 10))["starts_at"][0]
    assert "opening hours" in why(at(MONDAY, 18))["starts_at"][0]
    assert "opening hours" in why(at(MONDAY, 17, 30), "evaluation")["starts_at"][0]
    assert "opening hours" in why(at(SATURDAY, 10))["starts_at"][0]
    assert "every 30 minutes" in why(at(MONDAY, 14, 10))["starts_at"][0]
    assert "60 days ahead" in why(at(MONDAY + dt.timedelta(days=70), 10))["starts_at"][0]
    assert "has passed" in why(at(MONDAY, 8, 30))["starts_at"][0]
    no_evaluations = rules.BookingRules(time_zone="America/Denver", evaluations_online=False)
    assert "by phone" in why(at(MONDAY, 14), "evaluation", no_evaluations)["kind"][0]


def test_within_hours_uses_the_clinic_clock() -> None:
    # 15:00 UTC is 08:00 in Denver (MST, UTC-7): the first slot of the day
    assert rules.within_hours(RULES, dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC), 30)
    assert not rules.within_hours(RULES, dt.datetime(2026, 3, 2, 14, 30, tzinfo=dt.UTC), 30)


def test_cancel_online_until_the_notice_limit() -> None:
    start = at(MONDAY, 10)
    assert rules.may_cancel_online(RULES, start, start - dt.timedelta(hours=24))
    assert not rules.may_cancel_online(RULES, start, start - dt.timedelta(hours=23, minutes=59))
    assert rules.cancel_deadline(RULES, start) == start - dt.timedelta(hours=24)


def test_reminder_due_a_day_before_or_at_once_or_never() -> None:
    start = at(MONDAY, 10)
    now = start - dt.timedelta(days=3)
    assert rules.reminder_due(start, now) == start - dt.timedelta(hours=24)
    soon = start - dt.timedelta(hours=3)
    assert rules.reminder_due(start, soon) == soon
    assert rules.reminder_due(start, start) is None


def test_rules_of_a_clinic_object() -> None:
    class Clinic:
        time_zone = "Australia/Melbourne"
        opens_at = dt.time(7, 0)
        closes_at = dt.time(19, 0)
        open_weekdays = "123456"
        slot_minutes = 15
        online_booking_days_ahead = 30
        online_booking_notice_hours = 4
        online_cancel_notice_hours = 48
        online_evaluations = False

    r = rules.BookingRules.of(Clinic())
    assert r.open_weekdays == frozenset({1, 2, 3, 4, 5, 6}) and r.closed_weekdays == frozenset({7})
    assert r.cancel_notice == dt.timedelta(hours=48) and not r.evaluations_online
    assert r.hours_text() == "Monday to Saturday, 07:00-19:00"


def test_day_rows_stretch_for_appointments_outside_hours() -> None:
    plain = rules.day_rows(RULES, MONDAY)
    assert plain[0] == at(MONDAY, 8) and plain[-1] == at(MONDAY, 17, 30)
    early = rules.day_rows(RULES, MONDAY, [(at(MONDAY, 7), at(MONDAY, 7, 30)), (at(MONDAY, 18), at(MONDAY, 19))])
    assert early[0] == at(MONDAY, 7) and early[-1] == at(MONDAY, 18, 30)
    assert rules.day_rows(RULES, SATURDAY)[0] == at(SATURDAY, 8)  # closed days still show the hours


def test_daylight_saving_day_keeps_wall_clock_slots() -> None:
    change = dt.date(2026, 3, 9)  # the Monday after the US clocks go forward (8 March 2026)
    assert rules.grid(RULES, change, 30)[0].hour == 8
    assert rules.grid(RULES, dt.date(2026, 3, 6), 30)[0].utcoffset() != rules.grid(RULES, change, 30)[0].utcoffset()


@given(
    busy_start=st.integers(min_value=0, max_value=19),
    busy_slots=st.integers(min_value=1, max_value=4),
    minutes=st.sampled_from([30, 60]),
)
def test_free_slots_never_overlap_busy_time(busy_start: int, busy_slots: int, minutes: int) -> None:
    start = at(MONDAY, 8) + dt.timedelta(minutes=30 * busy_start)
    busy = (start, start + dt.timedelta(minutes=30 * busy_slots))
    for slot in rules.free_slots(RULES, MONDAY, minutes, [busy]):
        assert not rules.overlaps((slot, slot + dt.timedelta(minutes=minutes)), busy)
        assert rules.within_hours(RULES, slot, minutes) and rules.on_grid(RULES, slot)
