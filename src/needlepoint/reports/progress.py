"""The progress report of an episode of care: as plain data, as HTML, and as a PDF.

``progress_report`` gathers the episode (condition, ICD-10-CM, dates, planned and done sessions,
goals), its signed visits, a needling summary, the outcome measures with their charts and labels
(from ``outcomes.services.summary``) and the responder status. ``report_html`` renders it for one
audience with Django's autoescaping; ``report_pdf`` turns that HTML into a PDF with WeasyPrint and
the documents app's :class:`~needlepoint.documents.fetcher.DataOnlyFetcher`: each chart is embedded
as a ``data:`` URI image (as the visit note embeds its body map), so nothing is fetched. Nothing
here checks permissions or audits: ``services`` does.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from needlepoint.documents import inputs as doc
from needlepoint.documents.render import check_page_size, fmt_date, fmt_number, html_to_pdf, svg_data_uri
from needlepoint.knowledge import load_knowledge
from needlepoint.outcomes.services.summary import EpisodeOutcomes, MeasureSeries, outcomes_for_episode
from needlepoint.reports import wording
from needlepoint.reports.charts import chart_description, progress_chart_svg
from needlepoint.visits.documents import clinic_details, patient_details
from needlepoint.visits.models import Episode, Visit

SIDE_LETTERS = {"left": "L", "right": "R"}


@dataclass(frozen=True)
class VisitRow:
    visit_id: uuid.UUID
    number: int
    visit_date: dt.date
    clinician: str
    pain_before: int | None
    pain_after: int | None
    muscles: int
    needles: int | None
    adverse_events: tuple[str, ...]


@dataclass(frozen=True)
class MuscleRow:
    muscle: str
    side: str  # "L", "R", "L+R"
    sessions: int


@dataclass(frozen=True)
class EpisodeFacts:
    episode_id: uuid.UUID
    condition: str
    icd10_code: str
    icd10_label: str
    opened_on: dt.date
    closed_on: dt.date | None
    planned_sessions: int
    interval_weeks: int
    goals: str
    signed_visits: int
    draft_visits: int
    discharge_reason: str = ""  # the reason's label, "" while open
    discharge_summary: str = ""


@dataclass(frozen=True)
class ProgressReport:
    clinic: doc.ClinicDetails
    patient: doc.PatientDetails
    episode: EpisodeFacts
    clinicians: tuple[str, ...]
    visits: tuple[VisitRow, ...]
    muscles: tuple[MuscleRow, ...]
    outcomes: EpisodeOutcomes
    prepared_on: dt.date
    prepared_by: str = ""


# --- gathering --------------------------------------------------------------------------------


def _muscle_name(muscle_id: str) -> str:
    muscle = load_knowledge().muscles.get(muscle_id)
    return muscle.name if muscle else muscle_id


def episode_facts(episode: Episode, signed: int, drafts: int) -> EpisodeFacts:
    condition = load_knowledge().conditions.get(episode.condition_id)
    label = ""
    if condition is not None:
        label = next((c.label for c in condition.icd10cm if c.code == episode.icd10_code), "")
    return EpisodeFacts(
        episode_id=episode.pk,
        condition=condition.name if condition else episode.condition_id,
        icd10_code=episode.icd10_code,
        icd10_label=label,
        opened_on=episode.opened_on,
        closed_on=episode.closed_on,
        planned_sessions=episode.planned_sessions,
        interval_weeks=episode.interval_weeks,
        goals=episode.goals,
        signed_visits=signed,
        draft_visits=drafts,
        discharge_reason=episode.get_discharge_reason_display() if episode.discharge_reason else "",
        discharge_summary=episode.discharge_summary,
    )


def visit_rows(visits: list[Visit]) -> list[VisitRow]:
    rows = []
    for number, visit in enumerate(visits, start=1):
        insertions = list(visit.insertions.all())
        rows.append(
            VisitRow(
                visit_id=visit.pk,
                number=number,
                visit_date=visit.visit_date,
                clinician=visit.signed_by_name or visit.clinician.get_full_name(),
                pain_before=visit.pain_before,
                pain_after=visit.pain_after,
                muscles=len({i.muscle_id for i in insertions}),
                needles=visit.needles_opened,
                adverse_events=tuple(
                    f"{e.get_kind_display()} ({e.severity})" for e in visit.adverse_events.all()
                ),
            )
        )
    return rows


def muscle_rows(visits: list[Visit]) -> list[MuscleRow]:
    """Each muscle once, in the order first needled: the sides and the number of sessions."""
    sides: dict[str, set[str]] = {}
    sessions: dict[str, set[uuid.UUID]] = {}
    for visit in visits:
        for row in visit.insertions.all():
            sides.setdefault(row.muscle_id, set()).add(row.side)
            sessions.setdefault(row.muscle_id, set()).add(visit.pk)
    out = []
    for muscle_id, seen in sides.items():
        side = "L+R" if len(seen) == 2 else SIDE_LETTERS.get(next(iter(seen)), "")
        out.append(MuscleRow(_muscle_name(muscle_id), side, len(sessions[muscle_id])))
    return out


def progress_report(episode: Episode, *, today: dt.date, prepared_by: str = "") -> ProgressReport:
    """Everything the report shows, from the episode's signed visits and outcome measures."""
    all_visits = Visit.objects.filter(episode=episode)
    signed = list(
        all_visits.filter(status=Visit.Status.SIGNED)
        .select_related("clinician")
        .prefetch_related("insertions", "adverse_events")
        .order_by("visit_date", "created_at")
    )
    drafts = all_visits.exclude(status=Visit.Status.SIGNED).count()
    patient = episode.patient
    return ProgressReport(
        clinic=clinic_details(patient),
        patient=patient_details(patient),
        episode=episode_facts(episode, len(signed), drafts),
        clinicians=tuple(dict.fromkeys(v.signed_by_name or v.clinician.get_full_name() for v in signed)),
        visits=tuple(visit_rows(signed)),
        muscles=tuple(muscle_rows(signed)),
        outcomes=outcomes_for_episode(episode),
        prepared_on=today,
        prepared_by=prepared_by,
    )


# --- presenting -------------------------------------------------------------------------------


def svg(markup: str) -> SafeString:
    """A chart from :mod:`.charts`: matplotlib escapes its text, and the title and description
    are escaped when they are added."""
    return mark_safe(markup)  # noqa: S308


def measure_blocks(
    series: tuple[MeasureSeries, ...], audience: wording.Audience, prefix: str, *, for_pdf: bool = False
) -> list[dict[str, Any]]:
    """Each measure's chart, labels and thresholds. For a PDF the chart is an image (a ``data:``
    URI, drawn by WeasyPrint's SVG renderer); for a web page it is inline SVG."""
    blocks = []
    for index, s in enumerate(series):
        drawing = progress_chart_svg(s, id_prefix=f"{prefix}{index}-")
        blocks.append(
            {
                "id": f"{prefix}{index}",
                "series": s,
                "title": s.title,
                "chart": None if for_pdf else svg(drawing),
                "chart_uri": svg_data_uri(drawing) if for_pdf else "",
                "description": chart_description(s),
                "change": wording.change_text(audience, s),
                "plain": wording.plain_label(s),
                "clinical": wording.clinical_label(s),
                "thresholds": wording.thresholds_text(s),
                "label": s.change.label if s.change is not None else "",
                "baseline": s.baseline,
                "latest": s.latest,
            }
        )
    return blocks


def plan_text(report: ProgressReport) -> str:
    e = report.episode
    if e.closed_on is not None:
        done = f"{e.signed_visits} of {e.planned_sessions}"
        why = f" Reason: {e.discharge_reason.lower()}." if e.discharge_reason else ""
        return f"Discharged on {fmt_date(e.closed_on)} after {done} planned sessions.{why}"
    left = max(e.planned_sessions - e.signed_visits, 0)
    rhythm = "weekly" if e.interval_weeks == 1 else f"every {e.interval_weeks} weeks"
    if left:
        return (
            f"{e.signed_visits} of {e.planned_sessions} planned sessions done; {left} more planned, {rhythm}, "
            "then re-assessment against the goals."
        )
    return (
        f"All {e.planned_sessions} planned sessions are done; re-assessment and a decision on discharge "
        "or a further course are due."
    )


def report_context(report: ProgressReport, audience: wording.Audience) -> dict[str, Any]:
    outcomes = report.outcomes
    patient = report.patient
    dob = fmt_date(patient.date_of_birth)
    if patient.age is not None and dob:
        dob = f"{dob} (age {patient.age})"
    e = report.episode
    return {
        "audience": audience,
        "audience_label": wording.AUDIENCE_LABELS[audience],
        "title": wording.TITLES[audience],
        "clinic": report.clinic,
        "patient": patient,
        "dob": dob,
        "episode": e,
        "opened_on": fmt_date(e.opened_on),
        "closed_on": fmt_date(e.closed_on),
        "rhythm": "weekly" if e.interval_weeks == 1 else f"every {e.interval_weeks} weeks",
        "clinicians": report.clinicians,
        "visits": [
            {
                "number": v.number,
                "date": fmt_date(v.visit_date),
                "clinician": v.clinician,
                "pain_before": fmt_number(v.pain_before) or "\N{EN DASH}",
                "pain_after": fmt_number(v.pain_after) or "\N{EN DASH}",
                "muscles": v.muscles,
                "needles": fmt_number(v.needles) or "\N{EN DASH}",
                "adverse_events": ", ".join(v.adverse_events),
            }
            for v in report.visits
        ],
        "adverse_event_count": sum(len(v.adverse_events) for v in report.visits),
        "muscles": report.muscles,
        "measures": measure_blocks(outcomes.series, audience, "pr", for_pdf=True),
        "primary": outcomes.primary,
        "responder": outcomes.responder,
        "responder_line": wording.responder_line(audience, outcomes),
        "responder_reason": outcomes.responder_reason,
        "responder_rule": wording.responder_rule(outcomes),
        "plan": plan_text(report),
        "prepared_on": fmt_date(report.prepared_on),
        "prepared_by": report.prepared_by,
    }


def report_html(report: ProgressReport, audience: wording.Audience, *, page_size: str = "A4") -> str:
    """The HTML that goes to WeasyPrint (testable without it)."""
    if audience not in wording.AUDIENCES:
        raise ValueError(f"audience: one of {', '.join(wording.AUDIENCES)}")
    check_page_size(page_size)
    context = {**report_context(report, audience), "page_size": page_size}
    return render_to_string("reports/progress_report.html", context)


def report_pdf(report: ProgressReport, audience: wording.Audience, *, page_size: str = "A4") -> bytes:
    return html_to_pdf(report_html(report, audience, page_size=page_size))


def report_filename(report: ProgressReport, audience: str) -> str:
    chart = report.patient.chart_number or "patient"
    return f"progress-report-{audience}-{chart}-{report.prepared_on:%Y-%m-%d}.pdf"
