"""Consent use cases: every call checks who asks, runs in one transaction and is audited.

Forms (drafting, publishing, the standard form) live in :mod:`needlepoint.consent.versions` and
are re-exported here. Signing: a patient signs in the portal, or on a clinic tablet with a staff
member as witness; the PDF is made at once and kept with the record. Whether consent holds is
decided in :mod:`needlepoint.clinical.readiness` (withdrawn, or a newer major version published).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from dataclasses import dataclass
from typing import Any, Literal

from django.db import transaction
from django.utils import timezone

from needlepoint.accounts.models import Role, User
from needlepoint.audit import services as audit
from needlepoint.clinical.readiness import ConsentState, consent_problem
from needlepoint.consent.models import STAFF_ROLES, ConsentForm, ConsentRecord, SigningMethod
from needlepoint.consent.pdf import render_consent_pdf
from needlepoint.consent.signature import SignatureError, decode_data_url
from needlepoint.consent.versions import (
    create_draft,
    discard_draft,
    ensure_default_form,
    find_form,
    form_content,
    latest_major_version,
    list_forms,
    next_version,
    publish,
    published_form,
    starting_content,
    update_draft,
)
from needlepoint.errors import Conflict, Forbidden, InvalidInput, NotFound
from needlepoint.patients.models import Patient
from needlepoint.patients.services import find_patient
from needlepoint.rowid import row_id

__all__ = [
    "ConsentSummary",
    "consent_history",
    "consent_state",
    "consent_summary",
    "create_draft",
    "current_consent",
    "discard_draft",
    "ensure_default_form",
    "find_form",
    "find_record",
    "form_content",
    "latest_major_version",
    "latest_record",
    "list_forms",
    "next_version",
    "open_pdf",
    "pdf_filename",
    "publish",
    "published_form",
    "sign",
    "starting_content",
    "update_draft",
    "withdraw",
]

MAX_REASON = 1_000


def _is_staff(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and actor.clinic_id and actor.role in STAFF_ROLES)


# --- signing and withdrawing ------------------------------------------------------------


def normalise_name(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def _record_facts(record: ConsentRecord) -> dict[str, Any]:
    """What the audit keeps of a signed consent (hashes of the images, not the images)."""
    facts = {k: v for k, v in audit.snapshot(record).items() if k not in ("signature_png", "pdf")}
    facts["form_version"] = record.form.version
    facts["signature"] = hashlib.sha256(bytes(record.signature_png)).hexdigest() if record.signature_png else None
    return facts


@transaction.atomic
def sign(
    actor: User,
    patient_id: Any,
    *,
    form_id: Any,
    typed_name: str,
    signature_data_url: str = "",
    typed_name_is_signature: bool = False,
    confirmed: bool = False,
) -> ConsentRecord:
    """Record a patient's consent to the clinic's current form and keep its PDF.

    A patient signs for themselves in the portal; a staff member signing in ``patient_id`` on a
    clinic tablet is recorded as the witness. ``form_id`` is the version the patient read: if the
    clinic published another one meanwhile, nothing is signed and the new one must be read.
    """
    patient = find_patient(actor, patient_id)  # first: outsiders learn nothing
    if actor.role == Role.PATIENT:
        method, witness, signed_by = SigningMethod.PORTAL, None, actor
    elif _is_staff(actor):
        method, witness, signed_by = SigningMethod.TABLET, actor, None
    else:  # pragma: no cover - find_patient already refused
        raise Forbidden("Only the patient or clinic staff can record consent.")
    form = published_form(patient.clinic_id)
    if form is None:
        raise Conflict("The clinic has not published a consent form yet.")
    errors: dict[str, list[str]] = {}
    if str(form_id) != str(form.pk):
        errors["form_id"] = [
            f"The clinic published {form.version_label.lower()} of the form while this page was open: "
            "please read it and sign again."
        ]
    name = " ".join(str(typed_name or "").split())
    if not name:
        errors["typed_name"] = ["Type your full name."]
    elif normalise_name(name) != normalise_name(patient.full_name):
        errors["typed_name"] = [f"The name must match the name on the record: {patient.full_name}."]
    png: bytes | None = None
    if signature_data_url and signature_data_url.strip():
        try:
            png = decode_data_url(signature_data_url)
        except SignatureError as exc:
            errors["signature"] = [str(exc)]
    elif not typed_name_is_signature:
        errors["signature"] = [
            "Draw your signature in the box, or tick “I cannot draw a signature; my typed name is my signature”."
        ]
    if not confirmed:
        errors["confirmed"] = ["Tick the box to confirm that you have read the form and agree."]
    if errors:
        raise InvalidInput(errors)
    record = ConsentRecord.objects.create(
        clinic_id=patient.clinic_id,
        patient=patient,
        form=form,
        typed_name=name,
        signature_png=png,
        signed_at=timezone.now(),
        method=method,
        signed_by_user=signed_by,
        witness=witness,
        witness_name=witness.display_name if witness else "",
    )
    record.pdf = render_consent_pdf(record)
    record.pdf_sha256 = hashlib.sha256(record.pdf).hexdigest()
    record.save(update_fields=["pdf", "pdf_sha256"])
    audit.record(audit.Action.CREATE, record, actor=actor, clinic_id=record.clinic_id, after=_record_facts(record))
    return record


def _find_record(actor: User, record_id: Any, patient_id: Any = None) -> ConsentRecord:
    pk = row_id(record_id)
    if pk is None:
        raise NotFound("No such consent.")
    qs = ConsentRecord.objects.visible_to(actor).select_related("form", "patient", "clinic", "witness")
    if patient_id is not None:
        qs = qs.filter(patient_id=patient_id)
    record = qs.filter(pk=pk).first()
    if record is None:
        raise NotFound("No such consent.")
    return record


def find_record(actor: User, record_id: Any, *, patient_id: Any = None) -> ConsentRecord:
    """A consent the actor may see (not audited: for confirm pages that show only its date)."""
    return _find_record(actor, record_id, patient_id)


@transaction.atomic
def withdraw(actor: User, record_id: Any, *, reason: str = "", patient_id: Any = None) -> ConsentRecord:
    """Withdraw a patient's current consent. Staff recording it for the patient must give a reason."""
    record = _find_record(actor, record_id, patient_id)
    record = ConsentRecord.objects.select_for_update().select_related("form").get(pk=record.pk)
    reason = str(reason or "").replace("\r\n", "\n").strip()
    if _is_staff(actor) and not reason:
        raise InvalidInput({"reason": ["Say why, and how the patient told you (for example: by phone today)."]})
    if len(reason) > MAX_REASON:
        raise InvalidInput({"reason": [f"must be at most {MAX_REASON:,} characters"]})
    if record.withdrawn_at is not None:
        raise Conflict("This consent was already withdrawn.")
    latest = ConsentRecord.objects.filter(patient_id=record.patient_id).order_by("-signed_at", "-id").first()
    if latest is not None and latest.pk != record.pk:
        raise Conflict("A later consent replaced this one; withdraw the latest consent instead.")
    record.withdrawn_at = timezone.now()
    record.withdrawn_reason = reason
    record.withdrawn_recorded_by = actor
    record.save(update_fields=["withdrawn_at", "withdrawn_reason", "withdrawn_recorded_by"])
    audit.record(
        audit.Action.UPDATE,
        record,
        actor=actor,
        clinic_id=record.clinic_id,
        before={"withdrawn_at": None},
        after={"withdrawn_at": record.withdrawn_at, "withdrawn_reason": reason, "recorded_by": actor.pk},
    )
    return record


# --- reading ----------------------------------------------------------------------------


@transaction.atomic
def consent_history(actor: User, patient_id: Any) -> tuple[Patient, list[ConsentRecord]]:
    """A patient's consents, newest first. Each record shown is an audited read."""
    patient = find_patient(actor, patient_id)
    records = list(
        ConsentRecord.objects.visible_to(actor)
        .filter(patient=patient)
        .select_related("form", "witness", "withdrawn_recorded_by")
        .defer("pdf", "signature_png")
    )
    for record in records:
        audit.record(audit.Action.READ, record, actor=actor, clinic_id=record.clinic_id)
    return patient, records


@transaction.atomic
def open_pdf(actor: User, record_id: Any, *, patient_id: Any = None) -> ConsentRecord:
    """The signed copy, for the patient or their clinic's staff. Audited."""
    record = _find_record(actor, record_id, patient_id)
    subject = audit.Subject(
        object_type="consent.consentrecord",
        object_id=str(record.pk),
        object_repr=f"Consent PDF #{record.pk} of {record.typed_name}"[:200],
        patient_id=str(record.patient_id),
    )
    audit.record(audit.Action.READ, subject, actor=actor, clinic_id=record.clinic_id, after={"document": "pdf"})
    return record


def pdf_filename(record: ConsentRecord) -> str:
    return f"consent-{record.patient.chart_number}-v{record.form.version}-{record.pk}.pdf"


# --- does consent hold? -----------------------------------------------------------------


def latest_record(patient: Patient) -> ConsentRecord | None:
    """The patient's most recent signature: it alone says whether they consent now."""
    return (
        ConsentRecord.objects.filter(patient_id=patient.pk)
        .select_related("form")
        .defer("pdf", "signature_png")
        .order_by("-signed_at", "-id")
        .first()
    )


def _state(record: ConsentRecord, latest_major: int | None) -> ConsentState:
    form_major = int(record.form.major or 0)
    return ConsentState(
        signed_at=record.signed_at,
        form_major_version=form_major,
        latest_major_version=max(form_major, latest_major or 0),
        withdrawn_at=record.withdrawn_at,
    )


def consent_state(patient: Patient) -> ConsentState | None:
    """The patient's consent as the readiness rules see it (None: never signed)."""
    record = latest_record(patient)
    if record is None:
        return None
    return _state(record, latest_major_version(patient.clinic_id))


def current_consent(patient: Patient, now: dt.datetime | None = None) -> ConsentRecord | None:
    """The consent that holds now, or None (never signed, withdrawn, or a new major version)."""
    record = latest_record(patient)
    if record is None:
        return None
    state = _state(record, latest_major_version(patient.clinic_id))
    return record if state.is_current(now or timezone.now()) else None


@dataclass(frozen=True)
class ConsentSummary:
    """What the cards and pages say about a patient's consent."""

    status: Literal["current", "withdrawn", "outdated", "none"]
    record: ConsentRecord | None
    form: ConsentForm | None  # the version patients sign now
    problem: str | None

    @property
    def is_current(self) -> bool:
        return self.status == "current"


def consent_summary(patient: Patient, now: dt.datetime | None = None) -> ConsentSummary:
    now = now or timezone.now()
    record = latest_record(patient)
    form = published_form(patient.clinic_id)
    if record is None:
        return ConsentSummary("none", None, form, consent_problem(None, now))
    state = _state(record, latest_major_version(patient.clinic_id))
    problem = consent_problem(state, now)
    if state.is_current(now):
        status: Literal["current", "withdrawn", "outdated", "none"] = "current"
    elif record.withdrawn_at is not None:
        status = "withdrawn"
    else:
        status = "outdated"
    return ConsentSummary(status, record, form, problem)
