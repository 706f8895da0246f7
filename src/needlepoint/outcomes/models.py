"""Outcome measures over an episode of care: measurements, questionnaire responses, invitations.

Scoring, thresholds and labels are decided in :mod:`needlepoint.clinical.outcomes`; these rows
keep what was measured or answered, and the score as computed when it was stored (with the
questionnaire's version), so a later change to the data never rewrites a past result.

Rows are never edited: a wrong entry is marked "entered in error" with a reason (and left out of
charts and labels), and the right value is entered as a new row.
"""

from __future__ import annotations

import uuid

from django.db import models

from needlepoint.accounts.models import Clinic, User
from needlepoint.patients.models import Patient
from needlepoint.patients.scoping import PatientScopedQuerySet
from needlepoint.visits.models import Episode, Visit


class Timepoint(models.TextChoices):
    BASELINE = "baseline", "Baseline"
    VISIT_PRE = "visit_pre", "Visit, before treatment"
    VISIT_POST = "visit_post", "Visit, after treatment"
    DISCHARGE = "discharge", "Discharge"
    WEEK_6 = "week_6", "6 weeks after discharge"
    MONTH_3 = "month_3", "3 months after discharge"
    MONTH_6 = "month_6", "6 months after discharge"
    MONTH_12 = "month_12", "12 months after discharge"


class Side(models.TextChoices):
    LEFT = "left", "Left"
    RIGHT = "right", "Right"


class OutcomeQuerySet(PatientScopedQuerySet):
    def in_use(self) -> OutcomeQuerySet:
        return self.filter(entered_in_error=False)


class Measurement(models.Model):
    """One measured value: pain (NPRS, VAS), range of motion, pressure pain threshold, grip."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+", editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="measurements", editable=False)
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="measurements")
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, null=True, blank=True, related_name="measurements")
    measure = models.CharField(max_length=30, help_text="A measure id from knowledge/data/measures.yaml")
    timepoint = models.CharField(max_length=12, choices=Timepoint.choices)
    taken_on = models.DateField()
    value = models.DecimalField(max_digits=7, decimal_places=2)
    unit = models.CharField(max_length=20)
    # Where and what: ROM needs joint + movement (+ side); PPT a site (+ side); grip a side.
    joint = models.CharField(max_length=40, blank=True)
    movement = models.CharField(max_length=40, blank=True)
    site = models.CharField(max_length=80, blank=True, help_text="PPT site: a muscle or region")
    side = models.CharField(max_length=5, choices=Side.choices, blank=True)
    notes = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    entered_in_error = models.BooleanField(default=False)
    error_reason = models.CharField(max_length=300, blank=True)

    objects = OutcomeQuerySet.as_manager()

    class Meta:
        ordering = ["taken_on", "recorded_at"]
        indexes = [models.Index(fields=["episode", "measure", "taken_on"])]

    def __str__(self) -> str:
        return f"{self.measure} {self.value} {self.unit} on {self.taken_on:%Y-%m-%d}"

    @property
    def series_key(self) -> tuple[str, str, str, str, str]:
        """Values are compared only within one series: same measure, joint, movement, site, side."""
        return (self.measure, self.joint, self.movement, self.site, self.side)


class QuestionnaireResponse(models.Model):
    """A completed questionnaire: item-level answers and the score computed from them."""

    class Source(models.TextChoices):
        CLINIC = "clinic", "At the clinic"
        PORTAL = "portal", "In the patient portal"
        LINK = "link", "From an e-mailed link"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+", editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="questionnaire_responses")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="questionnaire_responses")
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    questionnaire = models.CharField(max_length=30, help_text="A questionnaire id, e.g. ndi")
    questionnaire_version = models.CharField(max_length=10)
    timepoint = models.CharField(max_length=12, choices=Timepoint.choices)
    completed_on = models.DateField()
    answers = models.JSONField(help_text="Item id -> answer, exactly as given")
    score = models.DecimalField(
        max_digits=6, decimal_places=2, null=True, blank=True, help_text="On the instrument's reporting scale"
    )
    subscales = models.JSONField(default=dict, blank=True)
    answered = models.PositiveSmallIntegerField()
    missing = models.PositiveSmallIntegerField()
    scorable = models.BooleanField(help_text="False when too many items are missing to score")
    not_scored_reason = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    entered_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", help_text="None: the patient"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    entered_in_error = models.BooleanField(default=False)
    error_reason = models.CharField(max_length=300, blank=True)

    objects = OutcomeQuerySet.as_manager()

    class Meta:
        ordering = ["completed_on", "submitted_at"]
        indexes = [models.Index(fields=["episode", "questionnaire", "completed_on"])]

    def __str__(self) -> str:
        return f"{self.questionnaire} v{self.questionnaire_version} on {self.completed_on:%Y-%m-%d}"


class InvitationQuerySet(PatientScopedQuerySet):
    pass


class QuestionnaireInvitation(models.Model):
    """An invitation to answer one questionnaire, sent by e-mail with a one-time link.

    Only a hash of the link's token is stored; the token itself exists in the e-mail alone. The
    link opens this one questionnaire, once, until ``expires_at``.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+", editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="questionnaire_invitations")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="questionnaire_invitations")
    questionnaire = models.CharField(max_length=30)
    timepoint = models.CharField(max_length=12, choices=Timepoint.choices)
    due_at = models.DateTimeField(help_text="When the e-mail goes out")
    expires_at = models.DateTimeField()
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    response = models.OneToOneField(
        QuestionnaireResponse, on_delete=models.PROTECT, null=True, blank=True, related_name="invitation"
    )
    used_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["due_at"]
        indexes = [models.Index(fields=["episode", "due_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("due_at")), name="invitation_expires_after_due"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} ({self.get_timepoint_display()}) due {self.due_at:%Y-%m-%d}"
