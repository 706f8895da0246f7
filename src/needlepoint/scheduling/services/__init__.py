"""Appointment use cases: every call checks who asks, runs in one transaction and is audited.

Split by concern: :mod:`.booking` (staff book, move, cancel, record arrivals and missed visits),
:mod:`.portal` (patients see free times, book and cancel their own within the clinic's rules),
:mod:`.day` (the day view and the lists on other pages) and :mod:`.plan` (the plan of care's
suggested next dates). The rules themselves are plain arithmetic in :mod:`needlepoint.scheduling.rules`.
"""

from needlepoint.scheduling.services.booking import book_appointment, cancel, reschedule, set_status
from needlepoint.scheduling.services.clinic_rules import update_booking_rules
from needlepoint.scheduling.services.common import find_appointment, rules_for
from needlepoint.scheduling.services.day import (
    DaySchedule,
    appointments_on,
    day_bounds,
    day_schedule,
    todays_appointments,
    upcoming_for_patient,
)
from needlepoint.scheduling.services.plan import CadencePlan, plan_of_care
from needlepoint.scheduling.services.portal import (
    CancelPolicy,
    DaySlots,
    Slot,
    book_own,
    cancel_own,
    cancel_policy,
    free_slots,
    kinds_online,
    my_appointments,
    online_clinicians,
    online_sites,
)

__all__ = [
    "CadencePlan",
    "CancelPolicy",
    "DaySchedule",
    "DaySlots",
    "Slot",
    "appointments_on",
    "book_appointment",
    "book_own",
    "cancel",
    "cancel_own",
    "cancel_policy",
    "day_bounds",
    "day_schedule",
    "find_appointment",
    "free_slots",
    "kinds_online",
    "my_appointments",
    "online_clinicians",
    "online_sites",
    "plan_of_care",
    "reschedule",
    "rules_for",
    "set_status",
    "todays_appointments",
    "upcoming_for_patient",
    "update_booking_rules",
]
