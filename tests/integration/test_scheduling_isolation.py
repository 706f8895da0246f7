"""Every schedule route refuses outsiders with 404: another clinic's staff, a patient on a staff
page, staff on a portal page, and a patient on another patient's appointment."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from tests.base import ClinicTestCase, make_user

from needlepoint.accounts.models import Role
from needlepoint.audit.models import AuditEvent
from needlepoint.patients.models import Patient
from needlepoint.scheduling import rules, services
from needlepoint.scheduling.models import Appointment

MISSING = "00000000-0000-4000-8000-000000000000"
APPOINTMENT_ROUTES = [
    ("get", "/schedule/appointments/{a}/"),
    ("post", "/schedule/appointments/{a}/"),
    ("get", "/schedule/appointments/{a}/status/"),
    ("post", "/schedule/appointments/{a}/status/"),
    ("get", "/schedule/appointments/{a}/cancel/"),
    ("post", "/schedule/appointments/{a}/cancel/"),
]
PATIENT_ROUTES = [("get", "/patients/{p}/appointments/new/"), ("post", "/patients/{p}/appointments/new/")]
STAFF_PAGES = ["/schedule/", "/schedule/new/"]
PORTAL_PAGES = ["/portal/appointments/", "/portal/appointments/book/"]
PORTAL_CANCEL = "/portal/appointments/{a}/cancel/"


class ScheduleIsolationTests(ClinicTestCase):
    def setUp(self) -> None:
        super().setUp()
        booking = rules.BookingRules.of(self.clinic)
        day = rules.next_open_day(booking, timezone.localdate(timezone=booking.tz) + dt.timedelta(days=3))
        self.olives = services.book_appointment(
            self.fran,
            patient_id=self.olive.pk,
            clinician_id=self.alice.pk,
            site_id=self.site.pk,
            starts_at=rules.at(booking, day, dt.time(9)),
            reason="Neck pain",
        )
        self.pats = services.book_appointment(
            self.fran,
            patient_id=self.pat_record.pk,
            clinician_id=self.alice.pk,
            site_id=self.site.pk,
            starts_at=rules.at(booking, day, dt.time(10)),
        )
        self.audit_rows = self._record_rows()

    def _record_rows(self) -> int:
        return AuditEvent.objects.exclude(action__in=["login", "logout"]).count()  # signing in is audited too

    def _send(self, method: str, path: str) -> object:
        self.client.get("/login/")
        token = self.client.cookies["csrftoken"].value if "csrftoken" in self.client.cookies else ""
        data = {"csrfmiddlewaretoken": token, "status": "arrived", "reason": "x", "time": "11:00"}
        return self.client.post(path, data) if method == "post" else self.client.get(path)

    def _unchanged(self) -> None:
        for appointment in (self.olives, self.pats):
            fresh = Appointment.objects.get(pk=appointment.pk)
            assert (fresh.status, fresh.starts_at) == (appointment.status, appointment.starts_at)
        assert self._record_rows() == self.audit_rows

    def test_another_clinics_staff_get_404_on_every_record_route(self) -> None:
        self.login(self.charlie)
        for method, template in APPOINTMENT_ROUTES:
            response = self._send(method, template.format(a=self.olives.pk))
            assert response.status_code == 404, (method, template)  # type: ignore[attr-defined]
            assert b"Olive" not in response.content  # type: ignore[attr-defined]
        for method, template in PATIENT_ROUTES:
            assert self._send(method, template.format(p=self.olive.pk)).status_code == 404, template  # type: ignore[attr-defined]
        self._unchanged()

    def test_another_clinics_staff_see_none_of_the_schedule(self) -> None:
        self.login(self.charlie)
        for path in STAFF_PAGES:
            response = self.client.get(path + f"?patient={self.olive.pk}" if path.endswith("new/") else path)
            body = response.content.decode()  # type: ignore[attr-defined]
            assert "Olive" not in body and "Alice Chen" not in body and "Kowalski" not in body, path

    def test_unknown_and_foreign_appointments_answer_alike(self) -> None:
        self.login(self.charlie)
        foreign = self.client.get(f"/schedule/appointments/{self.olives.pk}/")
        missing = self.client.get(f"/schedule/appointments/{MISSING}/")
        assert foreign.status_code == missing.status_code == 404
        strip = re.compile(rb'"X-CSRFToken": "[^"]+"|name="csrfmiddlewaretoken" value="[^"]+"')
        assert strip.sub(b"", foreign.content) == strip.sub(b"", missing.content)

    def test_a_patient_gets_404_on_staff_routes_even_for_their_own(self) -> None:
        self.login(self.pat)
        for path in STAFF_PAGES:
            assert self.client.get(path).status_code == 404, path
        for method, template in APPOINTMENT_ROUTES:
            assert self._send(method, template.format(a=self.pats.pk)).status_code == 404, template  # type: ignore[attr-defined]
        for method, template in PATIENT_ROUTES:
            assert self._send(method, template.format(p=self.pat_record.pk)).status_code == 404, template  # type: ignore[attr-defined]
        self._unchanged()

    def test_staff_get_404_on_the_portal(self) -> None:
        for user in (self.alice, self.fran, self.charlie):
            self.login(user)
            for path in [*PORTAL_PAGES, PORTAL_CANCEL.format(a=self.pats.pk)]:
                assert self.client.get(path).status_code == 404, (user.username, path)

    def test_a_patient_cannot_see_or_cancel_another_patients_appointment(self) -> None:
        olive_login = make_user("olive", self.clinic, Role.PATIENT, "Olive", "Brennan")
        Patient.objects.filter(pk=self.olive.pk).update(user=olive_login)
        self.login(self.pat)
        for method in ("get", "post"):
            response = self._send(method, PORTAL_CANCEL.format(a=self.olives.pk))
            assert response.status_code == 404  # type: ignore[attr-defined]
        assert self.client.get(PORTAL_CANCEL.format(a=MISSING)).status_code == 404
        listing = self.client.get("/portal/appointments/").content.decode()
        assert str(self.olives.pk) not in listing and "Neck pain" not in listing
        self._unchanged()

    def test_signed_out_visitors_are_sent_to_sign_in(self) -> None:
        paths = [
            *STAFF_PAGES,
            *PORTAL_PAGES,
            f"/schedule/appointments/{self.olives.pk}/",
            f"/patients/{self.olive.pk}/appointments/new/",
            PORTAL_CANCEL.format(a=self.pats.pk),
        ]
        for path in paths:
            response = self.client.get(path)
            assert response.status_code == 302 and response["Location"].startswith("/login/"), path
