"""Adverse events: types, severity with its definitions, action and follow-up; a serious event
e-mails every active administrator of the clinic and the alert is kept with the event."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone
from tests.base import make_user
from tests.integration.test_visits_helpers import VisitTestCase

from needlepoint.accounts.models import Role
from needlepoint.audit.models import AuditEvent
from needlepoint.errors import Forbidden, InvalidInput, NotFound
from needlepoint.visits import services
from needlepoint.visits.adverse import AdverseEventKind
from needlepoint.visits.models import AdverseEvent

SERIOUS = {
    "kind": "pneumothorax",
    "severity": "serious",
    "description": "Short of breath an hour after needling the upper trapezius.",
    "action_taken": "Sent to the emergency department.",
    "follow_up_due": timezone.localdate() + dt.timedelta(days=1),
}


class AdverseEventTests(VisitTestCase):
    def add(self, actor: Any = None, **data: Any) -> AdverseEvent:
        return services.add_adverse_event(actor or self.alice, self.visit.pk, self.version, data)

    def test_a_mild_event_is_recorded_without_an_alert(self) -> None:
        event = self.add(kind="bruising", severity="mild")
        assert (event.kind, event.severity, event.occurred_on, event.recorded_by_name) == (
            "bruising",
            "mild",
            self.visit.visit_date,
            "Alice Chen",
        )
        assert mail.outbox == [] and event.admin_alerted_at is None and self.version == 2
        assert AuditEvent.objects.filter(object_type="visits.adverseevent", patient_id=str(self.pat_record.pk))

    def test_every_type_of_the_issue_can_be_recorded(self) -> None:
        assert set(AdverseEventKind.values) == {
            "bruising",
            "bleeding",
            "pain_during",
            "pain_after",
            "worse_symptoms",
            "drowsiness",
            "fainting",
            "nausea",
            "headache",
            "nerve_irritation",
            "infection",
            "pneumothorax",
            "broken_or_retained_needle",
            "other",
        }
        assert set(services.severity_definitions()) == {"mild", "significant", "serious"}

    def test_a_serious_event_emails_every_active_clinic_admin(self) -> None:
        second = make_user("april", self.clinic, Role.CLINIC_ADMIN, "April", "Stone")
        gone = make_user("gus", self.clinic, Role.CLINIC_ADMIN, "Gus", "Former")
        gone.is_active = False
        gone.save()
        make_user("yuki", self.other_clinic, Role.CLINIC_ADMIN, "Yuki", "Tanaka")
        event = self.add(**SERIOUS)
        assert sorted(m.to[0] for m in mail.outbox) == sorted([self.ada.email, second.email])
        message = mail.outbox[0]
        assert message.subject == "Serious adverse event: Pneumothorax (NP-000001)"
        assert "Sent to the emergency department." in message.body and "Kowalski" not in message.body
        stored = AdverseEvent.objects.get(pk=event.pk)
        assert stored.admin_alerted_at is not None
        assert sorted(stored.admin_alert_recipients) == sorted([self.ada.email, second.email])
        summary = services.visit_summary(self.fresh())
        assert summary.adverse_events[0].admin_alert_recipients == stored.admin_alert_recipients

    def test_a_failed_email_does_not_lose_the_event(self) -> None:
        with mock.patch("needlepoint.visits.services.adverse_events.EmailMessage.send", side_effect=OSError("down")):
            event = self.add(**SERIOUS)
        stored = AdverseEvent.objects.get(pk=event.pk)
        assert stored.admin_alerted_at is None and "could not be sent" in stored.admin_alert_error

    def test_no_admin_to_alert_is_recorded(self) -> None:
        self.ada.is_active = False
        self.ada.save()
        event = self.add(**SERIOUS)
        assert mail.outbox == [] and "No active clinic administrator" in event.admin_alert_error

    def test_severity_rules(self) -> None:
        with pytest.raises(InvalidInput) as caught:
            self.add(kind="pneumothorax", severity="significant", action_taken="x-ray")
        assert "always serious" in caught.value.errors["severity"][0]
        with pytest.raises(InvalidInput) as caught:
            self.add(kind="fainting", severity="significant")
        assert set(caught.value.errors) == {"action_taken"}
        with pytest.raises(InvalidInput) as caught:
            self.add(kind="other", severity="catastrophic", follow_up_due=dt.date(2000, 1, 1))
        assert set(caught.value.errors) == {"severity", "description", "follow_up_due"}
        with pytest.raises(InvalidInput) as caught:
            self.add(kind="itching", severity="mild", occurred_on=self.visit.visit_date - dt.timedelta(days=1))
        assert set(caught.value.errors) == {"kind", "occurred_on"}
        assert not AdverseEvent.objects.exists() and mail.outbox == []

    def test_a_late_report_on_a_signed_note(self) -> None:
        signed = self.sign(opened=0, removed=0)
        event = services.add_adverse_event(
            self.bob,
            self.visit.pk,
            signed.version,
            {"kind": "broken_or_retained_needle", "severity": "serious", "action_taken": "Removed under ultrasound."},
        )
        visit = self.fresh()
        assert visit.is_signed and visit.version == signed.version and event.visit_id == visit.pk
        assert len(mail.outbox) == 1

    def test_who_may_record(self) -> None:
        with pytest.raises(Forbidden):
            self.add(self.fran, kind="bruising", severity="mild")
        for user in (self.charlie, self.pat):
            with pytest.raises(NotFound):
                self.add(user, kind="bruising", severity="mild")
