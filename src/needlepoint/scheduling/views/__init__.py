"""Schedule pages: :mod:`.staff` (the day view, booking, moving, cancelling, arrivals) and
:mod:`.portal` (a patient's own appointments: list, book, cancel)."""

from needlepoint.scheduling.views.portal import portal_appointments, portal_book, portal_cancel
from needlepoint.scheduling.views.staff import (
    appointment_cancel,
    appointment_detail,
    appointment_new,
    appointment_status,
    booking_rules,
    patient_appointment_new,
    schedule_day,
)

__all__ = [
    "appointment_cancel",
    "appointment_detail",
    "appointment_new",
    "appointment_status",
    "booking_rules",
    "patient_appointment_new",
    "portal_appointments",
    "portal_book",
    "portal_cancel",
    "schedule_day",
]
