"""The appointments API: a day's list, booking (double booking answers 422 on starts_at),
cancelling (a patient's own within the notice limit, else 409 with the phone number); problem
details everywhere; other clinics' appointments answer 404."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.utils import timezone
from tests.base import ClinicTestCase

from needlepoint.accounts.models import Site
from needlepoint.audit.models import AuditEvent
from needlepoint.scheduling import rules, services
from needlepoint.scheduling.models import Appointment

BASE = "/api/v1/appointments"
PROBLEM = "application/problem+json"


def post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, data=json.dumps(body), content_type="application/json")


class AppointmentApiCase(ClinicTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.rules = rules.BookingRules.of(self.clinic)
        self.day = rules.next_open_day(self.rules, timezone.localdate(timezone=self.rules.tz) + dt.timedelta(days=3))

    def at(self, hh: int, mm: int = 0) -> dt.datetime:
        return rules.at(self.rules, self.day, dt.time(hh, mm))

    def body(self, **kw: Any) -> dict[str, Any]:
        data = {
            "patient_id": str(self.olive.pk),
            "clinician_id": self.alice.pk,
            "site_id": self.site.pk,
            "starts_at": self.at(9).isoformat(),
        }
        data.update(kw)
        return data

    def staff_book(self, starts_at: dt.datetime, **kw: Any) -> Appointment:
        return services.book_appointment(
            self.fran,
            patient_id=kw.pop("patient_id", self.olive.pk),
            clinician_id=kw.pop("clinician_id", self.alice.pk),
            site_id=self.site.pk,
            starts_at=starts_at,
            **kw,
        )


class BookApiTests(AppointmentApiCase):
    def test_book_then_read(self) -> None:
        response = post(self.api(self.fran), BASE, self.body(kind="evaluation", reason="New: neck"))
        body = response.json()
        assert response.status_code == 201, body
        assert response["Location"] == f"{BASE}/{body['id']}"
        assert (body["kind"], body["duration_minutes"], body["status"], body["clinician_name"]) == (
            "evaluation",
            60,
            "booked",
            "Alice Chen",
        )
        assert dt.datetime.fromisoformat(body["starts_at"]) == self.at(9)
        assert dt.datetime.fromisoformat(body["ends_at"]) == self.at(10)
        read = self.api(self.alice).get(f"{BASE}/{body['id']}")
        assert read.status_code == 200 and read.json()["patient_name"] == "Olive Brennan"
        assert AuditEvent.objects.filter(action="create", object_id=body["id"]).exists()

    def test_double_booking_answers_422_on_starts_at(self) -> None:
        self.staff_book(self.at(9), kind="evaluation")
        response = post(self.api(self.fran), BASE, self.body(starts_at=self.at(9, 30).isoformat()))
        assert response.status_code == 422 and response["Content-Type"] == PROBLEM
        assert [e["field"] for e in response.json()["errors"]] == ["starts_at"]
        assert "already has an appointment" in response.json()["errors"][0]["message"]

    def test_bad_input_is_named(self) -> None:
        client = self.api(self.fran)
        naive = post(client, BASE, self.body(starts_at="2030-01-07T09:00:00"))
        assert naive.status_code == 422 and naive.json()["errors"][0]["field"] == "starts_at"
        extra = post(client, BASE, self.body(wings=2, duration_minutes=500))
        assert extra.status_code == 422
        assert {e["field"] for e in extra.json()["errors"]} == {"wings", "duration_minutes"}
        foreign = post(client, BASE, self.body(site_id=self.other_site.pk))
        assert foreign.status_code == 422 and foreign.json()["errors"][0]["field"] == "site_id"
        assert not Appointment.objects.exists()

    def test_outsiders_and_patients(self) -> None:
        assert post(self.api(self.charlie), BASE, self.body()).status_code == 404
        assert post(self.api(self.pat), BASE, self.body()).status_code == 404  # not Pat's record
        own = post(self.api(self.pat), BASE, self.body(patient_id=str(self.pat_record.pk)))
        assert own.status_code == 403 and own["Content-Type"] == PROBLEM
        assert post(self.api(None), BASE, self.body()).status_code == 401
        assert not Appointment.objects.exists()


class ListApiTests(AppointmentApiCase):
    def test_a_days_list_for_staff_and_filters(self) -> None:
        self.staff_book(self.at(9))
        self.staff_book(self.at(10), clinician_id=self.bob.pk, patient_id=self.pat_record.pk)
        gone = self.staff_book(self.at(11))
        services.cancel(self.fran, gone.pk, reason="Unwell")
        body = self.api(self.fran).get(f"{BASE}?day={self.day}").json()
        assert body["day"] == str(self.day)
        assert [(i["patient_name"], i["status"]) for i in body["items"]] == [
            ("Olive Brennan", "booked"),
            ("Pat Kowalski", "booked"),
            ("Olive Brennan", "cancelled"),
        ]
        only_bob = self.api(self.fran).get(f"{BASE}?day={self.day}&clinician_id={self.bob.pk}").json()
        assert [i["clinician_id"] for i in only_bob["items"]] == [self.bob.pk]
        other_day = self.api(self.fran).get(f"{BASE}?day={self.day + dt.timedelta(days=1)}").json()
        assert other_day["items"] == []

    def test_outsiders_see_nothing_and_a_patient_sees_their_own(self) -> None:
        self.staff_book(self.at(9))
        mine = self.staff_book(self.at(10), clinician_id=self.bob.pk, patient_id=self.pat_record.pk)
        assert self.api(self.charlie).get(f"{BASE}?day={self.day}").json()["items"] == []
        items = self.api(self.pat).get(f"{BASE}?day={self.day}").json()["items"]
        assert [i["id"] for i in items] == [str(mine.pk)]
        assert self.api(None).get(BASE).status_code == 401
        assert self.api(self.fran).get(f"{BASE}?day=tuesday").status_code == 422

    def test_reading_anothers_appointment_is_404(self) -> None:
        olives = self.staff_book(self.at(9))
        for user in (self.charlie, self.pat):
            response = self.api(user).get(f"{BASE}/{olives.pk}")
            assert response.status_code == 404 and b"Olive" not in response.content
        assert self.api(self.fran).get(f"{BASE}/not-a-uuid").status_code == 404


class CancelApiTests(AppointmentApiCase):
    def test_staff_cancel_with_a_reason(self) -> None:
        appointment = self.staff_book(self.at(9))
        missing = post(self.api(self.fran), f"{BASE}/{appointment.pk}/cancel", {})
        assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "reason"
        done = post(self.api(self.alice), f"{BASE}/{appointment.pk}/cancel", {"reason": "Clinician away"})
        assert done.status_code == 200
        assert (done.json()["status"], done.json()["cancel_reason"]) == ("cancelled", "Clinician away")
        again = post(self.api(self.alice), f"{BASE}/{appointment.pk}/cancel", {"reason": "twice"})
        assert again.status_code == 409 and again["Content-Type"] == PROBLEM

    def test_a_patient_cancels_their_own_before_the_limit_and_is_told_to_phone_after(self) -> None:
        Site.objects.filter(pk=self.site.pk).update(phone="+1 303 555 0140")
        later = self.staff_book(self.at(9), patient_id=self.pat_record.pk)
        soon = self.staff_book(timezone.now() + dt.timedelta(hours=2), patient_id=self.pat_record.pk)
        assert post(self.api(self.pat), f"{BASE}/{later.pk}/cancel", {}).json()["status"] == "cancelled"
        refused = post(self.api(self.pat), f"{BASE}/{soon.pk}/cancel", {})
        assert refused.status_code == 409 and "+1 303 555 0140" in refused.json()["detail"]
        assert Appointment.objects.get(pk=soon.pk).status == "booked"

    def test_outsiders_get_404(self) -> None:
        olives = self.staff_book(self.at(9))
        for user in (self.charlie, self.pat):
            response = post(self.api(user), f"{BASE}/{olives.pk}/cancel", {"reason": "x"})
            assert response.status_code == 404, user.username
        assert Appointment.objects.get(pk=olives.pk).status == "booked"
