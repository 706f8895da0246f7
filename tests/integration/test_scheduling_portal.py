"""The portal's appointment pages: the list with cancel buttons (or why not), booking a free time,
cancelling. A patient sees only their own."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import unquote

from django.utils import timezone
from tests.base import ClinicTestCase, make_user

from needlepoint.accounts.models import Role, Site
from needlepoint.audit.models import AuditEvent
from needlepoint.scheduling import rules, services
from needlepoint.scheduling.models import Appointment


class PortalCase(ClinicTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.rules = rules.BookingRules.of(self.clinic)
        self.today = timezone.localdate(timezone=self.rules.tz)
        self.day = rules.next_open_day(self.rules, self.today + dt.timedelta(days=3))
        Site.objects.filter(pk=self.site.pk).update(phone="+1 303 555 0140", address="1800 Pearl St")

    def at(self, hh: int, mm: int = 0) -> dt.datetime:
        return rules.at(self.rules, self.day, dt.time(hh, mm))

    def staff_book(self, starts_at: dt.datetime, patient_id: object = None) -> Appointment:
        return services.book_appointment(
            self.fran,
            patient_id=patient_id or self.pat_record.pk,
            clinician_id=self.alice.pk,
            site_id=self.site.pk,
            starts_at=starts_at,
        )


class ListTests(PortalCase):
    def test_upcoming_with_cancel_where_allowed_and_why_not_where_not(self) -> None:
        later = self.staff_book(self.at(10))
        soon = self.staff_book(timezone.now() + dt.timedelta(hours=4))
        self.staff_book(self.at(11), patient_id=self.olive.pk)
        self.login(self.pat)
        body = self.client.get("/portal/appointments/").content.decode()
        assert f"/portal/appointments/{later.pk}/cancel/" in body
        assert f"/portal/appointments/{soon.pk}/cancel/" not in body
        assert "please phone Boulder on +1 303 555 0140" in body
        assert "Olive" not in body and body.count("with Alice Chen at Boulder") == 2

    def test_past_and_cancelled_are_listed_apart(self) -> None:
        gone = self.staff_book(self.at(10))
        services.cancel(self.fran, gone.pk, reason="Clinician away")
        self.login(self.pat)
        body = self.client.get("/portal/appointments/").content.decode()
        assert "No appointments booked." in body and "Earlier and cancelled" in body and ">Cancelled<" in body

    def test_a_login_without_a_record_is_told_to_contact_the_clinic(self) -> None:
        orphan = make_user("orphan", self.clinic, Role.PATIENT, "Orla", "Phan")
        self.login(orphan)
        for path in ("/portal/appointments/", "/portal/appointments/book/"):
            assert "not linked to a patient record" in self.client.get(path).content.decode()


class BookPageTests(PortalCase):
    def _slot_links(self, body: str) -> list[str]:
        return [unquote(h.replace("&amp;", "&")) for h in re.findall(r'href="(\?[^"]*slot=[^"]+)"', body)]

    def test_pick_a_site_and_day_then_a_free_time_then_confirm(self) -> None:
        self.staff_book(self.at(9), patient_id=self.olive.pk)  # Alice is busy at 9
        self.login(self.pat)
        query = f"?site={self.site.pk}&clinician={self.alice.pk}&kind=follow_up&day={self.day}"
        body = self.client.get(f"/portal/appointments/book/{query}").content.decode()
        links = self._slot_links(body)
        assert any(f"slot={self.at(10).isoformat()}" in link for link in links)
        assert not any(f"slot={self.at(9).isoformat()}" in link for link in links)
        chosen = next(link for link in links if f"slot={self.at(10).isoformat()}" in link)
        confirm = self.client.get(
            "/portal/appointments/book/" + chosen.split("#")[0].replace("+", "%2B")
        ).content.decode()
        assert "Book this appointment" in confirm and "with Alice Chen" in confirm
        response = self.csrf_post(
            f"/portal/appointments/book/{query}",
            {
                "site": str(self.site.pk),
                "clinician": str(self.alice.pk),
                "kind": "follow_up",
                "starts_at": self.at(10).isoformat(),
            },
            form_page="/portal/appointments/book/",
        )
        assert response.status_code == 302 and response["Location"] == "/portal/appointments/"  # type: ignore[attr-defined, index]
        appointment = Appointment.objects.get(patient=self.pat_record)
        assert appointment.starts_at == self.at(10) and appointment.booked_online
        listing = self.client.get("/portal/appointments/").content.decode()
        assert f"/portal/appointments/{appointment.pk}/cancel/" in listing
        assert AuditEvent.objects.filter(action="create", object_id=str(appointment.pk), actor_role="patient").exists()

    def test_the_default_page_shows_this_week(self) -> None:
        self.login(self.pat)
        response = self.client.get("/portal/appointments/book/")
        assert response.status_code == 200
        assert "Choose a free time" in response.content.decode()

    def test_a_taken_time_is_refused_with_a_message(self) -> None:
        self.staff_book(self.at(10), patient_id=self.olive.pk)
        self.login(self.pat)
        response = self.csrf_post(
            "/portal/appointments/book/",
            {
                "site": str(self.site.pk),
                "clinician": str(self.alice.pk),
                "kind": "follow_up",
                "starts_at": self.at(10).isoformat(),
            },
        )
        assert response.status_code == 422 and "no longer free" in response.content.decode()  # type: ignore[attr-defined]
        assert not Appointment.objects.filter(patient=self.pat_record).exists()

    def test_evaluations_are_not_offered_when_the_clinic_books_them_by_phone(self) -> None:
        self.clinic.online_evaluations = False
        self.clinic.save()
        self.login(self.pat)
        body = self.client.get("/portal/appointments/book/").content.decode()
        assert 'value="evaluation"' not in body
        response = self.client.get(f"/portal/appointments/book/?site={self.site.pk}&kind=evaluation")
        assert response.status_code == 422

    def test_no_site_online_means_book_by_phone(self) -> None:
        Site.objects.update(online_booking=False)
        self.login(self.pat)
        body = self.client.get("/portal/appointments/book/").content.decode()
        assert "Please phone the clinic to book" in body


class CancelPageTests(PortalCase):
    def test_confirm_then_cancel(self) -> None:
        appointment = self.staff_book(self.at(10))
        self.login(self.pat)
        page = self.client.get(f"/portal/appointments/{appointment.pk}/cancel/")
        assert page.status_code == 200 and "Yes, cancel it" in page.content.decode()
        response = self.csrf_post(f"/portal/appointments/{appointment.pk}/cancel/", {"reason": "Away that week"})
        assert response.status_code == 302  # type: ignore[attr-defined]
        appointment.refresh_from_db()
        assert appointment.status == "cancelled" and appointment.cancel_reason == "Away that week"

    def test_too_late_shows_the_phone_number_and_changes_nothing(self) -> None:
        appointment = self.staff_book(timezone.now() + dt.timedelta(hours=3))
        self.login(self.pat)
        page = self.client.get(f"/portal/appointments/{appointment.pk}/cancel/").content.decode()
        assert "Yes, cancel it" not in page and "+1 303 555 0140" in page
        response = self.csrf_post(f"/portal/appointments/{appointment.pk}/cancel/", {"reason": ""})
        assert response.status_code == 302  # type: ignore[attr-defined]
        appointment.refresh_from_db()
        assert appointment.status == "booked"
        follow = self.client.get("/portal/appointments/").content.decode()
        assert "please phone Boulder" in follow
