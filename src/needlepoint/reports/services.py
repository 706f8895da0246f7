"""Report use cases: who may see which report, one transaction, one audit row each.

- ``export_progress_report``: the progress report PDF of an episode (clinicians and clinic
  administrators; audited as an export). Outsiders are told the episode does not exist.
- ``portal_progress``: the signed-in patient's own episodes with their charts (each episode's read
  audited).
- ``clinic_dashboard``: the clinic's dashboard (staff; the clinical part, responder rates and
  adverse-event rates, for clinicians and clinic administrators only; the read is audited).
- ``outcome_charts``: the charts of an episode's outcomes, for a page that already checked access
  (the clinician's outcomes page).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.safestring import SafeString

from needlepoint.accounts.models import Role, User
from needlepoint.audit import services as audit
from needlepoint.errors import Forbidden, InvalidInput, NotFound
from needlepoint.outcomes.services.measurements import find_patient_episode
from needlepoint.outcomes.services.summary import EpisodeOutcomes, MeasureSeries, outcomes_for_episode
from needlepoint.patients.models import Patient
from needlepoint.reports import dashboard, progress, wording
from needlepoint.reports.charts import progress_chart_svg
from needlepoint.visits.models import Episode
from needlepoint.visits.services.common import clinic_today, display_name

REPORT_ROLES = (Role.CLINICIAN, Role.CLINIC_ADMIN)
CLINICAL_DASHBOARD_ROLES = (Role.CLINICIAN, Role.CLINIC_ADMIN)
MAX_PERIOD_DAYS = 5 * 366


# --- the progress report ----------------------------------------------------------------------


def parse_audience(value: Any) -> wording.Audience:
    if value in (None, ""):
        return wording.DEFAULT_AUDIENCE
    if value not in wording.AUDIENCES:
        raise InvalidInput({"audience": [f"one of: {', '.join(wording.AUDIENCES)} (got {str(value)[:40]!r})"]})
    return value  # type: ignore[no-any-return]


@dataclass(frozen=True)
class ExportedReport:
    content: bytes
    filename: str


def export_progress_report(actor: User, patient_id: Any, episode_id: Any, audience: Any = None) -> ExportedReport:
    """The progress report PDF for ``audience`` (patient, physician or payer), audited as an export."""
    episode = find_patient_episode(actor, patient_id, episode_id)  # first: outsiders learn nothing
    if actor.role not in REPORT_ROLES:
        raise Forbidden("Only clinicians and clinic administrators can export a progress report.")
    chosen = parse_audience(audience)
    with transaction.atomic():
        today = clinic_today(episode.clinic_id)
        report = progress.progress_report(episode, prepared_by=display_name(actor), today=today)
        content = progress.report_pdf(report, chosen)
        audit.record(
            audit.Action.EXPORT,
            episode,
            actor=actor,
            clinic_id=episode.clinic_id,
            after={"document": "progress-report", "audience": chosen, "bytes": len(content)},
        )
    return ExportedReport(content, progress.report_filename(report, chosen))


# --- the patient's own progress ---------------------------------------------------------------


@dataclass(frozen=True)
class PortalEpisode:
    episode: Episode
    facts: progress.EpisodeFacts
    outcomes: EpisodeOutcomes
    measures: list[dict[str, Any]]
    responder_line: str


def own_record(user: Any) -> Patient | None:
    if getattr(user, "role", None) != Role.PATIENT or not getattr(user, "is_active", False):
        return None
    return Patient.objects.visible_to(user).first()


def portal_progress(user: User) -> tuple[Patient | None, list[PortalEpisode]]:
    """The patient's own episodes, newest first, with their charts in plain words.

    ``Episode.objects.visible_to`` shows episodes to staff only, so the patient rule of
    ``patients.scoping`` is applied here: an active patient login, their own record, their clinic.
    """
    record = own_record(user)
    if record is None:
        return None, []
    episodes = list(
        Episode.objects.filter(clinic_id=record.clinic_id, patient=record).select_related("patient", "clinic")
    )
    rows = []
    with transaction.atomic():
        for index, episode in enumerate(episodes):
            outcomes = outcomes_for_episode(episode)
            signed = episode.visits.filter(status="signed").count()
            rows.append(
                PortalEpisode(
                    episode=episode,
                    facts=progress.episode_facts(episode, signed, 0),
                    outcomes=outcomes,
                    measures=progress.measure_blocks(outcomes.series, "patient", f"pp{index}-"),
                    responder_line=wording.responder_line("patient", outcomes),
                )
            )
            audit.record(audit.Action.READ, episode, actor=user, clinic_id=episode.clinic_id)
    return record, rows


# --- charts for the clinician's outcomes page -------------------------------------------------


def outcome_charts(outcomes: EpisodeOutcomes, *, prefix: str = "oc") -> list[tuple[MeasureSeries, SafeString]]:
    """(series, SVG) for each measure of an episode, for ``reports/_episode_charts.html``. The
    caller has already checked access and audited the read (``episode_outcomes``)."""
    return [
        (series, progress.svg(progress_chart_svg(series, id_prefix=f"{prefix}{index}-")))
        for index, series in enumerate(outcomes.series)
    ]


# --- the clinic dashboard ---------------------------------------------------------------------


def parse_period(start: Any, end: Any, today: dt.date) -> tuple[dt.date, dt.date]:
    """The period of the clinical figures: by default the last 12 months up to today."""
    errors: dict[str, list[str]] = {}
    parsed: dict[str, dt.date | None] = {}
    for name, value in (("start", start), ("end", end)):
        if value in (None, ""):
            parsed[name] = None
        elif isinstance(value, dt.date):
            parsed[name] = value
        else:
            try:
                parsed[name] = dt.date.fromisoformat(str(value))
            except ValueError:
                errors[name] = ["a date as YYYY-MM-DD"]
                parsed[name] = None
    if errors:
        raise InvalidInput(errors)
    last = parsed["end"] or today
    first = parsed["start"] or (last - dt.timedelta(days=dashboard.DEFAULT_PERIOD_DAYS) + dt.timedelta(days=1))
    if last > today:
        errors["end"] = ["cannot be in the future"]
    if first > last:
        errors["start"] = ["must be on or before the end of the period"]
    elif (last - first).days > MAX_PERIOD_DAYS:
        errors["start"] = ["the period can be at most five years"]
    if errors:
        raise InvalidInput(errors)
    return first, last


def clinic_dashboard(actor: User, *, start: Any = None, end: Any = None) -> dashboard.Dashboard:
    """The actor's clinic's dashboard. Front desk sees the operational part only."""
    if not getattr(actor, "is_clinic_staff", False):
        raise NotFound()
    clinic_id = int(actor.clinic_id)  # type: ignore[arg-type]
    today = clinic_today(clinic_id)
    first, last = parse_period(start, end, today)
    clinical = actor.role in CLINICAL_DASHBOARD_ROLES
    with transaction.atomic():
        board = dashboard.build_dashboard(clinic_id, today=today, start=first, end=last, clinical=clinical)
        audit.record(
            audit.Action.READ,
            audit.Subject("reports.clinic_dashboard", str(clinic_id), "Clinic dashboard"),
            actor=actor,
            clinic_id=clinic_id,
            after={"start": first, "end": last, "clinical": clinical},
        )
    return board
