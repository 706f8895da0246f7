"""An id too large for a 64-bit database key names nothing: 404 in a URL, a named 422 in the API,
never a 500 from the database driver (found by the API fuzzer: SQLite raised OverflowError)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from tests.base import ClinicTestCase

from needlepoint.rowid import MAX_ROW_ID, row_id
from needlepoint.scheduling import services as scheduling

HUGE = "13695276822535852032"  # > 2^63 - 1


def test_row_id_accepts_only_positive_64_bit_integers() -> None:
    assert row_id("42") == 42 and row_id(7) == 7 and row_id(str(MAX_ROW_ID)) == MAX_ROW_ID
    for bad in (HUGE, str(MAX_ROW_ID + 1), "0", "-3", "4.5", "", None, "abc", True):
        assert row_id(bad) is None, bad


class OversizeIdTests(ClinicTestCase):
    def test_web_routes_with_an_integer_id_answer_404(self) -> None:
        self.login(self.ada)
        visit = "00000000-0000-0000-0000-000000000000"
        for path in (
            f"/clinic/consent-forms/{HUGE}/",
            f"/portal/consent/{HUGE}.pdf",
            f"/patients/{self.pat_record.pk}/consent/{HUGE}.pdf",
            f"/visits/{visit}/needles/{HUGE}/",
            f"/visits/{visit}/findings/{HUGE}/remove/",
        ):
            assert self.client.get(path).status_code == 404, path
        # the largest id that fits still reaches the view, which finds nothing
        assert self.client.get(f"/clinic/consent-forms/{MAX_ROW_ID // 10}/").status_code == 404
        assert reverse("consent-form-detail", args=[12]) == "/clinic/consent-forms/12/"

    def test_api_filters_and_bodies_refuse_them_by_name(self) -> None:
        api = self.api(self.fran)
        response = api.get(f"/api/v1/appointments?clinician_id={HUGE}&day=2026-03-03")
        assert response.status_code == 422 and "clinician_id" in response.content.decode()
        response = api.post(
            "/api/v1/appointments",
            {
                "patient_id": str(self.olive.pk),
                "clinician_id": self.alice.pk,
                "site_id": int(HUGE),
                "starts_at": "2030-03-05T09:00:00-07:00",
            },
            content_type="application/json",
        )
        assert response.status_code == 422 and "site_id" in response.content.decode()
        response = api.patch(
            f"/api/v1/patients/{self.olive.pk}", {"home_site_id": int(HUGE)}, content_type="application/json"
        )
        assert response.status_code == 422 and "home_site_id" in response.content.decode()

    def test_services_treat_them_as_naming_nothing(self) -> None:
        day = dt.date(2030, 3, 5)
        _, rows = scheduling.appointments_on(self.fran, day, clinician_id=int(HUGE))
        assert rows == []
        self.login(self.fran)
        assert self.client.get(f"/schedule/?day=2030-03-05&who={HUGE}&site={HUGE}").status_code == 200
