"""Signing a note, and the addenda that correct it afterwards.

A note can be signed when every needle opened is accounted for (the count of needles opened equals
the count removed and disposed of, and the needle log lists no more needles than were opened, by
the sum of its entries' ``needles_used``: ``clinical.needling.needle_count_problem``) and every
needle-log entry copied forward has been confirmed (its safety checks ran in this visit). Otherwise signing
is refused with :class:`Conflict` naming each reason, and nothing changes. At signing the billing
codes (CPT from the muscles needled as clinical/billing.py counts them, ICD-10-CM from the episode)
are frozen on the note.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from needlepoint.accounts.models import User
from needlepoint.audit import services as audit
from needlepoint.clinical.billing import cpt_codes
from needlepoint.clinical.needling import needle_count_problem
from needlepoint.errors import Conflict, InvalidInput
from needlepoint.visits.models import Addendum, Visit
from needlepoint.visits.services.common import (
    audit_row,
    check_version,
    display_name,
    draft_for_change,
    find_visit,
    needle_count,
    require_clinician,
)
from needlepoint.visits.services.insertions import muscles_needled, unconfirmed
from needlepoint.visits.services.notes import update_visit

MIN_ADDENDUM = 3


def _counts(opened: Any, removed: Any) -> tuple[int, int]:
    errors: dict[str, list[str]] = {}
    counts = needle_count(opened, "needles_opened", errors), needle_count(removed, "needles_removed", errors)
    if errors:
        raise InvalidInput(errors)
    return counts


def needles_logged(visit: Visit) -> int:
    """How many needles the needle log lists: the sum of its entries' ``needles_used`` (lots are
    boxes, not needles, and are not counted)."""
    return sum(entry.needles_used for entry in visit.insertions.all())


def signing_problems(visit: Visit, needles_opened: int | None = None, needles_removed: int | None = None) -> list[str]:
    """Why this note cannot be signed yet (empty: it can). Counts default to those stored."""
    if visit.is_signed:
        return ["The note is already signed."]
    problems = []
    opened = visit.needles_opened if needles_opened is None else needles_opened
    removed = visit.needles_removed if needles_removed is None else needles_removed
    if opened is None or removed is None:
        problems.append("Count the needles opened and the needles removed and disposed of.")
    else:
        logged = needles_logged(visit)
        problem = needle_count_problem(opened, removed, logged)
        if problem:
            problems.append(f"Needle count: {problem}")
    for entry in unconfirmed(visit):
        problems.append(
            f"The needle-log entry for {entry.muscle_id} ({entry.side}) was copied from the last visit: "
            "confirm it (the safety checks run) or remove it."
        )
    return problems


def record_needle_counts(actor: User, visit_id: Any, version: Any, needles_opened: Any, needles_removed: Any) -> Visit:
    """Keep the running needle counts on the draft. A mismatch is not refused here: signing
    refuses it, and ``signing_problems`` shows it."""
    _counts(needles_opened, needles_removed)
    return update_visit(
        actor, visit_id, version, {"needles_opened": needles_opened, "needles_removed": needles_removed}
    )


@transaction.atomic
def sign_visit(actor: User, visit_id: Any, version: Any, needles_opened: Any, needles_removed: Any) -> Visit:
    """Sign the note (clinicians). Refused with Conflict naming every reason; nothing is saved then."""
    visit = find_visit(actor, visit_id)
    require_clinician(actor, "sign treatment notes")
    visit = draft_for_change(actor, visit_id, version)
    opened, removed = _counts(needles_opened, needles_removed)
    problems = signing_problems(visit, opened, removed)
    if problems:
        raise Conflict("The note cannot be signed: " + " ".join(problems))
    now = timezone.now()
    visit.needles_opened, visit.needles_removed = opened, removed
    visit.cpt_codes = cpt_codes(muscles_needled(visit))
    visit.icd10_code = visit.episode.icd10_code
    visit.version += 1
    visit.updated_at = now
    visit.updated_by = actor
    visit.updated_by_name = display_name(actor)
    visit.status = Visit.Status.SIGNED
    visit.signed_at = now
    visit.signed_by = actor
    visit.signed_by_name = display_name(actor)
    visit.save()
    audit.record(
        audit.Action.UPDATE,
        visit,
        actor=actor,
        clinic_id=visit.clinic_id,
        before={"status": Visit.Status.DRAFT},
        after={
            "status": Visit.Status.SIGNED,
            "signed_at": now,
            "needles_opened": opened,
            "needles_removed": removed,
            "cpt_codes": visit.cpt_codes,
            "icd10_code": visit.icd10_code,
        },
    )
    return visit


@transaction.atomic
def add_addendum(actor: User, visit_id: Any, version: Any, text: str) -> Addendum:
    """A dated correction or addition to a signed note, by its author or a colleague (clinicians)."""
    visit = find_visit(actor, visit_id)
    require_clinician(actor, "add to a treatment note")
    visit = find_visit(actor, visit_id, lock=True)
    check_version(visit, version)
    if not visit.is_signed:
        raise Conflict("The note is still a draft: change it directly; addenda are for signed notes.")
    body = (text or "").strip() if isinstance(text, str) else ""
    if len(body) < MIN_ADDENDUM or len(body) > 20_000:
        raise InvalidInput({"text": [f"write the addendum ({MIN_ADDENDUM} to 20,000 characters)"]})
    addendum = Addendum.objects.create(visit=visit, text=body, author=actor, author_name=display_name(actor))
    audit_row(audit.Action.CREATE, addendum, actor, visit, after=audit.snapshot(addendum))
    return addendum
