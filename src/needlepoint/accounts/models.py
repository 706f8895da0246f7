"""Clinics (tenants), their sites, and the people who use Needlepoint."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone


def _weekdays_validator(value: str) -> None:
    """Open weekdays as ISO numbers, Monday 1 to Sunday 7, each at most once: "12345"."""
    if not value or any(c not in "1234567" for c in value) or len(set(value)) != len(value):
        raise ValidationError(
            "Write the open weekdays as ISO numbers, Monday 1 to Sunday 7, each once (e.g. 12345 for Monday to Friday)."
        )


class Clinic(models.Model):
    """A practice: the unit of data isolation. Nothing crosses from one clinic to another."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    screening_valid_days = models.PositiveSmallIntegerField(
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="How long a screening stays current before the patient must be screened again.",
    )
    # Booking rules: opening hours, the appointment grid, and what patients may do online.
    opens_at = models.TimeField(default=dt.time(8, 0), help_text="When the first appointment may start.")
    closes_at = models.TimeField(default=dt.time(18, 0), help_text="When the last appointment must have ended.")
    open_weekdays = models.CharField(
        max_length=7,
        default="12345",
        validators=[_weekdays_validator],
        help_text="Open weekdays as ISO numbers, Monday 1 to Sunday 7 (12345 = Monday to Friday).",
    )
    slot_minutes = models.PositiveSmallIntegerField(
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(120)],
        help_text="The appointment grid: appointments start on multiples of this from opening time.",
    )
    online_booking_days_ahead = models.PositiveSmallIntegerField(
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="How many days ahead patients may book online.",
    )
    online_booking_notice_hours = models.PositiveSmallIntegerField(
        default=2,
        validators=[MaxValueValidator(336)],
        help_text="The least notice, in hours, for a booking made online.",
    )
    online_cancel_notice_hours = models.PositiveSmallIntegerField(
        default=24,
        validators=[MaxValueValidator(336)],
        help_text="Patients may cancel online up to this many hours before the start; later they phone.",
    )
    online_evaluations = models.BooleanField(
        default=True, help_text="Whether patients may book an evaluation online (follow-ups always may)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="clinic_closes_after_opening"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def today(self) -> dt.date:
        """Today in the clinic's own calendar: dates of care follow the clinic's time zone, whatever
        zone the server, a request or a test runs in (an unknown zone name counts as UTC)."""
        try:
            zone = zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = zoneinfo.ZoneInfo("UTC")
        return timezone.localdate(timezone=zone)

    def clean(self) -> None:
        super().clean()
        if self.opens_at is not None and self.closes_at is not None and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": "The clinic must close after it opens."})


class Site(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(max_length=200)
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    is_active = models.BooleanField(default=True)
    online_booking = models.BooleanField(default=True, help_text="Whether patients may book at this site online.")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["clinic", "name"], name="site_name_unique_in_clinic")]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CLINIC_ADMIN = "clinic_admin", "Clinic administrator"
    CLINICIAN = "clinician", "Clinician"
    FRONT_DESK = "front_desk", "Front desk"
    PATIENT = "patient", "Patient"


STAFF_ROLES = frozenset({Role.CLINIC_ADMIN, Role.CLINICIAN, Role.FRONT_DESK})


class User(AbstractUser):
    """A person who signs in. Staff and patients belong to exactly one clinic."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, null=True, blank=True, related_name="users")
    role = models.CharField(max_length=20, choices=Role.choices, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.get_username()

    @property
    def is_clinic_staff(self) -> bool:
        return self.clinic_id is not None and self.role in STAFF_ROLES

    @property
    def is_clinician(self) -> bool:
        return self.clinic_id is not None and self.role == Role.CLINICIAN

    @property
    def is_clinic_admin(self) -> bool:
        return self.clinic_id is not None and self.role == Role.CLINIC_ADMIN

    @property
    def is_patient_user(self) -> bool:
        return self.clinic_id is not None and self.role == Role.PATIENT


class Profession(models.TextChoices):
    PHYSICAL_THERAPIST = "physical_therapist", "Physical therapist / physiotherapist"
    MYOTHERAPIST = "myotherapist", "Myotherapist"
    CHIROPRACTOR = "chiropractor", "Chiropractor"
    PHYSICIAN = "physician", "Physician"
    OSTEOPATH = "osteopath", "Osteopath"
    ATHLETIC_TRAINER = "athletic_trainer", "Athletic trainer"
    ACUPUNCTURIST = "acupuncturist", "Acupuncturist"
    OCCUPATIONAL_THERAPIST = "occupational_therapist", "Occupational therapist"
    OTHER = "other", "Other"


jurisdiction_validator = RegexValidator(
    r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$",
    "Use a country code with an optional region, e.g. US-CO, CA-AB, AU, GB.",
)


class PractitionerProfile(models.Model):
    """Professional details of a clinician: what lets them needle."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="practitioner")
    profession = models.CharField(max_length=40, choices=Profession.choices)
    licence_number = models.CharField(max_length=60, blank=True)
    licence_jurisdiction = models.CharField(max_length=10, blank=True, validators=[jurisdiction_validator])
    licence_expires_on = models.DateField(null=True, blank=True)
    licence_verified_at = models.DateTimeField(null=True, blank=True)
    sites = models.ManyToManyField(Site, blank=True, related_name="practitioners")
    bio = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.user.display_name} ({self.get_profession_display()})"

    def current_certifications(self, on: dt.date | None = None) -> list[DryNeedlingCertification]:
        day = on or timezone.localdate()
        return [c for c in self.certifications.all() if c.is_current(day)]


class DryNeedlingCertification(models.Model):
    practitioner = models.ForeignKey(PractitionerProfile, on_delete=models.CASCADE, related_name="certifications")
    issuer = models.CharField(max_length=200)
    course = models.CharField(max_length=200, blank=True)
    hours = models.DecimalField(
        max_digits=6, decimal_places=1, validators=[MinValueValidator(0), MaxValueValidator(2000)]
    )
    completed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    certificate_number = models.CharField(max_length=80, blank=True)
    verified = models.BooleanField(default=False)

    class Meta:
        ordering = ["-completed_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True) | models.Q(expires_on__gte=models.F("completed_on")),
                name="certification_expires_after_completion",
            )
        ]

    def __str__(self) -> str:
        return f"{self.issuer}: {self.hours} h ({self.completed_on:%Y-%m-%d})"

    def is_current(self, on: dt.date) -> bool:
        return self.completed_on <= on and (self.expires_on is None or on <= self.expires_on)


class ApiToken(models.Model):
    """A bearer token for the REST API. Only a SHA-256 of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, default="API token")
    prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now: dt.datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)
