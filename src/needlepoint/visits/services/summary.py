"""Everything a note shows, as plain data: for the page, the PDF and the API alike.

``visit_summary`` reads; it does not audit (the caller opened the visit with ``open_visit``).
A signed note shows the billing codes frozen at signing; a draft shows them as they would be now.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from needlepoint.clinical.billing import count_muscles
from needlepoint.clinical.needling import needle_count_problem
from needlepoint.consent.content import short_citation
from needlepoint.visits.models import Visit
from needlepoint.visits.services.common import display_name, kb
from needlepoint.visits.services.signing import signing_problems


@dataclass(frozen=True)
class PainMarkSummary:
    region: str
    region_label: str
    side: str | None
    intensity: int


@dataclass(frozen=True)
class FindingSummary:
    id: int
    muscle: str
    muscle_name: str
    side: str
    activity: str
    taut_band: bool
    tender_nodule: bool
    referred_pain: bool
    local_twitch_response: bool
    notes: str


@dataclass(frozen=True)
class InsertionSummary:
    id: int
    muscle: str
    muscle_name: str
    side: str
    technique: str
    needle_diameter_mm: Decimal
    needle_length_mm: Decimal
    depth_mm: Decimal | None
    approach: str
    manipulation: str
    ltr_count: int | None
    retention_seconds: int | None
    electrical_stimulation: bool
    estim_frequency_hz: Decimal | None
    estim_pulse_width_us: int | None
    estim_intensity_ma: Decimal | None
    estim_minutes: int | None
    needles_used: int
    needle_lots: list[str]  # the distinct lots (boxes) the needles came from
    ultrasound_guided: bool
    acknowledgements: list[dict[str, Any]]
    confirmed: bool
    recorded_by: str


@dataclass(frozen=True)
class CoInterventionSummary:
    id: int
    kind: str
    kind_label: str
    details: str


@dataclass(frozen=True)
class AdverseEventSummary:
    id: int
    kind: str
    kind_label: str
    severity: str
    description: str
    action_taken: str
    follow_up_due: dt.date | None
    occurred_on: dt.date
    recorded_by: str
    recorded_at: dt.datetime
    admin_alerted_at: dt.datetime | None
    admin_alert_recipients: list[str]
    admin_alert_error: str


@dataclass(frozen=True)
class AddendumSummary:
    id: int
    text: str
    author: str
    created_at: dt.datetime


@dataclass(frozen=True)
class EpisodeSummary:
    id: uuid.UUID
    condition: str
    condition_name: str
    icd10_code: str
    icd10_label: str
    regions: list[dict[str, Any]]
    goals: str
    planned_sessions: int
    interval_weeks: int
    co_treatments: list[str]
    opened_on: dt.date
    closed_on: dt.date | None
    discharge_reason: str = ""  # a DischargeReason value, or "" while open
    discharge_reason_label: str = ""
    discharge_summary: str = ""


@dataclass(frozen=True)
class BillingRuleSummary:
    id: str
    text: str
    sources: list[str]  # short citations
    confirmed: bool


@dataclass(frozen=True)
class VisitSummary:
    id: uuid.UUID
    version: int
    status: str
    visit_date: dt.date
    patient_id: uuid.UUID
    patient_name: str
    chart_number: str
    clinician: str
    episode: EpisodeSummary
    visit_number: int
    notes: str
    pain_before: int | None
    pain_after: int | None
    pain_drawing: list[PainMarkSummary]
    findings: list[FindingSummary]
    insertions: list[InsertionSummary]
    co_interventions: list[CoInterventionSummary]
    adverse_events: list[AdverseEventSummary]
    addenda: list[AddendumSummary]
    needles_opened: int | None
    needles_removed: int | None
    needles_logged: int  # the sum of the entries' needles_used
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
    warnings_acknowledged: int = field(default=0)
    #: How the CPT code follows from the needle log, and the counting rules it needed (with sources).
    billing_basis: str = ""
    billing_rules: list[BillingRuleSummary] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _billing(visit: Visit, needled: list[tuple[str, str]]) -> tuple[int, list[str], str, list[BillingRuleSummary]]:
    """(muscles counted, CPT codes, how they follow from the log, the counting rules used). A signed
    note keeps the codes frozen at signing; if today's rules would give others, the basis says so."""
    counted = count_muscles(needled, kb().muscles)
    basis = counted.basis()
    codes = counted.codes
    if visit.is_signed:
        codes = list(visit.cpt_codes)
        if codes != counted.codes:
            frozen = f"CPT {', '.join(codes)}" if codes else "no CPT code"
            basis = f"Billed at signing as {frozen} (codes are frozen at signing). Counted by today's rules: {basis}"
    references = kb().references
    rules = [
        BillingRuleSummary(
            rule.id, rule.text, [short_citation(references.get(s), s) for s in rule.sources], rule.confirmed
        )
        for rule in counted.rules
    ]
    return counted.count, codes, basis, rules


def _icd_label(condition_id: str, code: str) -> str:
    condition = kb().conditions.get(condition_id)
    return next((c.label for c in condition.icd10cm if c.code == code), "") if condition else ""


def _muscle_name(muscle_id: str) -> str:
    muscle = kb().muscles.get(muscle_id)
    return muscle.name if muscle else muscle_id


def episode_summary(episode: Any) -> EpisodeSummary:
    condition = kb().conditions.get(episode.condition_id)
    return EpisodeSummary(
        id=episode.pk,
        condition=episode.condition_id,
        condition_name=condition.name if condition else episode.condition_id,
        icd10_code=episode.icd10_code,
        icd10_label=_icd_label(episode.condition_id, episode.icd10_code),
        regions=list(episode.regions),
        goals=episode.goals,
        planned_sessions=episode.planned_sessions,
        interval_weeks=episode.interval_weeks,
        co_treatments=list(episode.co_treatments),
        opened_on=episode.opened_on,
        closed_on=episode.closed_on,
        discharge_reason=episode.discharge_reason,
        discharge_reason_label=episode.get_discharge_reason_display() if episode.discharge_reason else "",
        discharge_summary=episode.discharge_summary,
    )


def visit_summary(visit: Visit) -> VisitSummary:
    """The whole note as plain data (see the module docstring)."""
    regions = kb().regions
    episode = visit.episode
    patient = visit.patient
    insertions = list(visit.insertions.select_related("recorded_by"))
    needled = [(i.muscle_id, i.side) for i in insertions]
    logged = sum(i.needles_used for i in insertions)
    muscles_counted, codes, basis, rules = _billing(visit, needled)
    counted = (
        needle_count_problem(visit.needles_opened, visit.needles_removed, logged)
        if visit.needles_opened is not None and visit.needles_removed is not None
        else None
    )
    number = Visit.objects.filter(episode=episode, created_at__lte=visit.created_at).count()
    return VisitSummary(
        id=visit.pk,
        version=visit.version,
        status=visit.status,
        visit_date=visit.visit_date,
        patient_id=patient.pk,
        patient_name=patient.full_name,
        chart_number=patient.chart_number,
        clinician=display_name(visit.clinician),
        episode=episode_summary(episode),
        visit_number=number,
        notes=visit.notes,
        pain_before=visit.pain_before,
        pain_after=visit.pain_after,
        pain_drawing=[
            PainMarkSummary(m.region, regions[m.region].label if m.region in regions else m.region, m.side, m.intensity)
            for m in visit.pain_marks.all()
        ],
        findings=[
            FindingSummary(
                f.pk,
                f.muscle_id,
                _muscle_name(f.muscle_id),
                f.side,
                f.activity,
                f.taut_band,
                f.tender_nodule,
                f.referred_pain,
                f.local_twitch_response,
                f.notes,
            )
            for f in visit.findings.all()
        ],
        insertions=[
            InsertionSummary(
                id=i.pk,
                muscle=i.muscle_id,
                muscle_name=_muscle_name(i.muscle_id),
                side=i.side,
                technique=i.technique,
                needle_diameter_mm=i.needle_diameter_mm,
                needle_length_mm=i.needle_length_mm,
                depth_mm=i.depth_mm,
                approach=i.approach,
                manipulation=i.manipulation,
                ltr_count=i.ltr_count,
                retention_seconds=i.retention_seconds,
                electrical_stimulation=i.electrical_stimulation,
                estim_frequency_hz=i.estim_frequency_hz,
                estim_pulse_width_us=i.estim_pulse_width_us,
                estim_intensity_ma=i.estim_intensity_ma,
                estim_minutes=i.estim_minutes,
                needles_used=i.needles_used,
                needle_lots=list(i.needle_lots),
                ultrasound_guided=i.ultrasound_guided,
                acknowledgements=list(i.acknowledgements),
                confirmed=i.checked_at is not None,
                recorded_by=display_name(i.recorded_by),
            )
            for i in insertions
        ],
        co_interventions=[
            CoInterventionSummary(c.pk, c.kind, c.get_kind_display(), c.details) for c in visit.co_interventions.all()
        ],
        adverse_events=[
            AdverseEventSummary(
                id=e.pk,
                kind=e.kind,
                kind_label=e.get_kind_display(),
                severity=e.severity,
                description=e.description,
                action_taken=e.action_taken,
                follow_up_due=e.follow_up_due,
                occurred_on=e.occurred_on,
                recorded_by=e.recorded_by_name,
                recorded_at=e.recorded_at,
                admin_alerted_at=e.admin_alerted_at,
                admin_alert_recipients=list(e.admin_alert_recipients),
                admin_alert_error=e.admin_alert_error,
            )
            for e in visit.adverse_events.all()
        ],
        addenda=[AddendumSummary(a.pk, a.text, a.author_name, a.created_at) for a in visit.addenda.all()],
        needles_opened=visit.needles_opened,
        needles_removed=visit.needles_removed,
        needles_logged=logged,
        needle_count_problem=counted,
        signing_problems=signing_problems(visit),
        muscles_needled=muscles_counted,
        cpt_codes=codes,
        icd10_code=visit.icd10_code if visit.is_signed else episode.icd10_code,
        copied_from=visit.copied_from,
        created_at=visit.created_at,
        updated_at=visit.updated_at,
        updated_by=visit.updated_by_name,
        signed_at=visit.signed_at,
        signed_by=visit.signed_by_name,
        warnings_acknowledged=sum(len(i.acknowledgements) for i in insertions),
        billing_basis=basis,
        billing_rules=rules,
    )
