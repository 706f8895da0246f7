"""Informed consent: the clinic's versioned consent form and each patient's signed consent.

A published form never changes: the model refuses it here and database triggers refuse it in SQL
(migration 0002). A signed consent never changes either, except that it can be withdrawn once.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models

from needlepoint.accounts.models import Clinic, Role, User
from needlepoint.patients.models import Patient
from needlepoint.patients.scoping import PatientScopedQuerySet

STAFF_ROLES = (Role.CLINIC_ADMIN, Role.CLINICIAN, Role.FRONT_DESK)


class ImmutableError(RuntimeError):
    """A published consent form or a signed consent was about to be changed."""


def _role(user: Any) -> str | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.clinic_id is None:
        return None
    return str(user.role)


class FormStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Replaced"


class ConsentFormQuerySet(models.QuerySet["ConsentForm"]):
    def visible_to(self, user: Any) -> ConsentFormQuerySet:
        """Staff see their clinic's forms; a patient sees the clinic's published and past forms."""
        role = _role(user)
        if role in STAFF_ROLES:
            return self.filter(clinic_id=user.clinic_id)
        if role == Role.PATIENT:
            return self.filter(clinic_id=user.clinic_id).exclude(status=FormStatus.DRAFT)
        return self.none()

    def issued(self) -> ConsentFormQuerySet:
        """Forms that were ever published (the current one and those it replaced)."""
        return self.exclude(status=FormStatus.DRAFT)


class ConsentForm(models.Model):
    """One version of a clinic's consent form. Drafts get their number when published."""

    #: Columns frozen once a form is published (the SQL trigger guards the same list).
    CONTENT_FIELDS = ("clinic_id", "major", "minor", "title", "body", "risks", "electrical_stimulation_text")

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="consent_forms", editable=False)
    major = models.PositiveIntegerField(null=True, blank=True, editable=False)
    minor = models.PositiveIntegerField(null=True, blank=True, editable=False)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Plain text; a blank line starts a new paragraph.")
    risks = models.JSONField(
        default=list,
        blank=True,
        help_text="Snapshot of the chosen adverse effects from the knowledge base (see services.risk_snapshot).",
    )
    electrical_stimulation_text = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=FormStatus.choices, default=FormStatus.DRAFT, editable=False)
    based_on = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    retired_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ConsentFormQuerySet.as_manager()

    class Meta:
        ordering = ["-major", "-minor", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "major", "minor"],
                condition=models.Q(major__isnull=False),
                name="consent_form_version_unique_in_clinic",
            ),
            models.UniqueConstraint(
                fields=["clinic"],
                condition=models.Q(status="published"),
                name="one_published_consent_form_per_clinic",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(major__isnull=False, minor__isnull=False),
                name="published_consent_form_has_a_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.version_label})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and self.pk is not None:
            self._refuse_changes_once_published(kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def _refuse_changes_once_published(self, update_fields: Any) -> None:
        stored = type(self).objects.filter(pk=self.pk).values(*self.CONTENT_FIELDS, "status", "retired_at").first()
        if stored is None or stored["status"] == FormStatus.DRAFT:
            return
        fields = (
            self.CONTENT_FIELDS if update_fields is None else [f for f in self.CONTENT_FIELDS if f in update_fields]
        )
        changed = [f for f in fields if getattr(self, f) != stored[f]]
        retiring = stored["status"] == FormStatus.PUBLISHED and self.status == FormStatus.RETIRED
        if self.status != stored["status"] and not retiring:
            changed.append("status")
        if stored["status"] == FormStatus.RETIRED and self.retired_at != stored["retired_at"]:
            changed.append("retired_at")
        if changed:
            raise ImmutableError(f"a published consent form cannot be changed ({', '.join(changed)})")

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.status != FormStatus.DRAFT:
            raise ImmutableError("a published consent form cannot be deleted")
        return super().delete(*args, **kwargs)

    @property
    def version(self) -> str:
        return "" if self.major is None else f"{self.major}.{self.minor}"

    @property
    def version_label(self) -> str:
        return f"Version {self.version}" if self.major is not None else "Draft"

    @property
    def is_draft(self) -> bool:
        return self.status == FormStatus.DRAFT

    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.replace("\r\n", "\n").split("\n\n") if p.strip()]

    def estim_paragraphs(self) -> list[str]:
        text = self.electrical_stimulation_text.replace("\r\n", "\n")
        return [p.strip() for p in text.split("\n\n") if p.strip()]


class SigningMethod(models.TextChoices):
    PORTAL = "portal", "Patient portal"
    TABLET = "tablet", "Clinic tablet (witnessed)"


class ConsentRecordQuerySet(PatientScopedQuerySet):
    """Staff see their clinic's consents; a patient sees only their own."""


class ConsentRecord(models.Model):
    """A patient's signature on one version of the consent form, with the PDF made at signing."""

    #: Columns frozen once signed (the SQL trigger guards the same list).
    SIGNED_FIELDS = (
        "clinic_id",
        "patient_id",
        "form_id",
        "typed_name",
        "signature_png",
        "signed_at",
        "method",
        "witness_name",
    )

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+", editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="consent_records", editable=False)
    form = models.ForeignKey(ConsentForm, on_delete=models.PROTECT, related_name="records", editable=False)
    typed_name = models.CharField(max_length=200)
    signature_png = models.BinaryField(
        null=True, blank=True, help_text="The drawn signature (PNG); empty when the typed name is the signature."
    )
    signed_at = models.DateTimeField(db_index=True)
    method = models.CharField(max_length=10, choices=SigningMethod.choices)
    signed_by_user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", help_text="The portal login used."
    )
    witness = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    witness_name = models.CharField(max_length=200, blank=True, help_text="Snapshot: the PDF shows this name.")
    pdf = models.BinaryField(default=b"", help_text="The signed copy, generated at signing and kept.")
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    withdrawn_recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = ConsentRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_at", "-id"]
        indexes = [models.Index(fields=["patient", "-signed_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(method="tablet") | ~models.Q(witness_name=""),
                name="tablet_consent_has_a_witness",
            ),
        ]

    def __str__(self) -> str:
        return f"Consent #{self.pk} of {self.typed_name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values(*self.SIGNED_FIELDS, "withdrawn_at", "pdf").first()
            if stored is not None:
                changed = [f for f in self.SIGNED_FIELDS if _differs(getattr(self, f), stored[f])]
                if stored["withdrawn_at"] is not None and self.withdrawn_at != stored["withdrawn_at"]:
                    changed.append("withdrawn_at")
                if bytes(stored["pdf"] or b"") and _differs(self.pdf, stored["pdf"]):
                    changed.append("pdf")
                if changed:
                    raise ImmutableError(f"a signed consent cannot be changed ({', '.join(changed)})")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ImmutableError("a signed consent is kept; withdraw it instead")

    @property
    def has_drawn_signature(self) -> bool:
        return bool(self.signature_png)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


def _differs(a: Any, b: Any) -> bool:
    if isinstance(a, memoryview | bytearray):
        a = bytes(a)
    if isinstance(b, memoryview | bytearray):
        b = bytes(b)
    return bool(a != b)
