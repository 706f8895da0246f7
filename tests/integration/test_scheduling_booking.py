"""Staff book, move, cancel and mark appointments: one clinician is never booked twice at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from tests.base import ClinicTestCase

from needlepoint.accounts.models import PractitionerProfile, Site
from needlepoint.audit.models import AuditEvent
from needlepoint.errors import Conflict, Forbidden, InvalidInput, NotFound
from needlepoint.scheduling import rules, services
from needlepoint.scheduling.models import Appointment


class SchedulingCase(ClinicTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.rules = rules.BookingRules.of(self.clinic)
        today = timezone.localdate(timezone=self.rules.tz)
        self.day = rules.next_open_day(self.rules, today + dt.timedelta(days=3))

    def at(self, hh: int, mm: int = 0, day: dt.date | None = None) -> dt.datetime:
        return rules.at(self.rules, day or self.day, dt.time(hh, mm))

    def book(self, hh: int, mm: int = 0, **kw: object) -> Appointment:
        actor = kw.pop("actor", self.fran)
        data: dict[str, object] = {
            "patient_id": self.olive.pk,
            "clinician_id": self.alice.pk,
            "site_id": self.site.pk,
            "starts_at": self.at(hh, mm),
        }
        data.update(kw)
        return services.book_appointment(actor, **data)  # type: ignore[arg-type]


class BookTests(SchedulingCase):
    def test_front_desk_books_with_default_lengths_and_an_audit_row(self) -> None:
        follow_up = self.book(9)
        evaluation = self.book(10, kind="evaluation", patient_id=self.pat_record.pk)
        assert (follow_up.duration_minutes, evaluation.duration_minutes) == (30, 60)
        assert follow_up.booked_by == self.fran and not follow_up.booked_online
        row = AuditEvent.objects.get(action="create", object_id=str(follow_up.pk))
        assert row.patient_id == str(self.olive.pk) and row.actor_name == "Fran Diaz"
        assert row.after["starts_at"] == follow_up.starts_at.isoformat()

    def test_overlapping_booking_of_the_clinician_is_refused_on_starts_at(self) -> None:
        self.book(9, kind="evaluation")  # 09:00-10:00
        with pytest.raises(InvalidInput) as exc:
            self.book(9, 30, patient_id=self.pat_record.pk)
        assert list(exc.value.errors) == ["starts_at"]
        assert "Alice Chen already has an appointment" in exc.value.errors["starts_at"][0]
        assert "09:00-10:00" in exc.value.errors["starts_at"][0]
        assert Appointment.objects.count() == 1
        assert AuditEvent.objects.filter(action="create", object_type="scheduling.appointment").count() == 1

    def test_a_patient_already_booked_then_is_refused_with_another_clinician(self) -> None:
        self.book(9, kind="evaluation")  # Olive with Alice, 09:00-10:00
        with pytest.raises(InvalidInput) as exc:
            self.book(9, 30, clinician_id=self.bob.pk)
        message = exc.value.errors["starts_at"][0]
        assert message.startswith("Olive") and "is already booked then" in message
        assert "09:00-10:00" in message and "with Alice Chen" in message
        assert Appointment.objects.count() == 1
        self.book(10, clinician_id=self.bob.pk)  # straight after is fine
        assert Appointment.objects.count() == 2

    def test_back_to_back_and_other_clinicians_are_fine(self) -> None:
        self.book(9)
        self.book(9, 30)
        self.book(9, clinician_id=self.bob.pk, patient_id=self.pat_record.pk)
        assert Appointment.objects.count() == 3

    def test_a_cancelled_or_missed_appointment_frees_the_time(self) -> None:
        first = self.book(9)
        services.cancel(self.fran, first.pk, reason="Patient unwell")
        second = self.book(9)
        assert second.status == "booked"

    def test_a_long_appointment_before_blocks_a_later_start(self) -> None:
        self.book(8, duration_minutes=120)
        with pytest.raises(InvalidInput):
            self.book(9, 30)

    def test_bad_references_are_named(self) -> None:
        other_site = Site.objects.get(name="Fitzroy")
        with pytest.raises(InvalidInput) as exc:
            self.book(9, clinician_id=self.charlie.pk, site_id=other_site.pk, kind="massage")
        assert set(exc.value.errors) == {"clinician_id", "site_id", "kind"}
        with pytest.raises(InvalidInput) as exc:
            self.book(9, clinician_id=self.fran.pk)  # front desk is not a clinician
        assert "clinician_id" in exc.value.errors
        with pytest.raises(InvalidInput) as exc:
            self.book(9, duration_minutes=300)
        assert "duration_minutes" in exc.value.errors
        with pytest.raises(InvalidInput) as exc:
            self.book(9, starts_at=dt.datetime(2030, 1, 1, 9, 0))
        assert "starts_at" in exc.value.errors
        assert not Appointment.objects.exists()

    def test_a_clinician_only_works_at_their_sites(self) -> None:
        second = Site.objects.create(clinic=self.clinic, name="Denver Highlands")
        PractitionerProfile.objects.get(user=self.alice).sites.set([self.site])
        with pytest.raises(InvalidInput) as exc:
            self.book(9, site_id=second.pk)
        assert "does not work at Denver Highlands" in exc.value.errors["clinician_id"][0]

    def test_outsiders_and_patients_cannot_book(self) -> None:
        with pytest.raises(NotFound):
            self.book(9, actor=self.charlie)
        with pytest.raises(NotFound):
            self.book(9, actor=self.pat)  # Olive is not Pat
        with pytest.raises(Forbidden):
            self.book(9, actor=self.pat, patient_id=self.pat_record.pk)
        assert not Appointment.objects.exists()


class RescheduleTests(SchedulingCase):
    def test_move_to_a_free_time_is_audited_and_a_clash_is_refused(self) -> None:
        moving = self.book(9)
        self.book(11, patient_id=self.pat_record.pk)
        with pytest.raises(InvalidInput) as exc:
            services.reschedule(self.fran, moving.pk, starts_at=self.at(11))
        assert "starts_at" in exc.value.errors
        moved = services.reschedule(self.fran, moving.pk, starts_at=self.at(14), clinician_id=self.bob.pk)
        assert (moved.starts_at, moved.clinician_id) == (self.at(14), self.bob.pk)
        row = AuditEvent.objects.get(action="update", object_id=str(moving.pk))
        assert row.before["clinician_id"] == self.alice.pk and row.after["clinician_id"] == self.bob.pk
        assert "starts_at" in row.after

    def test_moving_onto_the_patients_other_appointment_is_refused(self) -> None:
        moving = self.book(9)
        self.book(14, clinician_id=self.bob.pk)  # Olive again, with Bob
        with pytest.raises(InvalidInput) as exc:
            services.reschedule(self.fran, moving.pk, starts_at=self.at(14))
        assert "is already booked then" in exc.value.errors["starts_at"][0]
        assert Appointment.objects.get(pk=moving.pk).starts_at == self.at(9)
        assert not AuditEvent.objects.filter(action="update", object_id=str(moving.pk)).exists()

    def test_moving_does_not_clash_with_itself(self) -> None:
        appointment = self.book(9)
        moved = services.reschedule(self.fran, appointment.pk, starts_at=self.at(9, 30))
        assert moved.starts_at == self.at(9, 30)

    def test_only_booked_appointments_move(self) -> None:
        appointment = self.book(9)
        services.cancel(self.fran, appointment.pk, reason="Unwell")
        with pytest.raises(Conflict):
            services.reschedule(self.fran, appointment.pk, starts_at=self.at(10))

    def test_outsider_gets_not_found(self) -> None:
        appointment = self.book(9)
        with pytest.raises(NotFound):
            services.reschedule(self.charlie, appointment.pk, starts_at=self.at(10))


class CancelAndStatusTests(SchedulingCase):
    def test_cancel_needs_a_reason_and_keeps_it(self) -> None:
        appointment = self.book(9)
        with pytest.raises(InvalidInput) as exc:
            services.cancel(self.fran, appointment.pk, reason="  ")
        assert "reason" in exc.value.errors
        services.cancel(self.alice, appointment.pk, reason="Clinician on a course")
        appointment.refresh_from_db()
        assert appointment.status == "cancelled" and appointment.cancel_reason == "Clinician on a course"
        assert appointment.cancelled_by == self.alice and appointment.cancelled_at is not None
        row = AuditEvent.objects.get(action="update", object_id=str(appointment.pk))
        assert row.after == {"status": "cancelled", "cancel_reason": "Clinician on a course"}
        with pytest.raises(Conflict):
            services.cancel(self.fran, appointment.pk, reason="again")

    def test_arrived_then_seen_today(self) -> None:
        now = timezone.localtime(timezone.now(), self.rules.tz)
        started = self.book(0, starts_at=now - dt.timedelta(minutes=5))
        services.set_status(self.fran, started.pk, "arrived")
        started.refresh_from_db()
        assert started.status == "arrived" and started.arrived_at is not None
        services.set_status(self.alice, started.pk, "completed")
        started.refresh_from_db()
        assert started.status == "completed"
        with pytest.raises(Conflict):
            services.set_status(self.fran, started.pk, "no_show")
        changes = AuditEvent.objects.filter(action="update", object_id=str(started.pk)).order_by("seq")
        assert [(r.before["status"], r.after["status"]) for r in changes] == [
            ("booked", "arrived"),
            ("arrived", "completed"),
        ]

    def test_no_show_only_after_the_start_and_can_be_undone(self) -> None:
        future = self.book(9)
        with pytest.raises(InvalidInput) as exc:
            services.set_status(self.fran, future.pk, "no_show")
        assert "has not started yet" in exc.value.errors["status"][0]
        with pytest.raises(InvalidInput):
            services.set_status(self.fran, future.pk, "arrived")  # not today
        past = self.book(0, starts_at=timezone.now() - dt.timedelta(hours=1), patient_id=self.pat_record.pk)
        services.set_status(self.fran, past.pk, "no_show")
        services.set_status(self.fran, past.pk, "booked")
        past.refresh_from_db()
        assert past.status == "booked"

    def test_unknown_status_and_cancel_through_status_are_refused(self) -> None:
        appointment = self.book(9)
        for status in ("lost", "cancelled"):
            with pytest.raises(InvalidInput):
                services.set_status(self.fran, appointment.pk, status)

    def test_patients_and_outsiders_cannot_mark(self) -> None:
        appointment = self.book(9, patient_id=self.pat_record.pk)
        with pytest.raises(NotFound):
            services.set_status(self.charlie, appointment.pk, "arrived")
        with pytest.raises(Forbidden):
            services.set_status(self.pat, appointment.pk, "arrived")  # sees it, may not mark it
        with pytest.raises(Forbidden):
            services.cancel(self.pat, appointment.pk, reason="x")  # patients use cancel_own
