"""The clinic's booking rules, changed by its administrator (audited, one transaction)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from needlepoint.accounts.models import Clinic, Site, User
from needlepoint.audit import services as audit
from needlepoint.errors import Forbidden, InvalidInput
from needlepoint.scheduling.services.common import validation_errors

RULE_FIELDS = (
    "opens_at",
    "closes_at",
    "open_weekdays",
    "slot_minutes",
    "online_booking_days_ahead",
    "online_booking_notice_hours",
    "online_cancel_notice_hours",
    "online_evaluations",
)


def _require_admin(actor: User) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.is_clinic_admin:
        raise Forbidden("Only the clinic's administrators can change its booking rules.")


@transaction.atomic
def update_booking_rules(actor: User, data: Mapping[str, Any], *, online_site_ids: list[int] | None = None) -> Clinic:
    """Change opening hours, the grid and the online rules; optionally which sites take online
    bookings. Only the fields given change; each change is one audit row."""
    _require_admin(actor)
    unknown = {k: ["unknown or read-only field"] for k in data if k not in RULE_FIELDS}
    if unknown:
        raise InvalidInput(unknown)
    clinic = Clinic.objects.select_for_update().get(pk=actor.clinic_id)
    before = audit.snapshot(clinic)
    for key, value in data.items():
        setattr(clinic, key, value)
    if isinstance(clinic.open_weekdays, str):
        clinic.open_weekdays = "".join(sorted(clinic.open_weekdays))
    # full_clean runs the field validators and the model's clean() (closing after opening)
    errors = validation_errors(clinic, exclude=["name", "slug", "time_zone", "screening_valid_days"])
    if errors:
        raise InvalidInput({k: list(v) for k, v in errors.items()})
    old, new = audit.changed(before, audit.snapshot(clinic))
    if new:
        clinic.save(update_fields=list(new))
        audit.record(audit.Action.UPDATE, clinic, actor=actor, clinic_id=clinic.pk, before=old, after=new)
    if online_site_ids is not None:
        sites = list(Site.objects.filter(clinic=clinic, is_active=True))
        for site in sites:
            wanted = site.pk in online_site_ids
            if site.online_booking != wanted:
                site.online_booking = wanted
                site.save(update_fields=["online_booking"])
                audit.record(
                    audit.Action.UPDATE,
                    site,
                    actor=actor,
                    clinic_id=clinic.pk,
                    before={"online_booking": not wanted},
                    after={"online_booking": wanted},
                )
    return clinic
