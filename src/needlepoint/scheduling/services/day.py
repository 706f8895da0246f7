"""Reading the schedule: a day for the front desk and clinicians, a patient's upcoming visits."""

from __future__ import annotations

import datetime as dt
import math
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from needlepoint.accounts.models import Role, Site, User
from needlepoint.rowid import row_id
from needlepoint.scheduling import rules
from needlepoint.scheduling.models import Appointment
from needlepoint.scheduling.services.common import clinic_of, clinicians, rules_for


def day_bounds(day: dt.date, tz_name: str) -> tuple[dt.datetime, dt.datetime]:
    tz = zoneinfo.ZoneInfo(tz_name)
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return start, start + dt.timedelta(days=1)


def todays_appointments(actor: User, *, day: dt.date | None = None) -> list[Appointment]:
    """A clinician's own list for the day; front desk and admins see the whole clinic."""
    tz_name = actor.clinic.time_zone if actor.clinic_id else "UTC"
    day = day or timezone.localdate(timezone=zoneinfo.ZoneInfo(tz_name))
    start, end = day_bounds(day, tz_name)
    qs = Appointment.objects.visible_to(actor).between(start, end).select_related("patient", "site", "clinician")
    if actor.role == Role.CLINICIAN:
        qs = qs.filter(clinician=actor)
    return list(qs.exclude(status=Appointment.Status.CANCELLED))


def upcoming_for_patient(actor: User, patient_id: object, *, limit: int = 5) -> list[Appointment]:
    return list(
        Appointment.objects.visible_to(actor)
        .filter(patient_id=patient_id, starts_at__gte=timezone.now())
        .exclude(status=Appointment.Status.CANCELLED)
        .select_related("clinician", "site")[:limit]
    )


@dataclass
class Cell:
    """One cell of the day grid: appointments starting in this row (usually one), spanning rows."""

    row: int
    span: int
    appointments: list[Appointment] = field(default_factory=list)


@dataclass(frozen=True)
class Free:
    """An empty cell: a time to book, if it lies inside opening hours."""

    starts_at: dt.datetime
    bookable: bool
    clinician_id: int


@dataclass(frozen=True)
class Row:
    starts_at: dt.datetime
    cells: list[Cell | Free | None]  # None: covered by a cell above


@dataclass(frozen=True)
class DaySchedule:
    day: dt.date
    today: dt.date
    rules: rules.BookingRules
    is_open: bool
    columns: list[User]
    rows: list[Row]
    cancelled: list[Appointment]
    count: int
    sites: list[Site]
    site: Site | None

    @property
    def previous_day(self) -> dt.date:
        return self.day - dt.timedelta(days=1)

    @property
    def next_day(self) -> dt.date:
        return self.day + dt.timedelta(days=1)


def _columns(actor: User, who: str) -> list[User]:
    people = list(clinicians(actor.clinic_id))  # type: ignore[arg-type]
    if who == "all":
        return people
    if who.isdigit():
        chosen = [c for c in people if c.pk == int(who)]
        return chosen or people
    if actor.role == Role.CLINICIAN:
        return [c for c in people if c.pk == actor.pk] or people
    return people


def _cells(booking: rules.BookingRules, times: list[dt.datetime], appointments: list[Appointment]) -> dict[int, Cell]:
    """Place one clinician's appointments on the rows: row index -> cell. An appointment that
    starts while another is still running joins that cell (a double booking stays visible)."""
    if not times:
        return {}
    step = dt.timedelta(minutes=booking.slot_minutes)
    first = times[0]
    cells: dict[int, Cell] = {}
    current: Cell | None = None
    for a in sorted(appointments, key=lambda x: x.starts_at):
        row = max(0, min(len(times) - 1, int((a.starts_at - first) // step)))
        span = max(1, math.ceil(dt.timedelta(minutes=a.duration_minutes) / step))
        span = min(span, len(times) - row)
        if current is not None and row < current.row + current.span:
            current.appointments.append(a)
            current.span = max(current.span, row + span - current.row)
            current.span = min(current.span, len(times) - current.row)
            continue
        current = Cell(row=row, span=span, appointments=[a])
        cells[row] = current
    return cells


def day_schedule(actor: User, day: dt.date | None = None, *, who: str = "", site_id: Any = None) -> DaySchedule:
    """One day of the clinic: a column per clinician, a row per slot of the grid. A clinician sees
    their own column unless they ask for everyone (``who="all"``) or one colleague (their id)."""
    clinic = clinic_of(actor)
    booking = rules_for(clinic)
    today = timezone.localdate(timezone=booking.tz)
    day = day or today
    columns = _columns(actor, who)
    sites = list(Site.objects.filter(clinic=clinic, is_active=True))
    site = next((s for s in sites if str(s.pk) == str(site_id)), None)
    start, end = day_bounds(day, clinic.time_zone)
    qs = (
        Appointment.objects.visible_to(actor)
        .between(start, end)
        .filter(clinician__in=columns)
        .select_related("patient", "site", "clinician", "clinic")
    )
    if site is not None:
        qs = qs.filter(site=site)
    appointments = list(qs)
    cancelled = [a for a in appointments if a.status == Appointment.Status.CANCELLED]
    shown = [a for a in appointments if a.status != Appointment.Status.CANCELLED]
    times = rules.day_rows(booking, day, [(a.starts_at, a.ends_at) for a in shown])
    by_column = {c.pk: _cells(booking, times, [a for a in shown if a.clinician_id == c.pk]) for c in columns}
    slot = booking.slot_minutes
    covered: dict[int, set[int]] = {c.pk: set() for c in columns}
    for pk, cells in by_column.items():
        for cell in cells.values():
            covered[pk].update(range(cell.row + 1, cell.row + cell.span))
    rows = []
    for i, moment in enumerate(times):
        row_cells: list[Cell | Free | None] = []
        for c in columns:
            if i in by_column[c.pk]:
                row_cells.append(by_column[c.pk][i])
            elif i in covered[c.pk]:
                row_cells.append(None)
            else:
                row_cells.append(Free(moment, rules.within_hours(booking, moment, slot), c.pk))
        rows.append(Row(moment, row_cells))
    return DaySchedule(
        day=day,
        today=today,
        rules=booking,
        is_open=rules.is_open_on(booking, day),
        columns=columns,
        rows=rows,
        cancelled=cancelled,
        count=len(shown),
        sites=sites,
        site=site,
    )


def appointments_on(
    actor: User, day: dt.date | None = None, *, clinician_id: int | None = None, site_id: int | None = None
) -> tuple[dt.date, list[Appointment]]:
    """All appointments of a day the actor may see (cancelled ones too), by start time. Staff see
    their clinic's; a patient sees their own."""
    clinic = clinic_of(actor)
    booking = rules_for(clinic)
    day = day or timezone.localdate(timezone=booking.tz)
    start, end = day_bounds(day, clinic.time_zone)
    qs = Appointment.objects.visible_to(actor).between(start, end).select_related("patient", "site", "clinician")
    if clinician_id is not None:
        qs = qs.filter(clinician_id=row_id(clinician_id) or 0)
    if site_id is not None:
        qs = qs.filter(site_id=row_id(site_id) or 0)
    return day, list(qs.order_by("starts_at", "clinician__last_name"))
