"""Adverse events: recorded on the visit they followed, even after it is signed (they are often
reported later). A serious event is e-mailed at once to every active administrator of the clinic,
and the alert (when, to whom, or why it could not be sent) is kept on the event."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from needlepoint.accounts.models import Role, User
from needlepoint.audit import services as audit
from needlepoint.clinical import adverse_events as grading
from needlepoint.errors import InvalidInput
from needlepoint.visits.adverse import SEVERITY_DEFINITIONS, Severity
from needlepoint.visits.models import AdverseEvent, Visit
from needlepoint.visits.services.common import (
    audit_row,
    check_version,
    clinic_today,
    display_name,
    find_visit,
    local_time,
    require_clinician,
    touch,
    unknown_fields,
    validation_errors,
)

log = logging.getLogger(__name__)

EVENT_FIELDS = ("kind", "description", "severity", "action_taken", "follow_up_due", "occurred_on")


def severity_definitions() -> dict[str, str]:
    """Mild / significant / serious, as the note shows them next to the choice."""
    return {str(k): v for k, v in SEVERITY_DEFINITIONS.items()}


def _validate(visit: Visit, data: Mapping[str, Any]) -> dict[str, Any]:
    errors = unknown_fields(data, EVENT_FIELDS)
    kind, severity = data.get("kind"), data.get("severity")
    action = (data.get("action_taken") or "").strip()
    for field, messages in grading.grading_problems(
        str(kind), str(severity), action, str(data.get("description") or "")
    ).items():
        errors.setdefault(field, messages)
    occurred = data.get("occurred_on") or visit.visit_date
    if isinstance(occurred, dt.date) and occurred < visit.visit_date:
        errors["occurred_on"] = ["cannot be before the visit"]
    elif isinstance(occurred, dt.date) and occurred > clinic_today(visit.clinic_id):
        errors["occurred_on"] = ["cannot be in the future"]
    follow_up = data.get("follow_up_due")
    if isinstance(follow_up, dt.date) and isinstance(occurred, dt.date) and follow_up < occurred:
        errors["follow_up_due"] = ["cannot be before the event"]
    if errors:
        raise InvalidInput(errors)
    return {
        "kind": kind,
        "severity": severity,
        "description": (data.get("description") or "").strip(),
        "action_taken": action,
        "follow_up_due": follow_up,
        "occurred_on": occurred,
    }


def clinic_admins(clinic_id: int) -> list[User]:
    return list(
        User.objects.filter(clinic_id=clinic_id, role=Role.CLINIC_ADMIN, is_active=True)
        .exclude(email="")
        .order_by("pk")
    )


def _alert(visit: Visit, event: AdverseEvent, reporter: User) -> None:
    """E-mail every active clinic admin. Never fails the recording: a failure is kept instead."""
    admins = clinic_admins(visit.clinic_id)
    if not admins:
        event.admin_alert_error = "No active clinic administrator with an e-mail address to alert."
        return
    patient = visit.patient
    subject = f"Serious adverse event: {event.get_kind_display()} ({patient.chart_number})"
    body = "\n".join(
        [
            f"A serious adverse event was recorded at {visit.clinic.name}.",
            "",
            f"Event: {event.get_kind_display()}",
            f"Severity: {event.get_severity_display()}: {SEVERITY_DEFINITIONS[Severity.SERIOUS]}",
            f"Occurred on: {event.occurred_on:%Y-%m-%d}",
            f"Visit: {visit.visit_date:%Y-%m-%d}, treating clinician {display_name(visit.clinician)}",
            f"Patient chart: {patient.chart_number}",
            f"Recorded by {display_name(reporter)} at {local_time(visit, timezone.now())}",
            f"Action taken: {event.action_taken or '-'}",
            f"Follow-up due: {event.follow_up_due:%Y-%m-%d}" if event.follow_up_due else "Follow-up due: not set",
            f"Visit id: {visit.pk}",
        ]
    )
    try:
        with get_connection() as connection:
            for admin in admins:
                EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [admin.email], connection=connection).send()
    except Exception as exc:  # the event must be recorded whatever the mail server does
        log.exception("could not e-mail the clinic admins about adverse event on visit %s", visit.pk)
        event.admin_alert_error = f"The e-mail could not be sent: {type(exc).__name__}"[:300]
        return
    event.admin_alerted_at = timezone.now()
    event.admin_alert_recipients = [a.email for a in admins]


@transaction.atomic
def add_adverse_event(actor: User, visit_id: Any, version: Any, data: Mapping[str, Any]) -> AdverseEvent:
    """Record an adverse event on a visit (draft or signed).

    On a draft this is a change like any other (the version goes up). On a signed note the note
    itself does not change; the event is added beside it, like an addendum.
    """
    visit = find_visit(actor, visit_id)
    require_clinician(actor, "record adverse events")
    visit = find_visit(actor, visit_id, lock=True)
    check_version(visit, version)
    clean = _validate(visit, data)
    event = AdverseEvent(visit=visit, recorded_by=actor, recorded_by_name=display_name(actor), **clean)
    problems = validation_errors(event, exclude=["visit", "recorded_by", "admin_alert_recipients"])
    if problems:
        raise InvalidInput(problems)
    if event.severity == Severity.SERIOUS:
        # Sent before the row is written so that the row can keep the outcome; everything that
        # could refuse the event has been checked by now.
        _alert(visit, event, actor)
    event.save()
    if not visit.is_signed:
        touch(visit, actor)
    event.visit = visit
    audit_row(audit.Action.CREATE, event, actor, visit, after=audit.snapshot(event))
    return event
