"""Patients find free times, book their own and cancel them, within the clinic's rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from tests.base import ClinicTestCase, make_user

from needlepoint.accounts.models import Role, Site
from needlepoint.audit.models import AuditEvent
from needlepoint.errors import Conflict, Forbidden, InvalidInput, NotFound
from needlepoint.patients.models import Patient
from needlepoint.scheduling import rules, services
from needlepoint.scheduling.models import Appointment


class SelfServiceCase(ClinicTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.rules = rules.BookingRules.of(self.clinic)
        self.today = timezone.localdate(timezone=self.rules.tz)
        self.day = rules.next_open_day(self.rules, self.today + dt.timedelta(days=3))

    def at(self, hh: int, mm: int = 0, day: dt.date | None = None) -> dt.datetime:
        return rules.at(self.rules, day or self.day, dt.time(hh, mm))

    def book_own(self, hh: int, mm: int = 0, **kw: object) -> Appointment:
        data: dict[str, object] = {
            "site_id": self.site.pk,
            "clinician_id": self.alice.pk,
            "starts_at": self.at(hh, mm),
            "kind": "follow_up",
        }
        data.update(kw)
        return services.book_own(self.pat, **data)  # type: ignore[arg-type]

    def staff_book(self, starts_at: dt.datetime, patient: Patient | None = None, **kw: object) -> Appointment:
        return services.book_appointment(
            self.fran,
            patient_id=(patient or self.pat_record).pk,
            clinician_id=kw.pop("clinician_id", self.alice.pk),  # type: ignore[arg-type]
            site_id=self.site.pk,
            starts_at=starts_at,
            **kw,  # type: ignore[arg-type]
        )


class FreeSlotTests(SelfServiceCase):
    def test_a_week_of_free_times_without_booked_ones(self) -> None:
        self.staff_book(self.at(9), patient=self.olive, kind="evaluation")  # Alice 09:00-10:00
        days = services.free_slots(
            self.pat, site_id=self.site.pk, clinician_id=self.alice.pk, start_day=self.day, days=7
        )
        assert len(days) == 7 and days[0].day == self.day
        first = days[0].slots
        starts = [s.starts_at for s in first]
        assert self.at(8, 30) in starts and self.at(10) in starts
        assert self.at(9) not in starts and self.at(9, 30) not in starts
        assert {s.clinician_id for s in first} == {self.alice.pk}
        closed = [d for d in days if d.day.isoweekday() > 5]
        assert closed and all(not d.is_open and not d.slots for d in closed)

    def test_any_clinician_offers_each_time_once_preferring_the_patients_own(self) -> None:
        Patient.objects.filter(pk=self.pat_record.pk).update(primary_clinician=self.bob)
        self.staff_book(self.at(8), patient=self.olive, clinician_id=self.bob.pk)
        (day,) = services.free_slots(self.pat, site_id=self.site.pk, start_day=self.day, days=1)
        starts = [s.starts_at for s in day.slots]
        assert len(starts) == len(set(starts))
        by_time = {s.starts_at: s.clinician_id for s in day.slots}
        assert by_time[self.at(8)] == self.alice.pk  # Bob is busy at 8
        assert by_time[self.at(8, 30)] == self.bob.pk  # Pat's own clinician otherwise

    def test_times_the_patient_is_already_booked_are_not_offered(self) -> None:
        self.staff_book(self.at(11), clinician_id=self.bob.pk)
        (day,) = services.free_slots(
            self.pat, site_id=self.site.pk, clinician_id=self.alice.pk, start_day=self.day, days=1
        )
        assert self.at(11) not in [s.starts_at for s in day.slots]

    def test_evaluations_only_when_the_clinic_allows(self) -> None:
        (day,) = services.free_slots(self.pat, site_id=self.site.pk, kind="evaluation", start_day=self.day, days=1)
        assert day.slots[-1].starts_at == self.at(17)  # a 60-minute visit must end by 18:00
        self.clinic.online_evaluations = False
        self.clinic.save()
        with pytest.raises(InvalidInput) as exc:
            services.free_slots(self.pat, site_id=self.site.pk, kind="evaluation", start_day=self.day)
        assert "kind" in exc.value.errors

    def test_bad_site_clinician_and_range(self) -> None:
        with pytest.raises(InvalidInput) as exc:
            services.free_slots(self.pat, site_id=self.other_site.pk)
        assert "site_id" in exc.value.errors
        Site.objects.filter(pk=self.site.pk).update(online_booking=False)
        with pytest.raises(InvalidInput):
            services.free_slots(self.pat, site_id=self.site.pk)
        Site.objects.filter(pk=self.site.pk).update(online_booking=True)
        with pytest.raises(InvalidInput) as exc:
            services.free_slots(self.pat, site_id=self.site.pk, clinician_id=self.charlie.pk)
        assert "clinician_id" in exc.value.errors
        with pytest.raises(InvalidInput):
            services.free_slots(self.pat, site_id=self.site.pk, days=90)

    def test_nothing_beyond_the_online_horizon(self) -> None:
        far = self.today + dt.timedelta(days=self.rules.days_ahead + 1)
        assert services.free_slots(self.pat, site_id=self.site.pk, start_day=far) == []

    def test_only_patients_with_a_record(self) -> None:
        with pytest.raises(Forbidden):
            services.free_slots(self.fran, site_id=self.site.pk)
        orphan = make_user("orphan", self.clinic, Role.PATIENT, "Orla", "Phan")
        with pytest.raises(Conflict):
            services.free_slots(orphan, site_id=self.site.pk)


class BookOwnTests(SelfServiceCase):
    def test_within_the_rules_it_is_booked_online_and_audited(self) -> None:
        appointment = self.book_own(10)
        assert appointment.patient == self.pat_record and appointment.booked_online
        assert appointment.duration_minutes == 30 and appointment.booked_by == self.pat
        row = AuditEvent.objects.get(action="create", object_id=str(appointment.pk))
        assert row.actor_name == "Pat Kowalski" and row.actor_role == "patient"
        assert row.patient_id == str(self.pat_record.pk)

    def test_outside_the_rules_is_refused_naming_the_field(self) -> None:
        saturday = rules.next_open_day(rules.BookingRules(open_weekdays=frozenset({6})), self.today)
        cases = {
            "closed day": {"starts_at": rules.at(self.rules, saturday, dt.time(10))},
            "before opening": {"starts_at": self.at(7)},
            "ends after closing": {"starts_at": self.at(17, 30), "kind": "evaluation"},
            "off the grid": {"starts_at": self.at(10, 10)},
            "too far ahead": {
                "starts_at": rules.at(
                    self.rules,
                    rules.next_open_day(self.rules, self.today + dt.timedelta(days=70)),
                    dt.time(10),
                )
            },
            "too soon": {"starts_at": timezone.now() + dt.timedelta(minutes=30)},
            "in the past": {"starts_at": timezone.now() - dt.timedelta(days=1)},
        }
        for name, change in cases.items():
            with pytest.raises(InvalidInput) as exc:
                self.book_own(10, **change)
            assert "starts_at" in exc.value.errors, name
        assert not Appointment.objects.exists()

    def test_evaluation_online_only_if_allowed(self) -> None:
        assert self.book_own(10, kind="evaluation").duration_minutes == 60
        self.clinic.online_evaluations = False
        self.clinic.save()
        with pytest.raises(InvalidInput) as exc:
            self.book_own(14, kind="evaluation")
        assert "by phone" in exc.value.errors["kind"][0]

    def test_a_taken_time_and_the_patients_own_clash_are_refused(self) -> None:
        self.staff_book(self.at(10), patient=self.olive)
        with pytest.raises(InvalidInput) as exc:
            self.book_own(10)
        assert "no longer free" in exc.value.errors["starts_at"][0]
        self.staff_book(self.at(13), clinician_id=self.bob.pk)
        with pytest.raises(InvalidInput) as exc:
            self.book_own(13)
        assert "you already have an appointment" in exc.value.errors["starts_at"][0]

    def test_site_and_clinician_must_take_online_bookings(self) -> None:
        with pytest.raises(InvalidInput) as exc:
            self.book_own(10, site_id=self.other_site.pk, clinician_id=self.charlie.pk)
        assert set(exc.value.errors) == {"site_id", "clinician_id"}
        Site.objects.filter(pk=self.site.pk).update(online_booking=False)
        with pytest.raises(InvalidInput):
            self.book_own(10)

    def test_staff_cannot_use_the_patient_booking(self) -> None:
        with pytest.raises(Forbidden):
            services.book_own(
                self.fran, site_id=self.site.pk, clinician_id=self.alice.pk, starts_at=self.at(10), kind="follow_up"
            )


class CancelOwnTests(SelfServiceCase):
    def test_before_the_notice_limit_the_patient_cancels(self) -> None:
        appointment = self.book_own(10)
        policy = services.cancel_policy(appointment)
        assert policy.allowed and policy.deadline == appointment.starts_at - dt.timedelta(hours=24)
        services.cancel_own(self.pat, appointment.pk)
        appointment.refresh_from_db()
        assert appointment.status == "cancelled" and appointment.cancelled_by == self.pat
        assert appointment.cancel_reason == "Cancelled online by the patient"
        row = AuditEvent.objects.get(action="update", object_id=str(appointment.pk))
        assert row.actor_role == "patient" and row.after["status"] == "cancelled"

    def test_after_the_limit_the_patient_is_told_to_phone_the_site(self) -> None:
        Site.objects.filter(pk=self.site.pk).update(phone="+1 303 555 0140")
        soon = self.staff_book(timezone.now() + dt.timedelta(hours=5))
        policy = services.cancel_policy(Appointment.objects.select_related("clinic", "site").get(pk=soon.pk))
        assert not policy.allowed
        with pytest.raises(Conflict) as exc:
            services.cancel_own(self.pat, soon.pk)
        assert "up to 24 hours before" in exc.value.detail
        assert "please phone Boulder on +1 303 555 0140" in exc.value.detail
        soon.refresh_from_db()
        assert soon.status == "booked"
        assert not AuditEvent.objects.filter(action="update", object_id=str(soon.pk)).exists()

    def test_without_a_site_phone_the_message_names_the_clinic(self) -> None:
        soon = self.staff_book(timezone.now() + dt.timedelta(hours=5))
        with pytest.raises(Conflict) as exc:
            services.cancel_own(self.pat, soon.pk)
        assert "please phone the clinic" in exc.value.detail

    def test_the_clinics_own_notice_applies(self) -> None:
        self.clinic.online_cancel_notice_hours = 2
        self.clinic.save()
        soon = self.staff_book(timezone.now() + dt.timedelta(hours=5))
        services.cancel_own(self.pat, soon.pk, reason="Car broke down")
        soon.refresh_from_db()
        assert soon.status == "cancelled" and soon.cancel_reason == "Car broke down"

    def test_only_their_own_and_only_once(self) -> None:
        olives = self.staff_book(self.at(10), patient=self.olive)
        with pytest.raises(NotFound):
            services.cancel_own(self.pat, olives.pk)
        mine = self.book_own(11)
        services.cancel_own(self.pat, mine.pk)
        with pytest.raises(Conflict):
            services.cancel_own(self.pat, mine.pk)

    def test_my_appointments_split_upcoming_and_past(self) -> None:
        upcoming = self.book_own(10)
        cancelled = self.book_own(11)
        services.cancel_own(self.pat, cancelled.pk)
        past = self.staff_book(timezone.now() - dt.timedelta(days=2))
        self.staff_book(self.at(12), patient=self.olive)
        soon, earlier = services.my_appointments(self.pat)
        assert soon == [upcoming]
        assert {a.pk for a in earlier} == {cancelled.pk, past.pk}
