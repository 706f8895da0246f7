"""E-mail reminders of appointments, through the outbox.

Booking an appointment (by anyone) puts a reminder in the outbox, due 24 hours before the start
(at once if less remains; none if it has started). Cancelling withdraws it; moving withdraws it and
queues one for the new time. When the worker sends it, :func:`build` looks at the appointment
again: a reminder of an appointment that is no longer booked is not sent.

The e-mail says when, where (with the address), with whom, and how to cancel (online before the
clinic's notice limit, otherwise by phone). It carries nothing clinical: not the reason for the
visit, not the condition.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from needlepoint.outbox import services as outbox
from needlepoint.outbox.links import absolute_url
from needlepoint.outbox.models import OutboxMessage
from needlepoint.scheduling import rules
from needlepoint.scheduling.models import Appointment

KIND = "appointment_reminder"
#: Offer cancelling online only if at least this long remains before the clinic's deadline.
ONLINE_MARGIN = dt.timedelta(minutes=30)


def schedule(appointment: Appointment, *, now: dt.datetime | None = None) -> OutboxMessage | None:
    """Queue the reminder of a booked appointment (inside the booking's transaction)."""
    due = rules.reminder_due(appointment.starts_at, now or timezone.now())
    if due is None or appointment.status != Appointment.Status.BOOKED:
        return None
    return outbox.enqueue(
        clinic_id=appointment.clinic_id,
        patient_id=appointment.patient_id,
        kind=KIND,
        subject_id=str(appointment.pk),
        due_at=due,
    )


def withdraw(appointment: Appointment) -> int:
    """Cancel the reminder that has not gone out yet."""
    return outbox.cancel_pending(KIND, str(appointment.pk))


def reschedule(appointment: Appointment) -> OutboxMessage | None:
    """The appointment moved: the old reminder goes, one for the new time comes."""
    withdraw(appointment)
    return schedule(appointment)


def _context(appointment: Appointment, moment: dt.datetime) -> dict[str, object]:
    booking = rules.BookingRules.of(appointment.clinic)
    tz = booking.tz
    starts = timezone.localtime(appointment.starts_at, tz)
    deadline = rules.cancel_deadline(booking, appointment.starts_at)
    site = appointment.site
    online = appointment.patient.user_id is not None and moment + ONLINE_MARGIN <= deadline
    return {
        "patient_name": appointment.patient.preferred_name or appointment.patient.given_name,
        "clinic": appointment.clinic.name,
        "when": f"{starts:%A} {starts.day} {starts:%B %Y} at {starts:%H:%M}",
        "time_zone": starts.tzname(),
        "minutes": appointment.duration_minutes,
        "site": site.name,
        "address": site.address.strip(),
        "address_line": ", ".join(line.strip() for line in site.address.splitlines() if line.strip()),
        "phone": site.phone,
        "clinician": appointment.clinician.display_name,
        "cancel_online": online,
        "cancel_url": absolute_url(reverse("portal-appointments")) if online else "",
        "cancel_until": f"{timezone.localtime(deadline, tz):%A %d %B at %H:%M}",
    }


def build(message: OutboxMessage) -> EmailMessage | None:
    """The reminder e-mail, or None if the appointment is no longer booked or has begun."""
    appointment = (
        Appointment.objects.select_related("clinic", "site", "clinician", "patient")
        .filter(pk=message.subject_id, clinic_id=message.clinic_id)
        .first()
    )
    moment = timezone.now()
    if appointment is None or appointment.status != Appointment.Status.BOOKED or appointment.starts_at <= moment:
        return None
    context = _context(appointment, moment)
    email = EmailMultiAlternatives(
        subject=f"Reminder: your appointment at {context['clinic']} on {context['when']}",
        body=render_to_string("scheduling/email/reminder.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[appointment.patient.email] if appointment.patient.email else [],
    )
    email.attach_alternative(render_to_string("scheduling/email/reminder.html", context), "text/html")
    return email
