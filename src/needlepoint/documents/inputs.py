"""What the printed documents show, as plain frozen dataclasses (no models, no database).

The app that owns the record (visits, billing) maps its data to these; :mod:`.render` turns them into
PDFs. Every string is printed as text (HTML-escaped), never as markup. Dates and times are shown as
given: pass wall-clock times in the clinic's zone, or aware datetimes with ``time_zone`` set on the
document, and they are converted to that zone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from needlepoint.clinical.aftercare import Handout

Side = Literal["left", "right", "both"] | None


# --- people and places ------------------------------------------------------------------------


@dataclass(frozen=True)
class ClinicDetails:
    name: str
    address: str = ""  # may hold line breaks
    phone: str = ""
    tax_id: str = ""  # superbill only (EIN)
    npi: str = ""  # group (type 2) NPI, superbill only


@dataclass(frozen=True)
class PatientDetails:
    name: str
    chart_number: str = ""
    date_of_birth: dt.date | None = None
    sex: str = ""
    age: int | None = None
    address: str = ""  # superbill only; may hold line breaks


@dataclass(frozen=True)
class ClinicianDetails:
    name: str
    profession: str = ""  # "Physical therapist"
    licence_number: str = ""
    licence_jurisdiction: str = ""  # "Colorado" or "US-CO"
    npi: str = ""  # individual (type 1) NPI, superbill only


# --- the visit note ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Episode:
    condition: str
    icd10cm_code: str = ""
    icd10cm_label: str = ""
    visit_number: int | None = None
    planned_visits: int | None = None


@dataclass(frozen=True)
class PainMark:
    region: str  # the region's label in words ("top of the shoulder")
    side: Side = None
    intensity: int | None = None  # 0-10


@dataclass(frozen=True)
class TriggerPointFinding:
    muscle: str  # the muscle's name in words
    side: Side
    active: bool  # False: latent
    taut_band: bool
    nodule: bool
    referred_pain_reproduced: bool
    local_twitch_on_palpation: bool


@dataclass(frozen=True)
class ElectricalStimulation:
    frequency_hz: float
    pulse_width_us: int | None
    intensity: str  # "4 mA" or "strong, comfortable"
    minutes: float


@dataclass(frozen=True)
class NeedleInsertion:
    muscle: str
    side: Side
    technique: str  # "deep DN, fast-in fast-out"
    needle_diameter_mm: float
    needle_length_mm: float
    depth_mm: float | None = None
    approach: str = ""
    manipulation: str = ""  # "pistoning", "rotation"
    local_twitch_responses: int | None = None
    retention_minutes: float | None = None
    electrical_stimulation: ElectricalStimulation | None = None
    needle_lot: str = ""  # the lots (boxes) the needles came from, comma-separated
    ultrasound_guided: bool = False
    needles_used: int | None = None  # how many needles went into this muscle and side


@dataclass(frozen=True)
class AcknowledgedWarning:
    code: str
    message: str
    acknowledged_by: str
    acknowledged_at: dt.datetime


@dataclass(frozen=True)
class AdverseEventRow:
    kind: str  # in words: "Bruising"
    severity: str  # "mild" | "moderate" | "severe"
    action: str = ""
    follow_up_due: dt.date | None = None


@dataclass(frozen=True)
class NeedleCount:
    opened: int
    removed: int
    logged: int | None = None  # needles the needle log lists (the sum of its entries' counts)


@dataclass(frozen=True)
class ProcedureCode:
    code: str  # "20561"
    description: str


@dataclass(frozen=True)
class Addendum:
    written_at: dt.datetime
    author: str
    text: str


@dataclass(frozen=True)
class VisitNoteDocument:
    clinic: ClinicDetails
    patient: PatientDetails
    clinician: ClinicianDetails
    episode: Episode | None
    visit_at: dt.datetime
    site: str = ""
    time_zone: str = ""  # IANA name; aware datetimes are shown in it
    status: Literal["draft", "signed"] = "draft"
    signed_at: dt.datetime | None = None
    signed_by: str = ""
    pain_drawing: tuple[PainMark, ...] = ()
    body_map_svg: str | None = None  # an <svg> document, embedded as a data: URI
    nprs_before: int | None = None
    nprs_after: int | None = None
    trigger_points: tuple[TriggerPointFinding, ...] = ()
    needling: tuple[NeedleInsertion, ...] = ()
    warnings: tuple[AcknowledgedWarning, ...] = ()
    co_interventions: tuple[str, ...] = ()
    adverse_events: tuple[AdverseEventRow, ...] = ()
    needle_count: NeedleCount | None = None
    procedure_codes: tuple[ProcedureCode, ...] = ()
    notes: str = ""  # the clinician's free text (assessment, plan)
    addenda: tuple[Addendum, ...] = ()


# --- the aftercare handout --------------------------------------------------------------------


@dataclass(frozen=True)
class AftercareDocument:
    handout: Handout
    patient_name: str
    clinic: ClinicDetails
    clinician_name: str = ""


# --- the superbill ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DiagnosisLine:
    code: str  # ICD-10-CM, "M79.12"
    label: str


@dataclass(frozen=True)
class ProcedureLine:
    code: str  # CPT, "20561"
    description: str
    units: int = 1
    fee: Decimal | None = None
    modifiers: tuple[str, ...] = ()
    diagnosis_pointers: str = ""  # "A" or "AB": letters of the diagnosis lines


@dataclass(frozen=True)
class SuperbillDocument:
    clinic: ClinicDetails
    provider: ClinicianDetails
    patient: PatientDetails
    date_of_service: dt.date
    place_of_service: str  # "11 - Office"
    diagnoses: tuple[DiagnosisLine, ...]
    procedures: tuple[ProcedureLine, ...]
    issued_on: dt.date | None = None
    currency: str = "USD"
    #: How the CPT code follows from the muscles needled ("CPT 20561: 3 muscles (…).") and the
    #: counting rules it used, each ending with its source; empty: not shown.
    code_basis: str = ""
    code_rules: tuple[str, ...] = ()
