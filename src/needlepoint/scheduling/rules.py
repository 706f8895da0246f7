"""The clinic's booking rules as plain arithmetic on times: no Django, no database.

Opening hours, the appointment grid, free slots, and what a patient may do online (how far ahead,
with how much notice, and until when they may cancel). Times are timezone-aware; every wall-clock
rule (opening hours, open weekdays) is read in the clinic's own time zone.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

EVALUATION = "evaluation"
FOLLOW_UP = "follow_up"
DEFAULT_MINUTES = {EVALUATION: 60, FOLLOW_UP: 30}
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
REMINDER_LEAD = dt.timedelta(hours=24)

Interval = tuple[dt.datetime, dt.datetime]


def default_minutes(kind: str) -> int:
    """An evaluation takes 60 minutes, a follow-up 30, unless the booking says otherwise."""
    return DEFAULT_MINUTES.get(kind, DEFAULT_MINUTES[FOLLOW_UP])


@dataclass(frozen=True)
class BookingRules:
    """One clinic's rules. ``open_weekdays`` holds ISO weekday numbers (Monday 1 … Sunday 7)."""

    time_zone: str = "UTC"
    opens_at: dt.time = dt.time(8, 0)
    closes_at: dt.time = dt.time(18, 0)
    open_weekdays: frozenset[int] = frozenset({1, 2, 3, 4, 5})
    slot_minutes: int = 30
    days_ahead: int = 60
    booking_notice: dt.timedelta = dt.timedelta(hours=2)
    cancel_notice: dt.timedelta = dt.timedelta(hours=24)
    evaluations_online: bool = True

    @classmethod
    def of(cls, clinic: Any) -> BookingRules:
        """The rules stored on a clinic (any object with the clinic's fields)."""
        return cls(
            time_zone=clinic.time_zone,
            opens_at=clinic.opens_at,
            closes_at=clinic.closes_at,
            open_weekdays=frozenset(int(c) for c in clinic.open_weekdays),
            slot_minutes=clinic.slot_minutes,
            days_ahead=clinic.online_booking_days_ahead,
            booking_notice=dt.timedelta(hours=clinic.online_booking_notice_hours),
            cancel_notice=dt.timedelta(hours=clinic.online_cancel_notice_hours),
            evaluations_online=clinic.online_evaluations,
        )

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def closed_weekdays(self) -> frozenset[int]:
        """ISO weekday numbers the clinic is closed on."""
        return frozenset(range(1, 8)) - self.open_weekdays

    def open_days_text(self) -> str:
        days = sorted(self.open_weekdays)
        if not days:
            return "no days"
        if days == list(range(days[0], days[-1] + 1)) and len(days) > 2:
            return f"{WEEKDAY_NAMES[days[0] - 1]} to {WEEKDAY_NAMES[days[-1] - 1]}"
        return ", ".join(WEEKDAY_NAMES[d - 1] for d in days)

    def hours_text(self) -> str:
        return f"{self.open_days_text()}, {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"


def overlaps(a: Interval, b: Interval) -> bool:
    """Two half-open intervals [start, end) share some time (touching ends do not overlap)."""
    return a[0] < b[1] and b[0] < a[1]


def local(moment: dt.datetime, rules: BookingRules) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("a time without a time zone")
    return moment.astimezone(rules.tz)


def is_open_on(rules: BookingRules, day: dt.date) -> bool:
    return day.isoweekday() in rules.open_weekdays


def next_open_day(rules: BookingRules, day: dt.date) -> dt.date:
    """The first day on or after ``day`` that the clinic is open."""
    if not rules.open_weekdays:
        raise ValueError("the clinic is open on no day of the week")
    while not is_open_on(rules, day):
        day += dt.timedelta(days=1)
    return day


def at(rules: BookingRules, day: dt.date, time: dt.time) -> dt.datetime:
    """The moment a wall-clock time happens on a day in the clinic's time zone."""
    return dt.datetime.combine(day, time, tzinfo=rules.tz)


def grid(rules: BookingRules, day: dt.date, minutes: int) -> list[dt.datetime]:
    """Start times on the clinic's grid that day where an appointment of ``minutes`` fits inside
    opening hours (closed days have none)."""
    if not is_open_on(rules, day) or minutes <= 0:
        return []
    start = dt.datetime.combine(day, rules.opens_at)
    close = dt.datetime.combine(day, rules.closes_at)
    step = dt.timedelta(minutes=rules.slot_minutes)
    length = dt.timedelta(minutes=minutes)
    out = []
    moment = start
    while moment + length <= close:
        out.append(moment.replace(tzinfo=rules.tz))
        moment += step
    return out


def within_hours(rules: BookingRules, start: dt.datetime, minutes: int) -> bool:
    """Whether an appointment lies on an open day, inside opening hours."""
    begin = local(start, rules)
    end = begin + dt.timedelta(minutes=minutes)
    return (
        is_open_on(rules, begin.date())
        and end.date() == begin.date()
        and rules.opens_at <= begin.time()
        and end.time() <= rules.closes_at
        and end > begin
    )


def on_grid(rules: BookingRules, start: dt.datetime) -> bool:
    """Whether a start time falls on the clinic's slot grid."""
    begin = local(start, rules)
    opened = dt.datetime.combine(begin.date(), rules.opens_at)
    offset = begin.replace(tzinfo=None) - opened
    return offset >= dt.timedelta(0) and offset % dt.timedelta(minutes=rules.slot_minutes) == dt.timedelta(0)


def online_window(rules: BookingRules, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The earliest and the latest start a patient may book online now. The latest is the end of
    the last bookable day (``days_ahead`` days after today, in the clinic's calendar)."""
    today = local(now, rules).date()
    last_day = today + dt.timedelta(days=rules.days_ahead)
    return now + rules.booking_notice, at(rules, last_day + dt.timedelta(days=1), dt.time(0, 0))


def free_slots(
    rules: BookingRules,
    day: dt.date,
    minutes: int,
    busy: Iterable[Interval],
    *,
    now: dt.datetime | None = None,
) -> list[dt.datetime]:
    """Grid start times that day where an appointment of ``minutes`` overlaps nothing in ``busy``.
    With ``now``, only times a patient may book online (notice and how far ahead)."""
    blocked = list(busy)
    earliest = latest = None
    if now is not None:
        earliest, latest = online_window(rules, now)
    length = dt.timedelta(minutes=minutes)
    out = []
    for start in grid(rules, day, minutes):
        if earliest is not None and latest is not None and not (earliest <= start < latest):
            continue
        if any(overlaps((start, start + length), b) for b in blocked):
            continue
        out.append(start)
    return out


def online_booking_problems(
    rules: BookingRules, start: dt.datetime, minutes: int, kind: str, now: dt.datetime
) -> dict[str, list[str]]:
    """Why a patient may not book this online (empty when they may), by field."""
    problems: dict[str, list[str]] = {}
    if kind not in DEFAULT_MINUTES:
        problems["kind"] = ["choose an evaluation or a follow-up"]
    elif kind == EVALUATION and not rules.evaluations_online:
        problems["kind"] = ["evaluations are booked by phone: please call the clinic"]
    earliest, latest = online_window(rules, now)
    messages = []
    if start < earliest:
        hours = int(rules.booking_notice.total_seconds() // 3600)
        messages.append(
            "that time has passed" if start <= now else f"online bookings need at least {hours} hours' notice"
        )
    elif start >= latest:
        messages.append(f"online bookings are open up to {rules.days_ahead} days ahead")
    if not within_hours(rules, start, minutes):
        messages.append(f"choose a time within opening hours ({rules.hours_text()})")
    elif not on_grid(rules, start):
        messages.append(f"appointments start every {rules.slot_minutes} minutes from {rules.opens_at:%H:%M}")
    if messages:
        problems["starts_at"] = messages
    return problems


def cancel_deadline(rules: BookingRules, start: dt.datetime) -> dt.datetime:
    """The last moment a patient may cancel online."""
    return start - rules.cancel_notice


def may_cancel_online(rules: BookingRules, start: dt.datetime, now: dt.datetime) -> bool:
    return now <= cancel_deadline(rules, start)


def reminder_due(start: dt.datetime, now: dt.datetime, lead: dt.timedelta = REMINDER_LEAD) -> dt.datetime | None:
    """When to send an appointment reminder: ``lead`` before the start, at once if that has passed,
    never (None) if the appointment has already started."""
    if start <= now:
        return None
    return max(start - lead, now)


def day_rows(rules: BookingRules, day: dt.date, appointments: Sequence[Interval] = ()) -> list[dt.datetime]:
    """Row times of a day view: the grid through opening hours, stretched to show appointments
    booked outside them (an early start, a late finish, a closed day)."""
    step = dt.timedelta(minutes=rules.slot_minutes)
    first = dt.datetime.combine(day, rules.opens_at)
    last = dt.datetime.combine(day, rules.closes_at)
    for start, end in appointments:
        begin = local(start, rules).replace(tzinfo=None)
        finish = local(end, rules).replace(tzinfo=None)
        while begin < first:
            first -= step
        while finish > last:
            last += step
    day_start, day_end = (
        dt.datetime.combine(day, dt.time(0, 0)),
        dt.datetime.combine(day, dt.time(0, 0)) + dt.timedelta(days=1),
    )
    first, last = max(first, day_start), min(last, day_end)
    out = []
    moment = first
    while moment < last:
        out.append(moment.replace(tzinfo=rules.tz))
        moment += step
    return out
