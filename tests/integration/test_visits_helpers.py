"""Shared set-up for the visit tests (no tests here): a licensed, certified clinician, a patient
who may be needled (consent and a current screening), an episode and a draft visit."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.utils import timezone
from tests.base import ClinicTestCase

from needlepoint.accounts.models import DryNeedlingCertification, PractitionerProfile, User
from needlepoint.consent import services as consent
from needlepoint.consent.models import ConsentRecord, SigningMethod
from needlepoint.patients.models import Patient
from needlepoint.screening import services as screening
from needlepoint.visits import services
from needlepoint.visits.models import Episode, Visit

# Clear screening answers: nothing found but the note about unanswered questions.
CLEAR = {
    "age_years": 40,
    "needle_phobia": "none",
    "willing": True,
    "able_to_consent": True,
    "prior_adverse_reaction": False,
    "acute_illness": False,
    "anticoagulants": False,
    "bleeding_disorder": False,
    "pregnant": False,
    "pacemaker_or_icd": False,
    "chest_surgery": False,
}

EPISODE = {
    "condition": "neck-pain",
    "icd10_code": "M54.2",
    "regions": [{"region": "neck.posterolateral", "side": "left"}],
    "goals": "Turn the head to reverse the car without pain.",
    "planned_sessions": 6,
    "interval_weeks": 1,
    "co_treatments": ["exercise", "stretching"],
}

# A plain entry over the scapula, shorter than the depth to the lung: no warnings, no blocks.
ENTRY = {
    "muscle": "infraspinatus",
    "side": "left",
    "technique": "deep",
    "needle_diameter_mm": "0.30",
    "needle_length_mm": "15",
    "depth_mm": "12",
    "approach": "perpendicular to the scapula",
    "manipulation": "pistoning",
    "ltr_count": 3,
    "retention_seconds": 60,
    "needles_used": 1,
    "needle_lots": ["LOT-A1"],
    "ultrasound_guided": False,
}


def license_clinician(user: User, *, jurisdiction: str = "US-CO", hours: str = "54", verified: bool = True) -> None:
    profile = PractitionerProfile.objects.get(user=user)
    profile.licence_number = f"PT-{user.pk:05d}"
    profile.licence_jurisdiction = jurisdiction
    profile.licence_expires_on = timezone.localdate() + dt.timedelta(days=365)
    profile.save()
    DryNeedlingCertification.objects.create(
        practitioner=profile,
        issuer="Myopain Seminars",
        hours=hours,
        completed_on=dt.date(2020, 3, 1),
        verified=verified,
    )


def give_consent(patient: Patient) -> ConsentRecord:
    form = consent.ensure_default_form(patient.clinic)
    return ConsentRecord.objects.create(
        clinic=patient.clinic,
        patient=patient,
        form=form,
        typed_name=patient.full_name,
        signed_at=timezone.now() - dt.timedelta(minutes=5),
        method=SigningMethod.PORTAL,
    )


def screen(actor: User, patient: Patient, **answers: Any) -> Any:
    return screening.record_screening(actor, patient.pk, {**CLEAR, **answers})


def post(client: Any, path: str, body: Any) -> Any:
    return client.post(path, data=json.dumps(body, default=str), content_type="application/json")


def patch(client: Any, path: str, body: Any) -> Any:
    return client.patch(path, data=json.dumps(body, default=str), content_type="application/json")


class VisitTestCase(ClinicTestCase):
    """Alice and Bob may needle (Colorado licence, 54 verified hours); Pat is ready to be needled."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        license_clinician(cls.alice)
        license_clinician(cls.bob)
        give_consent(cls.pat_record)
        screen(cls.alice, cls.pat_record)

    def setUp(self) -> None:
        super().setUp()
        self.episode = services.create_episode(self.alice, self.pat_record.pk, EPISODE)
        self.visit = services.start_visit(self.alice, self.episode.pk)

    def fresh(self, visit: Visit | None = None) -> Visit:
        return Visit.objects.get(pk=(visit or self.visit).pk)

    @property
    def version(self) -> int:
        return self.fresh().version

    def insert(self, actor: User | None = None, ack: tuple[str, ...] = (), **changes: Any) -> Any:
        return services.add_insertion(
            actor or self.alice, self.visit.pk, self.version, {**ENTRY, **changes}, acknowledged_warnings=ack
        )

    def sign(self, visit: Visit | None = None, opened: int = 1, removed: int = 1, actor: User | None = None) -> Visit:
        v = self.fresh(visit)
        return services.sign_visit(actor or self.alice, v.pk, v.version, opened, removed)

    def episode_for(self, patient: Patient) -> Episode:
        return services.create_episode(self.alice, patient.pk, EPISODE)
