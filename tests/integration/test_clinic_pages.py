from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

from django.utils import timezone
from tests.base import ClinicTestCase

from needlepoint.accounts.models import DryNeedlingCertification
from needlepoint.patients import services


class AuditLogPageTests(ClinicTestCase):
    def test_admin_sees_own_clinics_events_only(self) -> None:
        services.open_chart(self.alice, self.olive.pk)
        services.open_chart(self.charlie, self.bruno.pk)
        self.login(self.ada)
        body = self.client.get("/clinic/audit/").content.decode()
        assert "Alice Chen" in body and "Olive Brennan" in body
        assert "Charlie" not in body and "Bruno" not in body

    def test_filter_by_patient_shows_chart_history(self) -> None:
        services.open_chart(self.alice, self.olive.pk)
        services.open_chart(self.bob, self.pat_record.pk)
        self.login(self.ada)
        body = self.client.get(f"/clinic/audit/?patient={self.olive.pk}").content.decode()
        assert "Olive Brennan" in body and "Pat Kowalski" not in body

    def test_filter_by_action(self) -> None:
        services.update_patient(self.alice, self.olive.pk, {"phone": "555"})
        services.open_chart(self.bob, self.olive.pk)
        self.login(self.ada)
        body = self.client.get("/clinic/audit/?action=update").content.decode()
        assert "Alice Chen" in body and "Bob Okafor" not in body


class TeamPageTests(ClinicTestCase):
    def test_shows_credentials_and_their_status(self) -> None:
        today = timezone.localdate(timezone=zoneinfo.ZoneInfo(self.clinic.time_zone))  # the page uses clinic time
        profile = self.alice.practitioner
        profile.licence_number, profile.licence_jurisdiction = "PT-1", "US-CO"
        profile.save()
        DryNeedlingCertification.objects.create(
            practitioner=profile, issuer="Current Course", hours=Decimal(54), completed_on=today - dt.timedelta(days=30)
        )
        DryNeedlingCertification.objects.create(
            practitioner=self.bob.practitioner,
            issuer="Old Course",
            hours=Decimal(27),
            completed_on=today - dt.timedelta(days=900),
            expires_on=today - dt.timedelta(days=1),
        )
        self.login(self.fran)
        response = self.client.get("/clinic/team/")
        assert response.status_code == 200, response.status_code
        body = response.content.decode()
        assert "Current Course" in body and "Old Course" in body and "not current" in body
        assert "PT-1" in body and "Charlie" not in body
