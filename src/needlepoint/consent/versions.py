"""Consent form versions: clinic administrators draft, edit and publish; a published version never changes.

A minor version (1.0 -> 1.1) corrects wording and earlier consents still hold; a major version
(1.x -> 2.0) changes what patients agree to, so every patient signs again. Re-exported by
:mod:`needlepoint.consent.services`, the app's public surface.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from needlepoint.accounts.models import Clinic, Role, User
from needlepoint.audit import services as audit
from needlepoint.consent import content
from needlepoint.consent.models import ConsentForm, FormStatus
from needlepoint.errors import Conflict, Forbidden, InvalidInput, NotFound
from needlepoint.rowid import row_id

FORM_FIELDS = ("title", "body", "risk_ids", "electrical_stimulation_text")
MAX_TITLE = 200
MAX_BODY = 20_000
MAX_ESTIM = 5_000
Level = Literal["major", "minor"]


def _require_admin(actor: Any) -> None:
    if not (getattr(actor, "is_authenticated", False) and actor.clinic_id and actor.role == Role.CLINIC_ADMIN):
        raise Forbidden("Only clinic administrators can edit consent forms.")


def published_form(clinic_id: int) -> ConsentForm | None:
    """The version patients sign now."""
    return ConsentForm.objects.filter(clinic_id=clinic_id, status=FormStatus.PUBLISHED).first()


def latest_major_version(clinic_id: int) -> int | None:
    value = ConsentForm.objects.filter(clinic_id=clinic_id).issued().aggregate(m=Max("major"))["m"]
    return None if value is None else int(value)


def list_forms(actor: User) -> list[ConsentForm]:
    _require_admin(actor)
    return list(
        ConsentForm.objects.filter(clinic_id=actor.clinic_id).select_related("published_by", "created_by", "based_on")
    )


def find_form(actor: User, form_id: Any) -> ConsentForm:
    """A form of the actor's clinic, for its administrator; otherwise NotFound."""
    pk = row_id(form_id)
    if pk is None:
        raise NotFound("No such consent form.")
    form = (
        ConsentForm.objects.visible_to(actor)
        .filter(pk=pk)
        .select_related("published_by", "created_by", "based_on")
        .first()
    )
    if form is None or actor.role != Role.CLINIC_ADMIN:
        raise NotFound("No such consent form.")
    return form


def form_content(form: ConsentForm | None) -> dict[str, Any]:
    """Editable content of a form (or of the standard form when there is none)."""
    if form is None:
        return content.default_content()
    return {
        "title": form.title,
        "body": form.body,
        "risk_ids": [r["id"] for r in form.risks],
        "electrical_stimulation_text": form.electrical_stimulation_text,
    }


def starting_content(clinic_id: int) -> dict[str, Any]:
    """What a new draft starts from: the latest issued version, else the standard form."""
    latest = ConsentForm.objects.filter(clinic_id=clinic_id).issued().first()
    return form_content(latest)


def _clean_form(data: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    for key in data:
        if key not in FORM_FIELDS:
            errors[key] = ["unknown or read-only field"]
    title = str(data.get("title") or "").strip()
    body = str(data.get("body") or "").replace("\r\n", "\n").strip()
    estim = str(data.get("electrical_stimulation_text") or "").replace("\r\n", "\n").strip()
    raw_ids = data.get("risk_ids") or []
    risk_ids = [str(i) for i in raw_ids] if isinstance(raw_ids, list | tuple) else None
    if not title:
        errors["title"] = ["This field is required."]
    elif len(title) > MAX_TITLE:
        errors["title"] = [f"must be at most {MAX_TITLE} characters"]
    if not body:
        errors["body"] = ["This field is required."]
    elif len(body) > MAX_BODY:
        errors["body"] = [f"must be at most {MAX_BODY:,} characters"]
    if len(estim) > MAX_ESTIM:
        errors["electrical_stimulation_text"] = [f"must be at most {MAX_ESTIM:,} characters"]
    if risk_ids is None:
        errors["risk_ids"] = ["must be a list of adverse-effect ids"]
    elif not risk_ids:
        errors["risk_ids"] = ["Choose at least one risk to explain."]
    elif unknown := content.unknown_risk_ids(risk_ids):
        errors["risk_ids"] = [f"unknown adverse effect: {', '.join(sorted(unknown))}"]
    if errors:
        raise InvalidInput(errors)
    return {
        "title": title,
        "body": body,
        "risks": content.risks_for(risk_ids or []),
        "electrical_stimulation_text": estim,
    }


@transaction.atomic
def create_draft(actor: User, data: Mapping[str, Any] | None = None) -> ConsentForm:
    """A new draft; without data it copies the latest version (or the standard form)."""
    _require_admin(actor)
    clinic_id = actor.clinic_id
    assert clinic_id is not None
    based_on = ConsentForm.objects.filter(clinic_id=clinic_id).issued().first()
    cleaned = _clean_form(data if data is not None else starting_content(clinic_id))
    form = ConsentForm(clinic_id=clinic_id, based_on=based_on, created_by=actor, **cleaned)
    form.save()
    audit.record(audit.Action.CREATE, form, actor=actor, clinic_id=clinic_id, after=audit.snapshot(form))
    return form


def _locked_form(actor: User, form_id: Any) -> ConsentForm:
    form = find_form(actor, form_id)  # first: outsiders learn nothing
    return ConsentForm.objects.select_for_update().get(pk=form.pk)


@transaction.atomic
def update_draft(actor: User, form_id: Any, data: Mapping[str, Any]) -> ConsentForm:
    _require_admin(actor)
    form = _locked_form(actor, form_id)
    if not form.is_draft:
        raise Conflict(f"{form.version_label} is published and cannot be changed; start a new draft instead.")
    before = audit.snapshot(form)
    for key, value in _clean_form(data).items():
        setattr(form, key, value)
    old, new = audit.changed(before, audit.snapshot(form))
    old.pop("updated_at", None)
    new.pop("updated_at", None)
    if new:
        form.save()
        audit.record(audit.Action.UPDATE, form, actor=actor, clinic_id=form.clinic_id, before=old, after=new)
    return form


@transaction.atomic
def discard_draft(actor: User, form_id: Any) -> None:
    _require_admin(actor)
    form = _locked_form(actor, form_id)
    if not form.is_draft:
        raise Conflict(f"{form.version_label} is published and is kept; it cannot be discarded.")
    before = audit.snapshot(form)
    subject = audit.subject_of(form)
    form.delete()
    audit.record(audit.Action.DELETE, subject, actor=actor, clinic_id=actor.clinic_id, before=before)


def next_version(clinic_id: int, level: Level) -> tuple[int, int]:
    """1.0 first; a major bump is (n+1).0, a minor bump n.(m+1) of the highest major."""
    latest = ConsentForm.objects.filter(clinic_id=clinic_id).issued().order_by("-major", "-minor").first()
    if latest is None or latest.major is None or latest.minor is None:
        return 1, 0
    if level == "major":
        return latest.major + 1, 0
    return latest.major, latest.minor + 1


@transaction.atomic
def publish(actor: User, form_id: Any, level: str) -> ConsentForm:
    """Publish a draft as the next major or minor version; the version it replaces is retired.

    A major version means every earlier consent stops holding: each patient signs again.
    """
    _require_admin(actor)
    if level not in ("major", "minor"):
        raise InvalidInput({"level": ["choose 'major' or 'minor'"]})
    form = find_form(actor, form_id)
    clinic_id = form.clinic_id
    Clinic.objects.select_for_update().filter(pk=clinic_id).first()  # one publisher at a time
    form = ConsentForm.objects.select_for_update().get(pk=form.pk)
    if not form.is_draft:
        raise Conflict(f"{form.version_label} is already published.")
    _clean_form(form_content(form))  # a draft saved through the services is complete; check anyway
    now = timezone.now()
    current = published_form(clinic_id)
    if current is not None:
        current.status = FormStatus.RETIRED
        current.retired_at = now
        current.save(update_fields=["status", "retired_at"])
        audit.record(
            audit.Action.UPDATE,
            current,
            actor=actor,
            clinic_id=clinic_id,
            before={"status": FormStatus.PUBLISHED},
            after={"status": FormStatus.RETIRED, "retired_at": now},
        )
    form.major, form.minor = next_version(clinic_id, level)  # type: ignore[arg-type]
    form.status = FormStatus.PUBLISHED
    form.published_at = now
    form.published_by = actor
    form.save()
    audit.record(
        audit.Action.UPDATE,
        form,
        actor=actor,
        clinic_id=clinic_id,
        before={"status": FormStatus.DRAFT},
        after={"status": form.status, "version": form.version, "level": level, "published_at": now},
    )
    return form


@transaction.atomic
def ensure_default_form(clinic: Clinic) -> ConsentForm:
    """The clinic's published form; a clinic without one gets the standard form as version 1.0.

    Idempotent (for the demo and for new clinics). Published by the system, so no actor.
    """
    Clinic.objects.select_for_update().filter(pk=clinic.pk).first()
    current = published_form(clinic.pk)
    if current is not None:
        return current
    if ConsentForm.objects.filter(clinic_id=clinic.pk).issued().exists():  # pragma: no cover - never left so
        raise Conflict("The clinic has retired consent forms but none published.")
    cleaned = _clean_form(content.default_content())
    form = ConsentForm(clinic=clinic, major=1, minor=0, status=FormStatus.PUBLISHED, published_at=timezone.now())
    for key, value in cleaned.items():
        setattr(form, key, value)
    form.save()
    audit.record(audit.Action.CREATE, form, clinic_id=clinic.pk, after=audit.snapshot(form))
    return form
