"""Episodes of care and treatment notes (visits) with their assessment and needle log.

A visit is a draft until a clinician signs it. A signed visit and its rows (pain drawing,
trigger-point findings, needle log, co-interventions) never change: the models refuse it here and
database triggers (migration 0002, :mod:`needlepoint.visits.triggers`) refuse it in SQL, for
UPDATE, DELETE and new rows alike. Adverse events may still be added to a signed visit (they are
often reported later, and a serious one must reach the clinic at once), but once there they never
change. Corrections are addenda, which never change either.

Every change to a draft increments ``Visit.version``: writers pass the version they saw, and a
stale one is refused (see services), so two people editing one draft never overwrite each other.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any, NoReturn

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from needlepoint.accounts.models import Clinic, Role, User
from needlepoint.patients.models import Patient
from needlepoint.visits.adverse import AdverseEventKind, Severity

STAFF_ROLES = (Role.CLINIC_ADMIN, Role.CLINICIAN, Role.FRONT_DESK)
NPRS = [MinValueValidator(0), MaxValueValidator(10)]
#: Needles one needle-log entry (one muscle and side) may record.
MAX_NEEDLES_PER_ENTRY = 50


def _between(low: str, high: str) -> list[Any]:
    return [MinValueValidator(Decimal(low)), MaxValueValidator(Decimal(high))]


class ImmutableError(RuntimeError):
    """A signed note (or a row of it, an adverse event, an addendum) was about to change."""


def _staff_clinic(user: Any) -> int | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.clinic_id is None:
        return None
    return int(user.clinic_id) if user.role in STAFF_ROLES else None


class Side(models.TextChoices):
    LEFT = "left", "Left"
    RIGHT = "right", "Right"


class CoTreatment(models.TextChoices):
    EXERCISE = "exercise", "Exercise"
    MASSAGE = "massage", "Massage"
    MANUAL_THERAPY = "manual_therapy", "Manual therapy"
    CHIROPRACTIC_CARE = "chiropractic_care", "Chiropractic care"
    STRETCHING = "stretching", "Stretching"


# --- episodes -----------------------------------------------------------------------------


class EpisodeQuerySet(models.QuerySet["Episode"]):
    def visible_to(self, user: Any) -> EpisodeQuerySet:
        """Staff see their clinic's episodes; patients and outsiders see none."""
        clinic_id = _staff_clinic(user)
        return self.none() if clinic_id is None else self.filter(clinic_id=clinic_id)


class DischargeReason(models.TextChoices):
    GOALS_MET = "goals-met", "Goals met"
    PLATEAU = "plateau", "Progress has levelled off"
    PATIENT_CHOICE = "patient-choice", "Patient chose to stop"
    STOPPED_ATTENDING = "stopped-attending", "Stopped attending"
    REFERRED = "referred", "Referred on"
    OTHER = "other", "Other"


class Episode(models.Model):
    """An episode of care: one condition treated over a planned course of visits."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+", editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="episodes", editable=False)
    condition_id = models.CharField(max_length=60, help_text="A condition id from the atlas")
    icd10_code = models.CharField(max_length=10, help_text="ICD-10-CM code, one of the condition's")
    regions = models.JSONField(default=list, blank=True, help_text='[{"region": code, "side": "left"|"right"|null}]')
    goals = models.TextField(blank=True)
    planned_sessions = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(52)])
    interval_weeks = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(2)], help_text="Weekly by default; 1-2 weeks"
    )
    co_treatments = models.JSONField(default=list, blank=True, help_text="CoTreatment values")
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    discharge_reason = models.CharField(max_length=20, choices=DischargeReason.choices, blank=True)
    discharge_summary = models.TextField(blank=True)
    discharged_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EpisodeQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-created_at"]
        indexes = [models.Index(fields=["patient", "-opened_on"])]

    def __str__(self) -> str:
        return f"Episode {self.condition_id} ({self.icd10_code}) from {self.opened_on:%Y-%m-%d}"


# --- visits -------------------------------------------------------------------------------


class VisitQuerySet(models.QuerySet["Visit"]):
    def visible_to(self, user: Any) -> VisitQuerySet:
        """Staff see their clinic's notes; patients and outsiders see none."""
        clinic_id = _staff_clinic(user)
        return self.none() if clinic_id is None else self.filter(clinic_id=clinic_id)


class Visit(models.Model):
    """One treatment note. ``version`` goes up by one with every change to the draft."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SIGNED = "signed", "Signed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+", editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="visits", editable=False)
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="visits", editable=False)
    clinician = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", help_text="Who treats")
    visit_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    notes = models.TextField(blank=True)
    pain_before = models.PositiveSmallIntegerField(null=True, blank=True, validators=NPRS, help_text="NPRS 0-10")
    pain_after = models.PositiveSmallIntegerField(null=True, blank=True, validators=NPRS, help_text="NPRS 0-10")
    needles_opened = models.PositiveSmallIntegerField(null=True, blank=True)
    needles_removed = models.PositiveSmallIntegerField(null=True, blank=True)
    copied_from = models.UUIDField(null=True, blank=True, editable=False, help_text="The visit copied forward")
    icd10_code = models.CharField(max_length=10, blank=True, editable=False, help_text="Frozen at signing")
    cpt_codes = models.JSONField(default=list, blank=True, editable=False, help_text="Frozen at signing")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(editable=False)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", editable=False)
    updated_by_name = models.CharField(max_length=200, editable=False)
    signed_at = models.DateTimeField(null=True, blank=True, editable=False)
    signed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    signed_by_name = models.CharField(max_length=200, blank=True, editable=False)

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["-visit_date", "-created_at"]
        indexes = [models.Index(fields=["episode", "-visit_date"]), models.Index(fields=["patient", "-visit_date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(signed_at__isnull=False, signed_by__isnull=False),
                name="signed_visit_has_signer",
            ),
        ]

    def __str__(self) -> str:
        return f"Visit {self.visit_date:%Y-%m-%d} ({self.get_status_display().lower()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and type(self).objects.filter(pk=self.pk, status=self.Status.SIGNED).exists():
            raise ImmutableError("a signed note cannot be changed; add an addendum")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if type(self).objects.filter(pk=self.pk, status=self.Status.SIGNED).exists():
            raise ImmutableError("a signed note cannot be deleted")
        return super().delete(*args, **kwargs)

    @property
    def is_signed(self) -> bool:
        return self.status == self.Status.SIGNED


class NoteRow(models.Model):
    """A row of a note: frozen with the note once it is signed."""

    visit: models.ForeignKey[Visit, Visit]

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._visit_signed():
            raise ImmutableError("a signed note cannot be changed; add an addendum")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self._visit_signed():
            raise ImmutableError("a signed note cannot be changed; add an addendum")
        return super().delete(*args, **kwargs)

    def _visit_signed(self) -> bool:
        return Visit.objects.filter(pk=self.visit_id, status=Visit.Status.SIGNED).exists()


class PainMark(NoteRow):
    """One area of the pain drawing on the body map."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="pain_marks")
    region = models.CharField(max_length=60)
    # NULL, not "": the body-region contract gives midline regions no side (null).
    side = models.CharField(  # noqa: DJ001
        max_length=5, choices=Side.choices, null=True, blank=True, help_text="None: midline"
    )
    intensity = models.PositiveSmallIntegerField(validators=NPRS)

    class Meta:
        ordering = ["region", "side"]

    def __str__(self) -> str:
        return f"{self.region} {self.side or 'midline'}: {self.intensity}/10"


class TriggerPointFinding(NoteRow):
    """What palpation found in one muscle on one side."""

    class Activity(models.TextChoices):
        ACTIVE = "active", "Active"
        LATENT = "latent", "Latent"

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="findings")
    muscle_id = models.CharField(max_length=60)
    side = models.CharField(max_length=5, choices=Side.choices)
    activity = models.CharField(max_length=6, choices=Activity.choices)
    taut_band = models.BooleanField(default=False)
    tender_nodule = models.BooleanField(default=False)
    referred_pain = models.BooleanField(default=False, help_text="Referred pain reproduced")
    local_twitch_response = models.BooleanField(default=False, help_text="Local twitch response on palpation")
    notes = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "muscle_id", "side"], name="one_finding_per_muscle_side"),
        ]

    def __str__(self) -> str:
        return f"{self.muscle_id} {self.side}: {self.activity}"


class NeedleInsertion(NoteRow):
    """One needle-log entry: a muscle and side, how it was needled, and the safety checks passed."""

    class Technique(models.TextChoices):
        SUPERFICIAL = "superficial", "Superficial (10 mm or less)"
        DEEP = "deep", "Deep"

    class Manipulation(models.TextChoices):
        STATIC = "static", "Static"
        PISTONING = "pistoning", "Pistoning"
        ROTATION = "rotation", "Rotation"

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="insertions")
    muscle_id = models.CharField(max_length=60)
    side = models.CharField(max_length=5, choices=Side.choices)
    technique = models.CharField(max_length=12, choices=Technique.choices)
    needle_diameter_mm = models.DecimalField(max_digits=4, decimal_places=2, validators=_between("0.10", "0.50"))
    needle_length_mm = models.DecimalField(max_digits=5, decimal_places=1, validators=_between("5", "150"))
    depth_mm = models.DecimalField(
        max_digits=5, decimal_places=1, null=True, blank=True, validators=_between("0.5", "150")
    )
    approach = models.CharField(max_length=300, blank=True, help_text="Approach and direction")
    manipulation = models.CharField(max_length=10, choices=Manipulation.choices)
    ltr_count = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(200)], help_text="Local twitch responses"
    )
    retention_seconds = models.PositiveIntegerField(null=True, blank=True, validators=[MaxValueValidator(3600)])
    electrical_stimulation = models.BooleanField(default=False)
    estim_frequency_hz = models.DecimalField(
        max_digits=6, decimal_places=1, null=True, blank=True, validators=_between("0.5", "1000")
    )
    estim_pulse_width_us = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(10), MaxValueValidator(2000)]
    )
    estim_intensity_ma = models.DecimalField(
        max_digits=5, decimal_places=1, null=True, blank=True, validators=_between("0.1", "100")
    )
    estim_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    needles_used = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_NEEDLES_PER_ENTRY)],
        help_text="How many needles were used in this muscle and side (each sterile, used once)",
    )
    needle_lots = models.JSONField(
        default=list,
        blank=True,
        help_text="The distinct lot numbers of the boxes this entry's needles came from (a lot is a box, not a needle)",
    )
    ultrasound_guided = models.BooleanField(default=False)
    acknowledgements = models.JSONField(
        default=list, blank=True, help_text="Warnings acknowledged: [{code, message, source, by, by_name, at}]"
    )
    checked_at = models.DateTimeField(
        null=True, blank=True, help_text="When the safety checks passed; empty for an entry copied forward"
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "muscle_id", "side"], name="one_insertion_per_muscle_side"),
        ]

    def __str__(self) -> str:
        return f"{self.muscle_id} {self.side} ({self.technique})"


class CoIntervention(NoteRow):
    """Other treatment given in the same visit."""

    class Kind(models.TextChoices):
        EXERCISE = "exercise", "Exercise"
        MASSAGE = "massage", "Massage"
        MANUAL_THERAPY = "manual_therapy", "Manual therapy"
        CHIROPRACTIC_CARE = "chiropractic_care", "Chiropractic care"
        STRETCHING = "stretching", "Stretching"
        HEAT_OR_COLD = "heat_or_cold", "Heat or cold"
        EDUCATION = "education", "Education and advice"
        OTHER = "other", "Other"

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="co_interventions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    details = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.get_kind_display()


class AdverseEvent(models.Model):
    """Something that went wrong during or after the visit. Recorded once, never changed."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="adverse_events")
    kind = models.CharField(max_length=30, choices=AdverseEventKind.choices)
    description = models.CharField(max_length=1000, blank=True)
    severity = models.CharField(max_length=12, choices=Severity.choices)
    action_taken = models.TextField(blank=True)
    follow_up_due = models.DateField(null=True, blank=True)
    occurred_on = models.DateField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_by_name = models.CharField(max_length=200)
    recorded_at = models.DateTimeField(auto_now_add=True)
    admin_alerted_at = models.DateTimeField(null=True, blank=True, help_text="When the clinic admins were e-mailed")
    admin_alert_recipients = models.JSONField(default=list, blank=True)
    admin_alert_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.severity})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableError("an adverse event is recorded once; record a new one")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ImmutableError("an adverse event is kept")


class Addendum(models.Model):
    """A dated correction or addition to a signed note, by its author or a colleague."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField()
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    author_name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "addenda"

    def __str__(self) -> str:
        return f"Addendum by {self.author_name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableError("an addendum cannot be changed; add another")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ImmutableError("an addendum is kept")
