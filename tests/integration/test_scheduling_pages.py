"""The schedule's pages for staff: the day view with its htmx actions, booking from the schedule
and from a patient (with the plan of care's suggested dates), moving an appointment."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from tests.base import ClinicTestCase

from needlepoint.audit.models import AuditEvent
from needlepoint.scheduling import rules, services
from needlepoint.scheduling.models import Appointment
from needlepoint.visits import services as visits


class PagesCase(ClinicTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.rules = rules.BookingRules.of(self.clinic)
        self.today = timezone.localdate(timezone=self.rules.tz)
        self.day = rules.next_open_day(self.rules, self.today + dt.timedelta(days=3))

    def at(self, hh: int, mm: int = 0, day: dt.date | None = None) -> dt.datetime:
        return rules.at(self.rules, day or self.day, dt.time(hh, mm))

    def book(self, starts_at: dt.datetime, **kw: object) -> Appointment:
        data: dict[str, object] = {
            "patient_id": self.olive.pk,
            "clinician_id": self.alice.pk,
            "site_id": self.site.pk,
            "starts_at": starts_at,
        }
        data.update(kw)
        return services.book_appointment(self.fran, **data)  # type: ignore[arg-type]

    def htmx_post(self, path: str, data: dict[str, object], **headers: str) -> object:
        self.client.get("/schedule/")
        token = self.client.cookies["csrftoken"].value
        return self.client.post(path, data, headers={"HX-Request": "true", "X-CSRFToken": token, **headers})


class DayViewTests(PagesCase):
    def test_a_clinician_sees_their_own_column_and_can_switch_to_all(self) -> None:
        self.book(self.at(9), kind="evaluation", reason="New: neck")
        self.book(self.at(9), clinician_id=self.bob.pk, patient_id=self.pat_record.pk)
        self.login(self.alice)
        body = self.client.get(f"/schedule/?day={self.day}").content.decode()
        assert "Olive Brennan" in body and "Pat Kowalski" not in body
        assert f'href="/patients/{self.olive.pk}/"' in body
        assert "Evaluation" in body and "60 min" in body and "Booked" in body and 'rowspan="2"' in body
        assert "Show all clinicians" in body
        body = self.client.get(f"/schedule/?day={self.day}&who=all").content.decode()
        assert "Olive Brennan" in body and "Pat Kowalski" in body
        assert ">Alice Chen</th>" in body and ">Bob Okafor</th>" in body

    def test_front_desk_sees_every_clinician_with_rows_through_opening_hours(self) -> None:
        self.login(self.fran)
        body = self.client.get(f"/schedule/?day={self.day}").content.decode()
        assert ">Alice Chen</th>" in body and ">Bob Okafor</th>" in body
        assert ">08:00</time>" in body and ">17:30</time>" in body and ">18:00</time>" not in body
        assert f"/schedule/new/?clinician={self.alice.pk}&amp;day={self.day}&amp;time=08:00" in body

    def test_navigation_between_days(self) -> None:
        self.login(self.fran)
        body = self.client.get(f"/schedule/?day={self.day}").content.decode()
        assert f"?day={self.day - dt.timedelta(days=1)}" in body
        assert f"?day={self.day + dt.timedelta(days=1)}" in body
        assert f"?day={self.today}" in body
        assert self.client.get("/schedule/?day=not-a-date").status_code == 200  # today instead

    def test_a_closed_day_says_so_and_cancelled_are_listed_apart(self) -> None:
        saturday = self.day + dt.timedelta(days=(6 - self.day.isoweekday()) % 7)
        self.login(self.fran)
        assert "closed this day" in self.client.get(f"/schedule/?day={saturday}").content.decode()
        gone = self.book(self.at(11))
        services.cancel(self.fran, gone.pk, reason="Patient unwell")
        body = self.client.get(f"/schedule/?day={self.day}").content.decode()
        assert "Cancelled <span" in body and "Patient unwell" in body

    def test_patients_and_outsiders_get_404(self) -> None:
        for user in (self.pat, self.charlie):
            self.login(user)
            response = self.client.get(f"/schedule/?day={self.day}&who=all")
            if user is self.charlie:
                assert response.status_code == 200 and "Olive" not in response.content.decode()
            else:
                assert response.status_code == 404


class ActionTests(PagesCase):
    def test_arrived_by_htmx_answers_the_card_and_is_audited(self) -> None:
        now = timezone.now()
        appointment = self.book(now - dt.timedelta(minutes=10))
        self.login(self.fran)
        response = self.htmx_post(f"/schedule/appointments/{appointment.pk}/status/", {"status": "arrived"})
        assert response.status_code == 200  # type: ignore[attr-defined]
        body = response.content.decode()  # type: ignore[attr-defined]
        assert body.lstrip().startswith("<article") and "Arrived" in body and "Undo arrival" in body
        appointment.refresh_from_db()
        assert appointment.status == "arrived"
        assert AuditEvent.objects.filter(action="update", object_id=str(appointment.pk)).exists()

    def test_a_refused_action_shows_why_in_the_card(self) -> None:
        appointment = self.book(self.at(9))
        self.login(self.fran)
        response = self.htmx_post(f"/schedule/appointments/{appointment.pk}/status/", {"status": "no_show"})
        assert response.status_code == 422  # type: ignore[attr-defined]
        assert "has not started yet" in response.content.decode()  # type: ignore[attr-defined]

    def test_without_htmx_back_to_the_day(self) -> None:
        appointment = self.book(timezone.now() - dt.timedelta(minutes=10))
        self.login(self.fran)
        response = self.csrf_post(
            f"/schedule/appointments/{appointment.pk}/status/", {"status": "no_show"}, form_page="/schedule/"
        )
        assert response.status_code == 302 and response["Location"].startswith("/schedule/?day=")  # type: ignore[attr-defined, index]

    def test_cancel_by_htmx_prompt_keeps_the_reason(self) -> None:
        appointment = self.book(self.at(9))
        self.login(self.fran)
        response = self.htmx_post(
            f"/schedule/appointments/{appointment.pk}/cancel/", {}, **{"HX-Prompt": "Clinician unwell"}
        )
        assert response.status_code == 200 and "Cancelled: Clinician unwell" in response.content.decode()  # type: ignore[attr-defined]
        appointment.refresh_from_db()
        assert appointment.status == "cancelled" and appointment.cancel_reason == "Clinician unwell"

    def test_cancel_without_a_reason_is_refused(self) -> None:
        appointment = self.book(self.at(9))
        self.login(self.fran)
        response = self.htmx_post(f"/schedule/appointments/{appointment.pk}/cancel/", {})
        assert response.status_code == 422  # type: ignore[attr-defined]
        assert "say why" in response.content.decode()  # type: ignore[attr-defined]
        appointment.refresh_from_db()
        assert appointment.status == "booked"

    def test_actions_need_post(self) -> None:
        appointment = self.book(self.at(9))
        self.login(self.fran)
        assert self.client.get(f"/schedule/appointments/{appointment.pk}/status/").status_code == 405
        assert self.client.get(f"/schedule/appointments/{appointment.pk}/cancel/").status_code == 405


class BookingFormTests(PagesCase):
    def test_the_form_is_prefilled_from_the_schedule(self) -> None:
        self.login(self.fran)
        body = self.client.get(f"/schedule/new/?clinician={self.bob.pk}&day={self.day}&time=14:30").content.decode()
        assert f'<option value="{self.bob.pk}" selected>' in body
        assert f'value="{self.day}"' in body and 'value="14:30"' in body
        assert 'value="30"' in body  # a follow-up's length

    def test_booking_from_the_schedule(self) -> None:
        self.login(self.fran)
        data = {
            "patient": str(self.olive.pk),
            "clinician": str(self.alice.pk),
            "site": str(self.site.pk),
            "kind": "evaluation",
            "day": str(self.day),
            "time": "10:00",
            "duration_minutes": "",
            "reason": "New: heel pain",
        }
        response = self.csrf_post("/schedule/new/", data)
        assert response.status_code == 302  # type: ignore[attr-defined]
        appointment = Appointment.objects.get()
        assert appointment.starts_at == self.at(10) and appointment.duration_minutes == 60
        assert appointment.reason == "New: heel pain"
        again = self.csrf_post("/schedule/new/", {**data, "patient": str(self.pat_record.pk), "time": "10:30"})
        assert again.status_code == 422  # type: ignore[attr-defined]
        assert "Alice Chen already has an appointment" in again.content.decode()  # type: ignore[attr-defined]
        assert Appointment.objects.count() == 1

    def test_booking_outside_opening_hours_goes_ahead_with_a_warning(self) -> None:
        self.login(self.fran)
        data = {
            "patient": str(self.olive.pk),
            "clinician": str(self.alice.pk),
            "site": str(self.site.pk),
            "kind": "follow_up",
            "day": str(self.day),
            "time": "10:00",
            "duration_minutes": "",
            "reason": "",
        }
        inside = self.csrf_post("/schedule/new/", data)
        assert "outside opening hours" not in self.client.get(inside["Location"]).content.decode()  # type: ignore[index]
        early = self.csrf_post("/schedule/new/", {**data, "time": "07:00"})
        assert early.status_code == 302  # type: ignore[attr-defined]
        page = self.client.get(early["Location"]).content.decode()  # type: ignore[index]
        assert "This is outside opening hours (open Monday to Friday, 08:00-18:00)" in page
        assert Appointment.objects.count() == 2

    def test_missing_fields_are_named(self) -> None:
        self.login(self.fran)
        response = self.csrf_post("/schedule/new/", {"kind": "follow_up"})
        assert response.status_code == 422  # type: ignore[attr-defined]
        assert response.content.decode().count("This field is required") >= 4  # type: ignore[attr-defined]

    def test_another_clinics_patient_cannot_be_chosen(self) -> None:
        self.login(self.fran)
        assert self.client.get(f"/schedule/new/?patient={self.bruno.pk}").status_code == 404
        response = self.csrf_post(
            "/schedule/new/",
            {
                "patient": str(self.bruno.pk),
                "clinician": str(self.alice.pk),
                "site": str(self.site.pk),
                "kind": "follow_up",
                "day": str(self.day),
                "time": "10:00",
            },
        )
        assert response.status_code == 422 and not Appointment.objects.exists()  # type: ignore[attr-defined]


class PatientBookingTests(PagesCase):
    def _episode(self, interval: int = 1) -> object:
        episode = visits.create_episode(
            self.alice,
            self.pat_record.pk,
            {"condition": "neck-pain", "icd10_code": "M54.2", "planned_sessions": 4, "interval_weeks": interval},
        )
        visits.start_visit(self.alice, episode.pk, visit_date=self.today)
        return episode

    def test_suggestions_follow_the_episode_cadence_and_skip_booked_and_closed_days(self) -> None:
        episode = self._episode(interval=1)
        booked = rules.next_open_day(self.rules, self.today + dt.timedelta(days=7))
        self.book(self.at(9, day=booked), patient_id=self.pat_record.pk)
        self.login(self.alice)
        response = self.client.get(f"/patients/{self.pat_record.pk}/appointments/new/")
        body = response.content.decode()
        assert response.status_code == 200
        assert "1 of 4 planned visits done" in body and "weekly" in body
        suggested = [dt.date.fromisoformat(d) for d in re.findall(r'data-suggested="([0-9-]+)"', body)]
        assert len(suggested) == 2  # 4 planned - 1 done - 1 booked
        assert booked not in suggested and all(d.isoweekday() <= 5 for d in suggested)
        assert all(d > booked for d in suggested)
        assert AuditEvent.objects.filter(action="read", object_id=str(episode.pk)).exists()  # type: ignore[attr-defined]

    def test_a_suggestion_prefills_the_form_and_booking_returns_to_the_patient(self) -> None:
        self._episode()
        self.login(self.fran)
        body = self.client.get(f"/patients/{self.pat_record.pk}/appointments/new/?day={self.day}&time=11:00")
        assert f'value="{self.day}"' in body.content.decode()
        response = self.csrf_post(
            f"/patients/{self.pat_record.pk}/appointments/new/",
            {
                "patient": str(self.pat_record.pk),
                "clinician": str(self.bob.pk),
                "site": str(self.site.pk),
                "kind": "follow_up",
                "day": str(self.day),
                "time": "11:00",
            },
        )
        assert response.status_code == 302 and response["Location"] == f"/patients/{self.pat_record.pk}/"  # type: ignore[attr-defined, index]
        assert Appointment.objects.get().patient == self.pat_record

    def test_no_open_episode_no_suggestions(self) -> None:
        self.login(self.fran)
        body = self.client.get(f"/patients/{self.olive.pk}/appointments/new/").content.decode()
        assert "No open episode of care" in body

    def test_the_patient_field_cannot_be_swapped(self) -> None:
        self.login(self.fran)
        response = self.csrf_post(
            f"/patients/{self.pat_record.pk}/appointments/new/",
            {
                "patient": str(self.olive.pk),
                "clinician": str(self.bob.pk),
                "site": str(self.site.pk),
                "kind": "follow_up",
                "day": str(self.day),
                "time": "11:00",
            },
        )
        assert response.status_code == 422 and not Appointment.objects.exists()  # type: ignore[attr-defined]


class MoveTests(PagesCase):
    def test_move_from_the_appointment_page(self) -> None:
        appointment = self.book(self.at(9))
        self.login(self.fran)
        page = self.client.get(f"/schedule/appointments/{appointment.pk}/")
        assert page.status_code == 200 and "Move the appointment" in page.content.decode()
        response = self.csrf_post(
            f"/schedule/appointments/{appointment.pk}/",
            {
                "day": str(self.day),
                "time": "15:00",
                "clinician": str(self.bob.pk),
                "site": str(self.site.pk),
                "duration_minutes": "45",
            },
        )
        assert response.status_code == 302  # type: ignore[attr-defined]
        appointment.refresh_from_db()
        assert (appointment.starts_at, appointment.clinician, appointment.duration_minutes) == (
            self.at(15),
            self.bob,
            45,
        )

    def test_a_clash_is_shown_next_to_the_time(self) -> None:
        appointment = self.book(self.at(9))
        self.book(self.at(15), patient_id=self.pat_record.pk)
        self.login(self.fran)
        response = self.csrf_post(
            f"/schedule/appointments/{appointment.pk}/",
            {
                "day": str(self.day),
                "time": "15:00",
                "clinician": str(self.alice.pk),
                "site": str(self.site.pk),
                "duration_minutes": "30",
            },
        )
        assert response.status_code == 422 and "already has an appointment" in response.content.decode()  # type: ignore[attr-defined]
