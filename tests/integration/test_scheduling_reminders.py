"""Appointment reminders: queued when booked, withdrawn when cancelled, moved with the appointment,
and sent by the worker as a plain-text and HTML e-mail with nothing clinical in it."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.test import override_settings
from django.utils import timezone
from tests.base import ClinicTestCase

from needlepoint.accounts.models import Site
from needlepoint.outbox import handlers, worker
from needlepoint.outbox.models import OutboxMessage
from needlepoint.patients.models import Patient
from needlepoint.scheduling import reminders, rules, services
from needlepoint.scheduling.models import Appointment

KIND = "appointment_reminder"


def pending(appointment: Appointment) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind=KIND, subject_id=str(appointment.pk), status="pending"))


@override_settings(NEEDLEPOINT_BASE_URL="https://clinic.example.org")
class ReminderTests(ClinicTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.rules = rules.BookingRules.of(self.clinic)
        today = timezone.localdate(timezone=self.rules.tz)
        self.day = rules.next_open_day(self.rules, today + dt.timedelta(days=3))
        Site.objects.filter(pk=self.site.pk).update(address="1800 Pearl St\nBoulder, CO 80302", phone="+1 303 555 0140")
        Patient.objects.filter(pk=self.pat_record.pk).update(email="pat@example.org")

    def at(self, hh: int, mm: int = 0) -> dt.datetime:
        return rules.at(self.rules, self.day, dt.time(hh, mm))

    def book(self, starts_at: dt.datetime, **kw: object) -> Appointment:
        return services.book_appointment(
            self.fran,
            patient_id=self.pat_record.pk,
            clinician_id=self.alice.pk,
            site_id=self.site.pk,
            starts_at=starts_at,
            reason="Low back pain, left sciatica",
            **kw,  # type: ignore[arg-type]
        )

    def test_the_handler_is_registered(self) -> None:
        assert handlers.builder_for(KIND) is reminders.build

    def test_booking_queues_a_reminder_a_day_before(self) -> None:
        appointment = self.book(self.at(10))
        (message,) = pending(appointment)
        assert message.due_at == appointment.starts_at - dt.timedelta(hours=24)
        assert (message.clinic_id, message.patient_id) == (self.clinic.pk, self.pat_record.pk)

    def test_a_booking_within_a_day_is_reminded_at_once_and_a_past_one_never(self) -> None:
        soon = self.book(timezone.now() + dt.timedelta(hours=3))
        (message,) = pending(soon)
        assert message.due_at <= timezone.now()
        past = self.book(timezone.now() - dt.timedelta(hours=3))
        assert pending(past) == []

    def test_a_patients_own_booking_is_reminded_too(self) -> None:
        appointment = services.book_own(
            self.pat, site_id=self.site.pk, clinician_id=self.alice.pk, starts_at=self.at(10), kind="follow_up"
        )
        assert len(pending(appointment)) == 1

    def test_cancelling_withdraws_the_reminder(self) -> None:
        appointment = self.book(self.at(10))
        services.cancel(self.fran, appointment.pk, reason="Unwell")
        assert pending(appointment) == []
        assert OutboxMessage.objects.get(subject_id=str(appointment.pk)).status == "cancelled"

    def test_the_patients_own_cancel_withdraws_it(self) -> None:
        appointment = self.book(self.at(10))
        services.cancel_own(self.pat, appointment.pk)
        assert pending(appointment) == []

    def test_moving_requeues_for_the_new_time(self) -> None:
        appointment = self.book(self.at(10))
        moved = services.reschedule(self.fran, appointment.pk, starts_at=self.at(15))
        (message,) = pending(moved)
        assert message.due_at == self.at(15) - dt.timedelta(hours=24)
        assert OutboxMessage.objects.filter(subject_id=str(appointment.pk), status="cancelled").count() == 1

    def test_the_email_says_when_where_with_whom_and_how_to_cancel_and_nothing_clinical(self) -> None:
        appointment = self.book(self.at(10))
        OutboxMessage.objects.filter(subject_id=str(appointment.pk)).update(due_at=timezone.now())
        result = worker.run_once("w1")
        assert result.sent == 1
        (email,) = mail.outbox
        assert email.to == ["pat@example.org"]
        text = email.body
        html = email.alternatives[0][0]  # type: ignore[attr-defined]
        for part in (text, html):
            assert "10:00" in part and self.day.strftime("%B") in part
            assert "Boulder" in part and "1800 Pearl St" in part
            assert "Alice Chen" in part
            assert "+1 303 555 0140" in part
            assert "https://clinic.example.org/portal/appointments/" in part
            assert "sciatica" not in part and "Low back" not in part
        assert "sciatica" not in email.subject
        assert OutboxMessage.objects.get(subject_id=str(appointment.pk)).status == "sent"

    def test_no_portal_login_means_phone_only(self) -> None:
        olive = services.book_appointment(
            self.fran, patient_id=self.olive.pk, clinician_id=self.bob.pk, site_id=self.site.pk, starts_at=self.at(9)
        )
        Patient.objects.filter(pk=self.olive.pk).update(email="olive@example.org")
        message = pending(olive)[0]
        email = reminders.build(message)
        assert email is not None
        assert "/portal/" not in email.body and "phone Boulder on +1 303 555 0140" in email.body

    def test_nothing_is_sent_for_an_appointment_no_longer_booked(self) -> None:
        appointment = self.book(self.at(10))
        message = pending(appointment)[0]
        Appointment.objects.filter(pk=appointment.pk).update(status="cancelled")
        assert reminders.build(message) is None

    def test_sent_at_the_deadline_it_says_phone_instead_of_cancel_online(self) -> None:
        appointment = self.book(timezone.now() + dt.timedelta(hours=24, minutes=10))
        email = reminders.build(pending(appointment)[0])
        assert email is not None
        assert "/portal/" not in email.body and "phone Boulder on +1 303 555 0140" in email.body
