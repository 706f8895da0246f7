"""Shared set-up for the report tests (no tests here): episodes with signed visits, needling,
adverse events and measurements, made straight from the models for speed (the visit services are
tested elsewhere)."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal
from typing import Any

from django.utils import timezone
from pypdf import PdfReader
from tests.base import ClinicTestCase

from needlepoint.accounts.models import User
from needlepoint.outcomes.models import Measurement
from needlepoint.patients.models import Patient
from needlepoint.visits.models import AdverseEvent, Episode, NeedleInsertion, Visit

NEEDLE = {
    "technique": "deep",
    "needle_diameter_mm": Decimal("0.30"),
    "needle_length_mm": Decimal("40"),
    "manipulation": "pistoning",
    "needles_used": 1,
}


def make_episode(
    patient: Patient,
    clinician: User,
    *,
    condition: str = "neck-pain",
    icd10: str = "M54.2",
    planned: int = 6,
    opened_on: dt.date | None = None,
    closed_on: dt.date | None = None,
    goals: str = "Turn the head to reverse the car without pain.",
) -> Episode:
    return Episode.objects.create(
        clinic_id=patient.clinic_id,
        patient=patient,
        condition_id=condition,
        icd10_code=icd10,
        planned_sessions=planned,
        opened_on=opened_on or timezone.localdate() - dt.timedelta(days=60),
        closed_on=closed_on,
        goals=goals,
        created_by=clinician,
    )


def make_visit(
    episode: Episode,
    clinician: User,
    day: dt.date,
    *,
    pain: tuple[int | None, int | None] = (None, None),
    needled: tuple[tuple[str, str], ...] = (),
    signed: bool = True,
    needles: int | None = None,
    notes: str = "",
) -> Visit:
    """A visit with its needle log; signed (by ``clinician``) unless ``signed=False``."""
    now = timezone.now()
    visit = Visit.objects.create(
        clinic_id=episode.clinic_id,
        patient_id=episode.patient_id,
        episode=episode,
        clinician=clinician,
        visit_date=day,
        notes=notes,
        pain_before=pain[0],
        pain_after=pain[1],
        updated_at=now,
        updated_by=clinician,
        updated_by_name=clinician.get_full_name(),
    )
    for muscle, side in needled:
        NeedleInsertion.objects.create(visit=visit, muscle_id=muscle, side=side, recorded_by=clinician, **NEEDLE)
    if signed:
        count = needles if needles is not None else len(needled)
        visit.needles_opened = visit.needles_removed = count
        visit.status = Visit.Status.SIGNED
        visit.signed_at = now
        visit.signed_by = clinician
        visit.signed_by_name = clinician.get_full_name()
        visit.save()
    return visit


def add_event(visit: Visit, clinician: User, kind: str = "bruising", severity: str = "mild") -> AdverseEvent:
    return AdverseEvent.objects.create(
        visit=visit,
        kind=kind,
        severity=severity,
        action_taken="" if severity == "mild" else "Lay flat; observed until recovered.",
        occurred_on=visit.visit_date,
        recorded_by=clinician,
        recorded_by_name=clinician.get_full_name(),
    )


def measure(episode: Episode, clinician: User, measure_id: str, day: dt.date, value: str, **where: Any) -> Measurement:
    units = {"rom": "degrees", "ndi": "points", "nprs": "points"}
    timepoint = where.pop("timepoint", "baseline")
    return Measurement.objects.create(
        clinic_id=episode.clinic_id,
        patient_id=episode.patient_id,
        episode=episode,
        measure=measure_id,
        timepoint=timepoint,
        taken_on=day,
        value=Decimal(value),
        unit=units.get(measure_id, "points"),
        recorded_by=clinician,
        **where,
    )


def pdf_text(content: bytes) -> str:
    """The PDF's text: with poppler's pdftotext when it is installed, else with pypdf."""
    if shutil.which("pdftotext"):
        result = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True, timeout=60
        )
        return result.stdout.decode("utf-8")
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


class ReportTestCase(ClinicTestCase):
    """Pat has a neck-pain episode with Alice: three signed visits (NPRS 7→4, 6→3, 4→2), upper
    trapezius needled on both sides, levator scapulae on the left, one mild bruise, a draft fourth
    visit, and cervical rotation measured at baseline and later."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        today = timezone.localdate()
        cls.start = today - dt.timedelta(days=28)
        cls.episode = make_episode(cls.pat_record, cls.alice, opened_on=cls.start)
        cls.visits = [
            make_visit(
                cls.episode,
                cls.alice,
                cls.start,
                pain=(7, 4),
                needled=(("upper-trapezius", "left"), ("levator-scapulae", "left")),
                needles=3,
                notes="CLINICIAN ONLY: query thoracic outlet; keep an eye on mood.",
            ),
            make_visit(
                cls.episode,
                cls.bob,
                cls.start + dt.timedelta(days=7),
                pain=(6, 3),
                needled=(("upper-trapezius", "left"), ("upper-trapezius", "right")),
            ),
            make_visit(
                cls.episode,
                cls.alice,
                cls.start + dt.timedelta(days=14),
                pain=(4, 2),
                needled=(("upper-trapezius", "right"),),
            ),
        ]
        cls.draft = make_visit(cls.episode, cls.alice, cls.start + dt.timedelta(days=21), pain=(3, None), signed=False)
        add_event(cls.visits[0], cls.alice, "bruising", "mild")
        for day, value in ((0, "50"), (14, "66")):
            measure(
                cls.episode,
                cls.alice,
                "rom",
                cls.start + dt.timedelta(days=day),
                value,
                joint="cervical",
                movement="rotation",
                side="left",
                timepoint="baseline" if day == 0 else "visit_pre",
            )

    def report_path(self, audience: str | None = "physician", episode: Episode | None = None) -> str:
        episode = episode or self.episode
        path = f"/patients/{episode.patient_id}/episodes/{episode.pk}/progress-report.pdf"
        return f"{path}?audience={audience}" if audience else path
