"""Typed records of the knowledge base.

Every record is an immutable pydantic model that rejects unknown fields, so a typo in a
YAML file fails loudly instead of being ignored. Checks that need more than one record
(does this region code exist, does this source id exist) live in :mod:`.loader`.

This module is part of the pure core: it imports pydantic and the standard library only.
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
REGION_CODE_PATTERN = r"^[a-z]+(\.[a-z_]+)*$"

Id = Annotated[str, Field(pattern=ID_PATTERN)]
RegionCode = Annotated[str, Field(pattern=REGION_CODE_PATTERN)]
Text = Annotated[str, Field(min_length=1)]
SourceIds = Annotated[tuple[Id, ...], Field(min_length=1)]
NeedleMm = Annotated[int, Field(gt=0, le=150)]

MuscleGroup = Literal[
    "head-face",
    "neck",
    "shoulder-girdle",
    "rotator-cuff",
    "arm",
    "forearm",
    "hand",
    "thorax",
    "abdomen",
    "back",
    "hip-pelvis",
    "thigh",
    "leg",
    "foot",
]
MUSCLE_GROUPS: tuple[str, ...] = get_args(MuscleGroup)

PleuraZone = Literal[
    "posterior-thorax",
    "scapular",
    "cervical-apex",
    "lateral-thorax",
    "anterior-thorax",
    "lumbar",
]
PLEURA_ZONES: tuple[str, ...] = get_args(PleuraZone)

DangerKind = Literal["lung", "spinal-cord", "nerve", "artery", "vein", "organ", "joint"]
ReferenceKind = Literal["article", "book", "guideline", "web", "review"]
ReferenceStatus = Literal["confirmed", "unconfirmed"]
OutcomeMeasureId = Literal[
    "nprs",
    "vas",
    "ndi",
    "odi",
    "quickdash",
    "psfs",
    "hdi",
    "ffi",
    "ppt",
    "rom",
    "grip-strength",
    "fhsq",
]
OUTCOME_MEASURE_IDS: tuple[str, ...] = get_args(OutcomeMeasureId)


class Record(BaseModel):
    """Base for every record: immutable, unknown fields rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --- body regions ---------------------------------------------------------------------


class RegionGroup(Record):
    code: RegionCode
    label: Text


class Region(Record):
    code: RegionCode
    view: Literal["front", "back", "both"]
    midline: bool
    group: RegionCode
    label: Text


# --- bibliography ---------------------------------------------------------------------


class Reference(Record):
    """One citable source. ``status`` says whether its details were checked."""

    id: Id
    authors: Text
    year: int | None = Field(default=None, ge=1900, le=2100)
    title: Text
    container: Text
    volume: str | None = None
    pages: str | None = None
    doi: str | None = Field(default=None, pattern=r"^10\.\d{4,9}/\S+$")
    pmid: str | None = Field(default=None, pattern=r"^[1-9][0-9]{0,8}$")
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    kind: ReferenceKind
    status: ReferenceStatus
    note: str | None = None


# --- muscles --------------------------------------------------------------------------


class Referral(Record):
    """Referred-pain zone of one trigger point.

    Regions are on the same side as the trigger point; ``contralateral`` lists regions
    felt on the other side (a region felt on both sides appears in ``primary`` or
    ``spillover`` and in ``contralateral``).
    """

    primary: Annotated[tuple[RegionCode, ...], Field(min_length=1)]
    spillover: tuple[RegionCode, ...] = ()
    contralateral: tuple[RegionCode, ...] = ()


class TriggerPoint(Record):
    id: Id
    location: Text
    referral: Referral
    confirmed: bool
    sources: SourceIds


class Needling(Record):
    position: Text
    palpation: Text
    approach: Text
    needle_length_mm: tuple[NeedleMm, NeedleMm]
    depth: Text
    max_depth_mm: Annotated[float, Field(gt=0, le=150)] | None = None
    max_needle_length_mm: Annotated[float, Field(gt=0, le=150)] | None = None
    limit_source: Id | None = Field(default=None, validate_default=True)
    superficial_suitable: bool
    deep_suitable: bool
    ultrasound_recommended: bool

    @field_validator("needle_length_mm")
    @classmethod
    def _ordered_range(cls, value: tuple[int, int]) -> tuple[int, int]:
        if value[0] > value[1]:
            raise ValueError("range must be [min, max] with min <= max")
        return value

    @field_validator("max_needle_length_mm")
    @classmethod
    def _typical_within_limit(cls, value: float | None, info: ValidationInfo) -> float | None:
        typical = info.data.get("needle_length_mm")
        if value is not None and typical is not None and typical[1] > value:
            raise ValueError(f"typical needle length {typical[1]} mm exceeds the limit of {value:g} mm")
        return value

    @field_validator("limit_source")
    @classmethod
    def _limit_needs_source(cls, value: str | None, info: ValidationInfo) -> str | None:
        has_limit = info.data.get("max_depth_mm") is not None or info.data.get("max_needle_length_mm") is not None
        if has_limit and value is None:
            raise ValueError("a depth or needle-length limit needs a limit_source")
        if value is not None and not has_limit:
            raise ValueError("limit_source given but no limit is set")
        return value


class DangerStructure(Record):
    kind: DangerKind
    name: Text
    precaution: Text
    sources: SourceIds


class Muscle(Record):
    id: Id
    name: Text
    aliases: tuple[Text, ...] = ()
    group: MuscleGroup
    regions: Annotated[tuple[RegionCode, ...], Field(min_length=1)]
    near_lung: bool
    pleura_zone: PleuraZone | None = Field(default=None, validate_default=True)
    compressible: bool
    trigger_points: Annotated[tuple[TriggerPoint, ...], Field(min_length=1)]
    conditions: tuple[Id, ...] = ()
    needling: Needling
    danger_structures: tuple[DangerStructure, ...] = ()
    notes: str | None = None
    sources: SourceIds
    #: The anatomical muscle this entry is part of, when the atlas splits one muscle into parts
    #: with their own trigger points (upper, middle and lower trapezius are all ``trapezius``).
    #: None: the entry is a muscle of its own (see ``billing_muscle``). Billing counts these.
    anatomical_muscle: Id | None = None
    #: The anatomical muscles one entry covers, when the atlas keeps several muscles as one entry
    #: (the scalenes: anterior, middle and posterior). Billing counts such an entry once, because
    #: the needle log does not record which of them were needled (clinical/billing.py).
    covers: tuple[Id, ...] = ()

    @field_validator("covers")
    @classmethod
    def _covers_several(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        if value and len(value) < 2:
            raise ValueError("an entry that covers muscles covers at least two (else leave it out)")
        if len(set(value)) != len(value):
            raise ValueError("a covered muscle is listed twice")
        if value and info.data.get("anatomical_muscle") is not None:
            raise ValueError("an entry is either part of one muscle (anatomical_muscle) or covers several")
        return value

    @property
    def billing_muscle(self) -> str:
        """The key billing counts: the anatomical muscle, or the entry's own id."""
        return self.anatomical_muscle or self.id

    @field_validator("pleura_zone")
    @classmethod
    def _zone_iff_near_lung(cls, value: str | None, info: ValidationInfo) -> str | None:
        near = info.data.get("near_lung")
        if near and value is None:
            raise ValueError("a muscle near the lung needs a pleura_zone (see pleura_depth.yaml)")
        if value is not None and near is False:
            raise ValueError("pleura_zone given but near_lung is false")
        return value

    def referral_regions(self) -> frozenset[str]:
        """Every region any trigger point of this muscle refers to (either side)."""
        return frozenset(
            code
            for tp in self.trigger_points
            for code in (*tp.referral.primary, *tp.referral.spillover, *tp.referral.contralateral)
        )


# --- conditions, topics, adverse effects ----------------------------------------------


class IcdCode(Record):
    code: Annotated[str, Field(pattern=r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")]
    label: Text


class Evidence(Record):
    comparison: Text
    outcome: Text
    direction: Literal["favours-dn", "no-difference", "favours-comparator", "unclear"]
    effect: Text
    effect_measure: Literal["MD", "SMD", "RR", "OR", "percent", "narrative"]
    effect_value: float | None = None
    timepoint: Text
    timepoint_band: Literal["immediate", "short-term", "medium-term", "long-term"]
    quality: Literal["high", "moderate", "low", "very-low", "not-graded"]
    source: Id


class Condition(Record):
    id: Id
    name: Text
    plain_name: Text
    icd10cm: tuple[IcdCode, ...] = ()
    regions: tuple[RegionCode, ...] = ()
    muscles: tuple[Id, ...] = ()
    summary: Text
    plain_summary: Text
    evidence: tuple[Evidence, ...] = ()
    outcome_measures: tuple[OutcomeMeasureId, ...] = ()
    sources: SourceIds


class TopicSection(Record):
    heading: Text
    body: Text


class Topic(Record):
    id: Id
    title: Text
    summary: Text
    audience: Literal["patient", "clinician", "both"]
    sections: tuple[TopicSection, ...] = ()
    sources: SourceIds


class Rate(Record):
    value_percent: Annotated[float, Field(ge=0, le=100)] | None = None
    per_million: Annotated[float, Field(ge=0)] | None = None
    text: Text
    source: Id


class AdverseEffect(Record):
    id: Id
    name: Text
    plain_name: Text
    band: Literal["common", "uncommon", "rare", "very-rare"]
    rates: tuple[Rate, ...] = ()
    timing: Text
    what_to_do: Text
    serious: bool
    sources: tuple[Id, ...] = ()
