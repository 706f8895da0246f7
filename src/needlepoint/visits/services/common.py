"""What every visit use case shares: who may do what, finding a visit, and optimistic locking.

Reading: clinic staff (admin, clinician, front desk). Writing clinical notes: clinicians only.
Anyone else (another clinic, a patient, a signed-out user) is told the record does not exist.

Every change to a draft takes the ``version`` the writer saw. Under a row lock the stored version
must still be that one; otherwise nothing is written and :class:`Conflict` says who changed the
note and when. A successful change increments the version.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from needlepoint.accounts.models import Role, User
from needlepoint.audit import services as audit
from needlepoint.errors import Conflict, Forbidden, InvalidInput, NotFound
from needlepoint.knowledge import Knowledge, load_knowledge
from needlepoint.visits.models import Episode, Visit

WRITER_ROLES = (Role.CLINICIAN,)
SIDES = ("left", "right")


def kb() -> Knowledge:
    return load_knowledge()


def parse_uuid(value: Any, what: str) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise NotFound(f"No such {what}.") from None


def require_clinician(actor: User, doing: str = "write clinical notes") -> None:
    if not getattr(actor, "is_authenticated", False) or actor.clinic_id is None or actor.role not in WRITER_ROLES:
        raise Forbidden(f"Only clinicians can {doing}.")


def find_episode(actor: User, episode_id: Any, *, lock: bool = False) -> Episode:
    """The episode if the actor may see it; otherwise NotFound (never a hint it exists).
    ``lock``: SELECT ... FOR UPDATE, for a change that reads then writes the episode."""
    qs = Episode.objects.visible_to(actor)
    if lock:
        qs = qs.select_for_update(of=("self",))
    episode = qs.select_related("patient", "clinic").filter(pk=parse_uuid(episode_id, "episode of care")).first()
    if episode is None:
        raise NotFound("No such episode of care.")
    return episode


def find_visit(actor: User, visit_id: Any, *, lock: bool = False) -> Visit:
    """The visit if the actor may see it; otherwise NotFound. ``lock``: SELECT ... FOR UPDATE."""
    qs = Visit.objects.visible_to(actor).select_related("clinic")
    if lock:
        qs = qs.select_for_update(of=("self",))
    visit = qs.filter(pk=parse_uuid(visit_id, "visit")).first()
    if visit is None:
        raise NotFound("No such visit.")
    return visit


def local_time(visit: Visit, moment: Any) -> str:
    zone = zoneinfo.ZoneInfo(visit.clinic.time_zone)
    return f"{timezone.localtime(moment, zone):%Y-%m-%d %H:%M %Z}"


def parse_version(version: Any) -> int:
    if not isinstance(version, bool):
        try:
            value = int(version)
        except (TypeError, ValueError):
            value = 0
        if value >= 1 and str(value) == str(version).strip():
            return value
    raise InvalidInput({"version": ["send the version of the note you are changing (a whole number from 1)"]})


def check_version(visit: Visit, version: Any) -> None:
    seen = parse_version(version)
    if seen != visit.version:
        raise Conflict(
            f"This note was changed by {visit.updated_by_name} at {local_time(visit, visit.updated_at)}; "
            f"reload to see the changes (you sent version {seen}, it is now version {visit.version})."
        )


def refuse_if_signed(visit: Visit) -> None:
    if visit.is_signed:
        raise Conflict(
            f"This note was signed by {visit.signed_by_name} at {local_time(visit, visit.signed_at)} "
            "and can no longer be changed; add an addendum instead."
        )


def draft_for_change(actor: User, visit_id: Any, version: Any) -> Visit:
    """Lock a draft the clinician may change, at the version they saw."""
    visit = find_visit(actor, visit_id)  # first: outsiders learn nothing, not even "forbidden"
    require_clinician(actor)
    visit = find_visit(actor, visit_id, lock=True)
    refuse_if_signed(visit)
    check_version(visit, version)
    return visit


def touch(visit: Visit, actor: User) -> None:
    """Record one more change to the draft: the version goes up; who and when are kept."""
    visit.version += 1
    visit.updated_at = timezone.now()
    visit.updated_by = actor
    visit.updated_by_name = display_name(actor)
    visit.save()


def display_name(user: User) -> str:
    return (user.get_full_name() or user.get_username())[:200]


def audit_row(action: str, obj: models.Model, actor: User, visit: Visit, **data: Any) -> None:
    """Audit one row of a visit, tied to the patient."""
    audit.record(
        action, audit.subject_of(obj, patient_id=visit.patient_id), actor=actor, clinic_id=visit.clinic_id, **data
    )


def validation_errors(instance: models.Model, exclude: Sequence[str] = ()) -> dict[str, list[str]]:
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        return {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
    return {}


def unknown_fields(data: Mapping[str, Any], allowed: Sequence[str]) -> dict[str, list[str]]:
    return {k: ["unknown or read-only field"] for k in data if k not in allowed}


def check_muscle_side(muscle: Any, side: Any, errors: dict[str, list[str]], prefix: str = "") -> None:
    if not isinstance(muscle, str) or muscle not in kb().muscles:
        errors[f"{prefix}muscle"] = [f"{muscle!r} is not a muscle in the atlas"]
    if side not in SIDES:
        errors[f"{prefix}side"] = ["must be left or right"]


def check_region_side(region: Any, side: Any, errors: dict[str, list[str]], prefix: str) -> None:
    regions = kb().regions
    if not isinstance(region, str) or region not in regions:
        errors[f"{prefix}region"] = [f"{region!r} is not a body region"]
    elif regions[region].midline and side is not None:
        errors[f"{prefix}side"] = ["a midline region has no side: leave it empty"]
    elif not regions[region].midline and side not in SIDES:
        errors[f"{prefix}side"] = ["must be left or right"]


def row_of(model: Any, visit: Visit, row_id: Any, what: str) -> Any:
    """A row of this visit by id, or NotFound."""
    try:
        row = model.objects.filter(visit=visit, pk=int(row_id)).first()
    except (TypeError, ValueError):
        row = None
    if row is None:
        raise NotFound(f"No such {what} in this note.")
    row.visit = visit
    return row


MAX_NEEDLES = 500


def needle_count(value: Any, field: str, errors: dict[str, list[str]]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_NEEDLES:
        errors[field] = [f"a whole number from 0 to {MAX_NEEDLES}"]
        return 0
    return value


def clinic_today(clinic_id: int) -> dt.date:
    """Today in the clinic's own time zone: dates of care follow the clinic's calendar, whatever
    time zone the request, the command line or a test happens to run in."""
    from needlepoint.accounts.models import Clinic

    tz_name = Clinic.objects.filter(pk=clinic_id).values_list("time_zone", flat=True).first() or "UTC"
    return Clinic(time_zone=tz_name).today()
