"""Request and response shapes of the visits API (see :mod:`needlepoint.visits.api`).

Codes are the models' choices; the asserts keep the two in step.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from needlepoint.visits.adverse import SEVERITY_DEFINITIONS, AdverseEventKind, Severity
from needlepoint.visits.models import CoIntervention, CoTreatment, DischargeReason

SideCode = Literal["left", "right"]
Version = Annotated[int, Field(ge=1, description="The version of the note the client last saw")]
Nprs = Annotated[int, Field(ge=0, le=10)]
Condition = Annotated[str, Field(min_length=1, max_length=60, description="A condition id from the atlas")]
Icd10Code = Annotated[str, Field(min_length=3, max_length=10, description="One of the condition's codes")]
PlannedSessions = Annotated[int, Field(ge=1, le=52)]
IntervalWeeks = Annotated[int, Field(ge=1, le=2)]
Goals = Annotated[str, Field(max_length=5000)]
ShortText = Annotated[str, Field(max_length=500)]
Count = Annotated[int, Field(ge=0, le=500)]
CoTreatmentCode = Literal["exercise", "massage", "manual_therapy", "chiropractic_care", "stretching"]
CoInterventionCode = Literal[
    "exercise", "massage", "manual_therapy", "chiropractic_care", "stretching", "heat_or_cold", "education", "other"
]
SeverityCode = Literal["mild", "significant", "serious"]
AdverseKind = Literal[
    "bruising",
    "bleeding",
    "pain_during",
    "pain_after",
    "worse_symptoms",
    "drowsiness",
    "fainting",
    "nausea",
    "headache",
    "nerve_irritation",
    "infection",
    "pneumothorax",
    "broken_or_retained_needle",
    "other",
]
assert set(CoTreatmentCode.__args__) == set(CoTreatment.values)  # type: ignore[attr-defined]
assert set(CoInterventionCode.__args__) == set(CoIntervention.Kind.values)  # type: ignore[attr-defined]
assert set(SeverityCode.__args__) == set(Severity.values)  # type: ignore[attr-defined]
assert set(AdverseKind.__args__) == set(AdverseEventKind.values)  # type: ignore[attr-defined]
DischargeReasonCode = Literal["goals-met", "plateau", "patient-choice", "stopped-attending", "referred", "other"]
assert set(DischargeReasonCode.__args__) == set(DischargeReason.values)  # type: ignore[attr-defined]


class Strict(Schema):
    model_config = {"extra": "forbid"}


class RegionSide(Strict):
    region: Annotated[str, Field(max_length=60)]
    side: SideCode | None = None


Regions = Annotated[list[RegionSide], Field(max_length=100)]
CoTreatments = Annotated[list[CoTreatmentCode], Field(max_length=5)]


class EpisodeIn(Strict):
    patient_id: uuid.UUID
    condition: Condition
    icd10_code: Icd10Code
    regions: Regions = []
    goals: Goals = ""
    planned_sessions: PlannedSessions
    interval_weeks: IntervalWeeks = 1
    co_treatments: CoTreatments = []
    opened_on: dt.date | None = None


class EpisodePatch(Strict):
    """Only the fields sent change; a list sent replaces the whole list."""

    condition: Condition | None = None
    icd10_code: Icd10Code | None = None
    regions: Regions | None = Field(None, description="Replaces every region of the episode")
    goals: Goals | None = None
    planned_sessions: PlannedSessions | None = None
    interval_weeks: IntervalWeeks | None = None
    co_treatments: CoTreatments | None = Field(None, description="Replaces every co-treatment of the episode")
    opened_on: dt.date | None = None


class DischargeIn(Strict):
    reason: DischargeReasonCode = Field(
        description="; ".join(f"{code}: {label}" for code, label in DischargeReason.choices)
    )
    closed_on: dt.date | None = Field(None, description="The day of discharge (default: today at the clinic)")
    summary: Annotated[str, Field(max_length=2000)] = ""
    follow_up_questionnaires: Annotated[list[Annotated[str, Field(max_length=30)]], Field(max_length=10)] = Field(
        [],
        description=(
            "Questionnaire ids (ndi, odi, quickdash, psfs, hdi, ffi) to send 6 weeks, 3, 6 and 12 months after "
            "discharge; empty sends none. Scheduled in the same transaction as the discharge."
        ),
    )


class ReopenIn(Strict):
    reason: Annotated[str, Field(min_length=1, max_length=300, description="Why the discharge is undone")]


class EpisodeOut(Schema):
    id: uuid.UUID
    condition: str
    condition_name: str
    icd10_code: str
    icd10_label: str
    regions: list[RegionSide]
    goals: str
    planned_sessions: int
    interval_weeks: int
    co_treatments: list[str]
    opened_on: dt.date
    closed_on: dt.date | None
    discharge_reason: str = Field(description="A discharge reason code, or empty while the episode is open")
    discharge_reason_label: str
    discharge_summary: str


class EpisodeCreated(EpisodeOut):
    patient_id: uuid.UUID


class PainMarkIO(Strict):
    region: Annotated[str, Field(max_length=60)]
    side: SideCode | None = None
    intensity: Nprs


class CoInterventionIn(Strict):
    kind: CoInterventionCode
    details: ShortText = ""


class SafetyFindingOut(Schema):
    code: str
    level: Literal["warning", "block"]
    message: str
    source: str


class AcknowledgementOut(Schema):
    code: str
    message: str
    source: str
    by: int | None
    by_name: str
    at: str


class FindingOut(Schema):
    id: int
    muscle: str
    muscle_name: str
    side: SideCode
    activity: Literal["active", "latent"]
    taut_band: bool
    tender_nodule: bool
    referred_pain: bool
    local_twitch_response: bool
    notes: str


class InsertionOut(Schema):
    id: int
    muscle: str
    muscle_name: str
    side: SideCode
    technique: Literal["superficial", "deep"]
    needle_diameter_mm: Decimal
    needle_length_mm: Decimal
    depth_mm: Decimal | None
    approach: str
    manipulation: Literal["static", "pistoning", "rotation"]
    ltr_count: int | None
    retention_seconds: int | None
    electrical_stimulation: bool
    estim_frequency_hz: Decimal | None
    estim_pulse_width_us: int | None
    estim_intensity_ma: Decimal | None
    estim_minutes: int | None
    needles_used: int = Field(description="How many needles were used in this muscle and side")
    needle_lots: list[str] = Field(description="The distinct lot numbers of the boxes the needles came from")
    ultrasound_guided: bool
    acknowledgements: list[AcknowledgementOut]
    confirmed: bool
    recorded_by: str


class CoInterventionOut(Schema):
    id: int
    kind: str
    kind_label: str
    details: str


class AdverseEventOut(Schema):
    id: int
    kind: str
    kind_label: str
    severity: SeverityCode
    description: str
    action_taken: str
    follow_up_due: dt.date | None
    occurred_on: dt.date
    recorded_by: str
    recorded_at: dt.datetime
    admin_alerted_at: dt.datetime | None
    admin_alert_recipients: list[str]
    admin_alert_error: str


class AddendumOut(Schema):
    id: int
    text: str
    author: str
    created_at: dt.datetime


class PainMarkOut(Schema):
    region: str
    region_label: str
    side: SideCode | None
    intensity: int


class VisitOut(Schema):
    id: uuid.UUID
    version: int
    status: Literal["draft", "signed"]
    visit_date: dt.date
    patient_id: uuid.UUID
    patient_name: str
    chart_number: str
    clinician: str
    episode: EpisodeOut
    visit_number: int
    notes: str
    pain_before: int | None
    pain_after: int | None
    pain_drawing: list[PainMarkOut]
    findings: list[FindingOut]
    insertions: list[InsertionOut]
    co_interventions: list[CoInterventionOut]
    adverse_events: list[AdverseEventOut]
    addenda: list[AddendumOut]
    needles_opened: int | None
    needles_removed: int | None
    needles_logged: int = Field(description="Needles the needle log lists: the sum of the entries' needles_used")
    needle_count_problem: str | None
    signing_problems: list[str]
    muscles_needled: int
    cpt_codes: list[str]
    icd10_code: str
    copied_from: uuid.UUID | None
    created_at: dt.datetime
    updated_at: dt.datetime
    updated_by: str
    signed_at: dt.datetime | None
    signed_by: str


class VisitIn(Strict):
    episode_id: uuid.UUID
    visit_date: dt.date | None = None
    copy_forward: bool = Field(
        False, description="Start from the episode's last visit: pain drawing, findings and needle log"
    )


class VisitPatch(Strict):
    version: Version
    notes: Annotated[str, Field(max_length=20_000)] | None = None
    pain_before: Nprs | None = None
    pain_after: Nprs | None = None
    pain_drawing: Annotated[list[PainMarkIO], Field(max_length=200)] | None = Field(
        None, description="Replaces the whole pain drawing"
    )
    co_interventions: Annotated[list[CoInterventionIn], Field(max_length=50)] | None = Field(
        None, description="Replaces every co-intervention of the visit"
    )
    needles_opened: Count | None = None
    needles_removed: Count | None = None


class FindingIn(Strict):
    version: Version
    muscle: Annotated[str, Field(max_length=60)]
    side: SideCode
    activity: Literal["active", "latent"]
    taut_band: bool = False
    tender_nodule: bool = False
    referred_pain: bool = Field(False, description="Referred pain reproduced")
    local_twitch_response: bool = Field(False, description="Local twitch response on palpation")
    notes: ShortText = ""


class FindingCreated(Schema):
    version: int
    finding: FindingOut


class InsertionIn(Strict):
    version: Version
    acknowledged_warnings: Annotated[list[Annotated[str, Field(max_length=80)]], Field(max_length=50)] = Field(
        [], description="Codes of the safety warnings the clinician acknowledges"
    )
    muscle: Annotated[str, Field(max_length=60)]
    side: SideCode
    technique: Literal["superficial", "deep"]
    needle_diameter_mm: Annotated[Decimal, Field(ge=Decimal("0.10"), le=Decimal("0.50"), decimal_places=2)]
    needle_length_mm: Annotated[Decimal, Field(ge=5, le=150, decimal_places=1)]
    depth_mm: Annotated[Decimal, Field(ge=Decimal("0.5"), le=150, decimal_places=1)] | None = None
    approach: Annotated[str, Field(max_length=300, description="Approach and direction")] = ""
    manipulation: Literal["static", "pistoning", "rotation"]
    ltr_count: Annotated[int, Field(ge=0, le=200)] | None = None
    retention_seconds: Annotated[int, Field(ge=0, le=3600)] | None = None
    electrical_stimulation: bool = False
    estim_frequency_hz: Annotated[Decimal, Field(ge=Decimal("0.5"), le=1000, decimal_places=1)] | None = None
    estim_pulse_width_us: Annotated[int, Field(ge=10, le=2000)] | None = None
    estim_intensity_ma: Annotated[Decimal, Field(ge=Decimal("0.1"), le=100, decimal_places=1)] | None = None
    estim_minutes: Annotated[int, Field(ge=1, le=60)] | None = None
    needles_used: Annotated[int, Field(ge=1, le=50)] = Field(
        description="How many needles were used in this muscle and side (each sterile, used once)"
    )
    needle_lots: Annotated[list[Annotated[str, Field(max_length=40)]], Field(max_length=50)] = Field(
        [],
        description=(
            "Lot numbers of the boxes the needles came from, each once (a lot is a box, not a needle: "
            "a repeated lot is kept once); no more lots than needles"
        ),
    )
    ultrasound_guided: bool = False


class InsertionCreated(Schema):
    version: int
    insertion: InsertionOut
    warnings: list[SafetyFindingOut]


class AdverseEventIn(Strict):
    version: Version
    kind: AdverseKind
    severity: SeverityCode = Field(description=" ".join(f"{k}: {v}" for k, v in SEVERITY_DEFINITIONS.items()))
    description: Annotated[str, Field(max_length=1000)] = ""
    action_taken: Annotated[str, Field(max_length=5000)] = ""
    follow_up_due: dt.date | None = None
    occurred_on: dt.date | None = None


class AdverseEventCreated(Schema):
    version: int
    adverse_event: AdverseEventOut
    admin_alerted: bool


class SignIn(Strict):
    version: Version
    needles_opened: Count
    needles_removed: Count


class AddendumIn(Strict):
    version: Version
    text: Annotated[str, Field(min_length=1, max_length=20_000)]


# --- checking a plan (spec/safety-check.md) ---------------------------------------------------


class PlanPatientIn(Schema):
    weight_kg: float | None = None
    height_cm: float | None = None
    sex: Literal["female", "male", "intersex", "unknown"] | None = None
    age_years: int | None = None

    model_config = {"extra": "forbid", "strict": True}


class PlanInsertionIn(Schema):
    muscle: str = Field(description="Atlas muscle id (needlepoint atlas muscles)")
    side: Literal["left", "right"] | None
    technique: Literal["superficial", "deep"]
    depth_mm: float | None = None
    needle_length_mm: float | None = None
    electrical_stimulation: bool = False

    model_config = {"extra": "forbid", "strict": True}


class SafetyPlanIn(Schema):
    patient: PlanPatientIn | None = None
    screening: dict[str, Any] | None = Field(default=None, description="Screening answers (spec/screening.md)")
    position: Literal["prone", "supine", "side-lying", "sitting"] | None = None
    insertions: list[PlanInsertionIn]

    model_config = {"extra": "forbid", "strict": True}


class PlanFindingOut(Schema):
    code: str
    level: Literal["block", "warning", "note"]
    message: str
    source: str


class PlannedInsertionOut(Schema):
    muscle: str
    side: Literal["left", "right"] | None
    findings: list[PlanFindingOut]


class PleuraEstimateOut(Schema):
    value: float
    method: str
    source: str


class SafetyCheckOut(Schema):
    insertions: list[PlannedInsertionOut]
    pleura_estimate_mm: PleuraEstimateOut | None
