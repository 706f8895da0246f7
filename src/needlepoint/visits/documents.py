"""A visit as printed documents: the note, the aftercare handout and the superbill.

Maps the note as plain data (``services.visit_summary``) and the few facts it does not hold (the
clinic's site, the clinician's licence, the next appointment) to the frozen inputs of
:mod:`needlepoint.documents.inputs` and :class:`needlepoint.clinical.aftercare.AftercareInput`, and
renders them. Nothing here decides who may print what: the views do, through the services.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import Any

from django.utils import timezone

from needlepoint.accounts.models import PractitionerProfile, Site, User
from needlepoint.bodymap import Mark, render_both
from needlepoint.clinical.aftercare import AftercareInput, Handout, build_handout
from needlepoint.clinical.billing import DESCRIPTIONS
from needlepoint.documents import inputs as doc
from needlepoint.documents.render import render_aftercare, render_superbill, render_visit_note
from needlepoint.documents.render import visit_summary as summary_line_of
from needlepoint.knowledge import load_knowledge
from needlepoint.patients.models import Patient
from needlepoint.scheduling.models import Appointment
from needlepoint.visits.models import NeedleInsertion, Visit
from needlepoint.visits.services import VisitSummary

#: The note's adverse-event kinds as ids of ``knowledge/data/adverse_effects.yaml`` (for the
#: handout's advice); "other" has no record and is shown in words.
AFTERCARE_EVENT_IDS = {
    "bruising": "bruising",
    "bleeding": "bleeding",
    "pain_during": "pain-during-treatment",
    "pain_after": "pain-after-treatment",
    "worse_symptoms": "symptom-aggravation",
    "drowsiness": "drowsiness",
    "fainting": "fainting",
    "nausea": "nausea",
    "headache": "headache",
    "nerve_irritation": "nerve-irritation-or-injury",
    "infection": "infection",
    "pneumothorax": "pneumothorax",
    "broken_or_retained_needle": "broken-needle",
}
TECHNIQUE_WORDS = {"superficial": "Superficial DN (≤10 mm)", "deep": "Deep DN"}
PLACE_OF_SERVICE = "11 - Office"


# --- who and where ----------------------------------------------------------------------------


def site_of(patient: Patient) -> Site | None:
    """The patient's home site, else the clinic's first active site (for address and phone)."""
    if patient.home_site_id is not None:
        return patient.home_site
    return Site.objects.filter(clinic_id=patient.clinic_id, is_active=True).order_by("pk").first()


def clinic_details(patient: Patient) -> doc.ClinicDetails:
    site = site_of(patient)
    name = patient.clinic.name
    return doc.ClinicDetails(
        name=name,
        address=site.address if site else "",
        phone=site.phone if site else "",
    )


def clinician_details(user: User) -> doc.ClinicianDetails:
    profile = PractitionerProfile.objects.filter(user=user).first()
    if profile is None:
        return doc.ClinicianDetails(name=user.display_name)
    return doc.ClinicianDetails(
        name=user.display_name,
        profession=profile.get_profession_display(),
        licence_number=profile.licence_number,
        licence_jurisdiction=profile.licence_jurisdiction,
    )


def patient_details(patient: Patient, *, with_address: bool = False) -> doc.PatientDetails:
    return doc.PatientDetails(
        name=patient.full_name,
        chart_number=patient.chart_number,
        date_of_birth=patient.date_of_birth,
        sex=patient.get_sex_display() if patient.sex != "unknown" else "",
        age=patient.age,
        address=patient.address if with_address else "",
    )


def _zone(visit: Visit) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(visit.clinic.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def visit_moment(visit: Visit) -> dt.datetime:
    """The visit's date at the time the note was started, in the clinic's zone."""
    zone = _zone(visit)
    started = timezone.localtime(visit.created_at, zone)
    return dt.datetime.combine(visit.visit_date, started.time().replace(second=0, microsecond=0), tzinfo=zone)


# --- the note ---------------------------------------------------------------------------------


def pain_chart(summary: VisitSummary, *, interactive: bool = False, prefix: str = "painmap") -> str:
    """The pain drawing on the body map (front and back)."""
    marks = {(m.region, m.side): Mark("pain", m.intensity) for m in summary.pain_drawing}
    return render_both(
        marks=marks,
        interactive=interactive,
        legend=not interactive,
        id_prefix=prefix,
        title="Pain drawing" if not interactive else "Pain drawing: select each painful region",
    )


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _insertion(row: Any) -> doc.NeedleInsertion:
    estim = None
    if row.electrical_stimulation and row.estim_frequency_hz is not None:
        estim = doc.ElectricalStimulation(
            frequency_hz=float(row.estim_frequency_hz),
            pulse_width_us=row.estim_pulse_width_us,
            intensity=f"{row.estim_intensity_ma:g} mA" if row.estim_intensity_ma is not None else "",
            minutes=float(row.estim_minutes or 0),
        )
    return doc.NeedleInsertion(
        muscle=row.muscle_name,
        side=row.side,
        technique=TECHNIQUE_WORDS.get(row.technique, row.technique),
        needle_diameter_mm=float(row.needle_diameter_mm),
        needle_length_mm=float(row.needle_length_mm),
        depth_mm=_float(row.depth_mm),
        approach=row.approach,
        manipulation=NeedleInsertion.Manipulation(row.manipulation).label.lower(),
        local_twitch_responses=row.ltr_count,
        retention_minutes=None if row.retention_seconds is None else round(row.retention_seconds / 60, 2),
        electrical_stimulation=estim,
        needle_lot=", ".join(row.needle_lots),
        ultrasound_guided=row.ultrasound_guided,
        needles_used=row.needles_used,
    )


def _placed(message: str, muscle: str, side: str) -> str:
    """'Upper trapezius, left: 30 mm reaches …' (the checks' messages often start with the muscle)."""
    if message.startswith(f"{muscle}:"):
        return f"{muscle}, {side}{message[len(muscle) :]}"
    return f"{muscle}, {side}: {message}"


def _acknowledged(summary: VisitSummary) -> tuple[doc.AcknowledgedWarning, ...]:
    out = []
    for row in summary.insertions:
        for ack in row.acknowledgements:
            try:
                at = dt.datetime.fromisoformat(str(ack.get("at")))
            except ValueError:
                at = summary.updated_at
            out.append(
                doc.AcknowledgedWarning(
                    code=str(ack.get("code", "")),
                    message=_placed(str(ack.get("message", "")), row.muscle_name, row.side),
                    acknowledged_by=str(ack.get("by_name", "")),
                    acknowledged_at=at,
                )
            )
    return tuple(out)


def note_document(visit: Visit, summary: VisitSummary, *, with_chart: bool = True) -> doc.VisitNoteDocument:
    patient = visit.patient
    episode = summary.episode
    site = site_of(patient)
    return doc.VisitNoteDocument(
        clinic=clinic_details(patient),
        patient=patient_details(patient),
        clinician=clinician_details(visit.clinician),
        episode=doc.Episode(
            condition=episode.condition_name,
            icd10cm_code=summary.icd10_code,
            icd10cm_label=episode.icd10_label if summary.icd10_code == episode.icd10_code else "",
            visit_number=summary.visit_number,
            planned_visits=episode.planned_sessions,
        ),
        visit_at=visit_moment(visit),
        site=site.name if site else "",
        time_zone=visit.clinic.time_zone,
        status="signed" if summary.status == Visit.Status.SIGNED else "draft",
        signed_at=summary.signed_at,
        signed_by=summary.signed_by,
        pain_drawing=tuple(doc.PainMark(m.region_label, m.side, m.intensity) for m in summary.pain_drawing),  # type: ignore[arg-type]
        body_map_svg=pain_chart(summary, prefix="pdfmap") if with_chart and summary.pain_drawing else None,
        nprs_before=summary.pain_before,
        nprs_after=summary.pain_after,
        trigger_points=tuple(
            doc.TriggerPointFinding(
                muscle=f.muscle_name,
                side=f.side,  # type: ignore[arg-type]
                active=f.activity == "active",
                taut_band=f.taut_band,
                nodule=f.tender_nodule,
                referred_pain_reproduced=f.referred_pain,
                local_twitch_on_palpation=f.local_twitch_response,
            )
            for f in summary.findings
        ),
        needling=tuple(_insertion(row) for row in summary.insertions),
        warnings=_acknowledged(summary),
        co_interventions=tuple(
            f"{c.kind_label}: {c.details}" if c.details else c.kind_label for c in summary.co_interventions
        ),
        adverse_events=tuple(
            doc.AdverseEventRow(
                kind=e.kind_label + (f" ({e.description})" if e.description else ""),
                severity=e.severity,
                action=e.action_taken,
                follow_up_due=e.follow_up_due,
            )
            for e in summary.adverse_events
        ),
        needle_count=(
            doc.NeedleCount(summary.needles_opened, summary.needles_removed, summary.needles_logged)
            if summary.needles_opened is not None and summary.needles_removed is not None
            else None
        ),
        procedure_codes=tuple(doc.ProcedureCode(code, DESCRIPTIONS.get(code, "")) for code in summary.cpt_codes),
        notes=summary.notes,
        addenda=tuple(doc.Addendum(a.created_at, a.author, a.text) for a in summary.addenda),
    )


def summary_line(visit: Visit, summary: VisitSummary) -> str:
    """The line another clinician reads first (the same as at the top of the PDF)."""
    return summary_line_of(note_document(visit, summary, with_chart=False))


def note_pdf(visit: Visit, summary: VisitSummary) -> bytes:
    return render_visit_note(note_document(visit, summary))


def note_filename(summary: VisitSummary, kind: str) -> str:
    return f"{kind}-{summary.chart_number}-{summary.visit_date:%Y-%m-%d}.pdf"


# --- aftercare --------------------------------------------------------------------------------


def next_appointment(visit: Visit) -> dt.date | None:
    """The patient's next booked visit after this one (not cancelled), as a date in the clinic's zone."""
    after = dt.datetime.combine(visit.visit_date + dt.timedelta(days=1), dt.time.min, tzinfo=_zone(visit))
    appointment = (
        Appointment.objects.filter(clinic_id=visit.clinic_id, patient_id=visit.patient_id, starts_at__gte=after)
        .exclude(status__in=[Appointment.Status.CANCELLED, Appointment.Status.NO_SHOW])
        .order_by("starts_at")
        .first()
    )
    return None if appointment is None else timezone.localtime(appointment.starts_at, _zone(visit)).date()


def aftercare_input(visit: Visit, summary: VisitSummary) -> AftercareInput:
    kb = load_knowledge()
    regions: list[tuple[str, str | None]] = []
    for row in summary.insertions:
        muscle = kb.muscles.get(row.muscle)
        for code in muscle.regions if muscle else ():
            key = (code, None if kb.regions[code].midline else row.side)
            if key not in regions:
                regions.append(key)
    episode = summary.episode
    more_planned = episode.closed_on is None and summary.visit_number < episode.planned_sessions
    site = site_of(visit.patient)
    return AftercareInput(
        patient_name=summary.patient_name,
        visit_date=summary.visit_date,
        regions_needled=tuple(regions),
        muscles_needled=tuple(dict.fromkeys(row.muscle for row in summary.insertions)),
        chest_wall_needled=any(kb.muscles[r.muscle].near_lung for r in summary.insertions if r.muscle in kb.muscles),
        electrical_stimulation=any(r.electrical_stimulation for r in summary.insertions),
        adverse_events=tuple(
            (AFTERCARE_EVENT_IDS.get(e.kind, e.kind_label), e.severity) for e in summary.adverse_events
        ),
        next_visit=next_appointment(visit),
        interval_days=episode.interval_weeks * 7 if more_planned else None,
        clinic_name=visit.clinic.name,
        clinic_phone=site.phone if site else "",
    )


def handout(visit: Visit, summary: VisitSummary) -> Handout:
    return build_handout(aftercare_input(visit, summary))


def aftercare_document(visit: Visit, summary: VisitSummary) -> doc.AftercareDocument:
    return doc.AftercareDocument(
        handout=handout(visit, summary),
        patient_name=summary.patient_name,
        clinic=clinic_details(visit.patient),
        clinician_name=summary.clinician,
    )


def aftercare_pdf(visit: Visit, summary: VisitSummary) -> bytes:
    return render_aftercare(aftercare_document(visit, summary))


# --- the superbill ----------------------------------------------------------------------------


def superbill_document(visit: Visit, summary: VisitSummary) -> doc.SuperbillDocument:
    """CPT 20560/20561 from the muscles needled (counted by clinical/billing.py, which the superbill
    explains), with the episode's ICD-10-CM code, as frozen at signing. Raises ValueError for a
    note with nothing to bill."""
    if not summary.cpt_codes:
        raise ValueError("No needling is recorded in this note, so there is nothing to bill.")
    episode = summary.episode
    label = episode.icd10_label if summary.icd10_code == episode.icd10_code else ""
    return doc.SuperbillDocument(
        clinic=clinic_details(visit.patient),
        provider=clinician_details(visit.signed_by or visit.clinician),
        patient=patient_details(visit.patient, with_address=True),
        date_of_service=summary.visit_date,
        place_of_service=PLACE_OF_SERVICE,
        diagnoses=(doc.DiagnosisLine(summary.icd10_code, label or episode.condition_name),),
        procedures=tuple(
            doc.ProcedureLine(code, DESCRIPTIONS.get(code, ""), diagnosis_pointers="A") for code in summary.cpt_codes
        ),
        issued_on=timezone.localdate(),
        code_basis=summary.billing_basis,
        code_rules=tuple(
            f"{r.text} (Source: {'; '.join(r.sources)}{'' if r.confirmed else '; not confirmed'}.)"
            for r in summary.billing_rules
        ),
    )


def superbill_pdf(visit: Visit, summary: VisitSummary) -> bytes:
    return render_superbill(superbill_document(visit, summary))
