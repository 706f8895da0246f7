"""The clinic's booking rules as stored: sensible defaults, and values that make no sense refused
(by the model's validators, and closing before opening by the database as well)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from tests.base import ClinicTestCase

from needlepoint.accounts.models import Clinic
from needlepoint.audit.models import AuditEvent
from needlepoint.scheduling import rules


class ClinicRulesTests(ClinicTestCase):
    def test_defaults(self) -> None:
        r = rules.BookingRules.of(self.clinic)
        assert (r.opens_at, r.closes_at, r.open_weekdays) == (dt.time(8), dt.time(18), frozenset({1, 2, 3, 4, 5}))
        assert (r.slot_minutes, r.days_ahead) == (30, 60)
        assert (r.booking_notice, r.cancel_notice) == (dt.timedelta(hours=2), dt.timedelta(hours=24))
        assert r.evaluations_online and self.site.online_booking

    def test_bad_values_are_named(self) -> None:
        clinic = Clinic(
            name="X", slug="x", opens_at=dt.time(18), closes_at=dt.time(8), open_weekdays="1238", slot_minutes=0
        )
        clinic.online_booking_days_ahead = 0
        with pytest.raises(ValidationError) as exc:
            clinic.full_clean()
        assert {"closes_at", "open_weekdays", "slot_minutes", "online_booking_days_ahead"} <= set(
            exc.value.message_dict
        )
        for weekdays in ("", "11", "0"):
            clinic = Clinic(name="Y", slug="y", open_weekdays=weekdays)
            with pytest.raises(ValidationError) as exc:
                clinic.full_clean()
            assert "open_weekdays" in exc.value.message_dict

    def test_the_database_refuses_closing_before_opening(self) -> None:
        with pytest.raises(IntegrityError), transaction.atomic():
            Clinic.objects.filter(pk=self.clinic.pk).update(closes_at=dt.time(7))


class BookingRulesPageTests(ClinicTestCase):
    DATA = {
        "opens_at": "07:30",
        "closes_at": "19:00",
        "open_days": ["1", "2", "3", "4", "5", "6"],
        "slot_minutes": "15",
        "online_booking_days_ahead": "30",
        "online_booking_notice_hours": "4",
        "online_cancel_notice_hours": "48",
        "online_sites": [],
    }

    def test_the_administrator_changes_the_rules_and_it_is_audited(self) -> None:
        self.login(self.ada)
        assert self.client.get("/schedule/rules/").status_code == 200
        response = self.csrf_post("/schedule/rules/", self.DATA)
        assert response.status_code == 302  # type: ignore[attr-defined]
        r = rules.BookingRules.of(Clinic.objects.get(pk=self.clinic.pk))
        assert (r.opens_at, r.closes_at, r.slot_minutes, r.days_ahead) == (dt.time(7, 30), dt.time(19), 15, 30)
        assert r.open_weekdays == frozenset(range(1, 7)) and r.cancel_notice == dt.timedelta(hours=48)
        assert not r.evaluations_online  # unticked
        self.site.refresh_from_db()
        assert not self.site.online_booking
        row = AuditEvent.objects.get(action="update", object_type="accounts.clinic")
        assert row.before["slot_minutes"] == 30 and row.after["slot_minutes"] == 15
        assert AuditEvent.objects.filter(action="update", object_type="accounts.site").exists()

    def test_closing_before_opening_is_refused_naming_the_field(self) -> None:
        self.login(self.ada)
        response = self.csrf_post("/schedule/rules/", {**self.DATA, "closes_at": "07:00"})
        assert response.status_code == 422  # type: ignore[attr-defined]
        assert "close after it opens" in response.content.decode()  # type: ignore[attr-defined]
        assert Clinic.objects.get(pk=self.clinic.pk).closes_at == dt.time(18)
        assert not AuditEvent.objects.filter(object_type="accounts.clinic").exists()

    def test_only_the_clinics_administrators(self) -> None:
        for user in (self.alice, self.fran, self.pat, self.charlie):
            self.login(user)
            assert self.client.get("/schedule/rules/").status_code == 404, user.username
            response = self.csrf_post("/schedule/rules/", self.DATA, form_page="/login/")
            assert response.status_code == 404, user.username  # type: ignore[attr-defined]
        assert Clinic.objects.get(pk=self.clinic.pk).slot_minutes == 30
