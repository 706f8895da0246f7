"""The clinic dashboard as plain data: what is open, what is due, and how the clinic is doing.

Every query here is filtered by the clinic's id, and nothing else: the caller (``services``)
decides who may see which part and records the read. The parts:

- operational: active episodes (last visit, next appointment), follow-up questionnaires due in the
  next 14 days or overdue and unanswered, episodes whose planned sessions are done but that are
  not discharged;
- clinical (clinicians and clinic administrators): responder rate by condition, and adverse
  events per 1,000 signed visits (every event recorded, exact Poisson 95% interval) against the
  published event rates of Brady 2014 and Boyce 2020, beside the share of visits with at least
  one event (Wilson 95% interval), which is not compared with them because they count events
  (the maths is in :mod:`needlepoint.clinical.ae_rates`, the published figures and what each
  counts in ``knowledge/data/ae_benchmarks.yaml``). The adverse-event block is aggregates only.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache

from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from needlepoint.clinical.ae_rates import (
    EVENT_INTERVAL_METHOD,
    EVENT_INTERVAL_SOURCE,
    INTERVAL_METHOD,
    INTERVAL_SOURCE,
    Comparison,
    RateEstimate,
    compare,
    events_per_1000,
    format_rate,
    visits_with_event_per_1000,
)
from needlepoint.consent.content import short_citation
from needlepoint.knowledge import load_knowledge
from needlepoint.knowledge.ae_benchmarks import GRADE_LABELS, GRADES, Benchmark, Grade, ae_benchmarks
from needlepoint.knowledge.outcomes import load_questionnaires
from needlepoint.outcomes.models import QuestionnaireInvitation, Timepoint
from needlepoint.outcomes.services.summary import outcomes_for_episodes
from needlepoint.reports.charts import RateBar, ae_rates_chart_svg
from needlepoint.scheduling.models import Appointment
from needlepoint.visits.models import AdverseEvent, Episode, Visit

DUE_SOON_DAYS = 14
DEFAULT_PERIOD_DAYS = 365
#: Which of the note's severities count in which published grade (clinical/adverse_events.py).
SEVERITIES_OF: dict[Grade, tuple[str, ...]] = {
    "mild": ("mild",),
    "significant_or_serious": ("significant", "serious"),
}


# --- what the page shows ----------------------------------------------------------------------


@dataclass(frozen=True)
class ActiveEpisode:
    episode_id: uuid.UUID
    patient_id: uuid.UUID
    patient_name: str
    chart_number: str
    condition: str
    opened_on: dt.date
    planned_sessions: int
    signed_visits: int
    last_visit: dt.date | None
    next_appointment: dt.datetime | None

    @property
    def plan_done(self) -> bool:
        return self.signed_visits >= self.planned_sessions


@dataclass(frozen=True)
class FollowUp:
    invitation_id: uuid.UUID
    episode_id: uuid.UUID
    patient_id: uuid.UUID
    patient_name: str
    chart_number: str
    questionnaire: str
    timepoint: str
    due_at: dt.datetime
    expires_at: dt.datetime
    sent: bool
    expired: bool


@dataclass(frozen=True)
class ResponderRate:
    condition_id: str
    condition: str
    episodes: int  # with enough data to judge
    responders: int
    not_judged: int  # episodes of the condition without enough data yet

    @property
    def percent(self) -> float:
        return self.responders / self.episodes * 100 if self.episodes else 0.0


@dataclass(frozen=True)
class PublishedRate:
    benchmark: Benchmark
    comparison: Comparison | None  # None when the clinic has no visits to compare
    citation: str


@dataclass(frozen=True)
class GradeRate:
    grade: Grade
    label: str
    events: int  # every event of the grade recorded in the period's signed visits
    event_rate: RateEstimate | None  # events per 1,000 visits (exact Poisson interval); compared
    visits_with_event: int
    visit_share: RateEstimate | None  # visits with at least one, per 1,000 (Wilson); not compared
    published: tuple[PublishedRate, ...]

    def estimate_for(self, counts: str) -> RateEstimate | None:
        """The clinic's figure that counts what a published figure counts."""
        return self.event_rate if counts == "events" else self.visit_share


@dataclass(frozen=True)
class AdverseEventRates:
    start: dt.date
    end: dt.date
    visits: int
    grades: tuple[GradeRate, ...]
    chart_svg: str
    method: str = EVENT_INTERVAL_METHOD
    method_citation: str = ""
    share_method: str = INTERVAL_METHOD
    share_method_citation: str = ""
    sources: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Dashboard:
    today: dt.date
    start: dt.date
    end: dt.date
    active: tuple[ActiveEpisode, ...]
    due_soon: tuple[FollowUp, ...]
    overdue: tuple[FollowUp, ...]
    plan_done: tuple[ActiveEpisode, ...]
    clinical: bool
    responders: tuple[ResponderRate, ...] = ()
    adverse_events: AdverseEventRates | None = None


# --- operational ------------------------------------------------------------------------------


def active_episodes(clinic_id: int, now: dt.datetime) -> list[ActiveEpisode]:
    """Open episodes, oldest first, with their last visit and the patient's next appointment."""
    kb = load_knowledge()
    episodes = list(
        Episode.objects.filter(clinic_id=clinic_id, closed_on__isnull=True)
        .select_related("patient")
        .annotate(
            last_visit=Max("visits__visit_date"),
            signed_visits=Count("visits", filter=Q(visits__status=Visit.Status.SIGNED)),
        )
        .order_by("opened_on", "created_at")
    )
    patient_ids = {e.patient_id for e in episodes}
    next_at = dict(
        Appointment.objects.filter(clinic_id=clinic_id, patient_id__in=patient_ids, starts_at__gte=now)
        .holding_time()
        .values("patient_id")
        .annotate(first=Min("starts_at"))
        .values_list("patient_id", "first")
    )
    rows = []
    for e in episodes:
        condition = kb.conditions.get(e.condition_id)
        rows.append(
            ActiveEpisode(
                episode_id=e.pk,
                patient_id=e.patient_id,
                patient_name=e.patient.full_name,
                chart_number=e.patient.chart_number,
                condition=condition.name if condition else e.condition_id,
                opened_on=e.opened_on,
                planned_sessions=e.planned_sessions,
                signed_visits=e.signed_visits,  # type: ignore[attr-defined]
                last_visit=e.last_visit,  # type: ignore[attr-defined]
                next_appointment=next_at.get(e.patient_id),
            )
        )
    return rows


def follow_ups(clinic_id: int, now: dt.datetime) -> tuple[list[FollowUp], list[FollowUp]]:
    """Unanswered questionnaire invitations: (due in the next 14 days, overdue)."""
    titles = {q.id: q.short_title for q in load_questionnaires().values()}
    labels = dict(Timepoint.choices)
    rows = (
        QuestionnaireInvitation.objects.filter(
            clinic_id=clinic_id,
            response__isnull=True,
            used_at__isnull=True,
            cancelled_at__isnull=True,
            due_at__lt=now + dt.timedelta(days=DUE_SOON_DAYS),
        )
        .select_related("patient")
        .order_by("due_at")
    )
    soon: list[FollowUp] = []
    overdue: list[FollowUp] = []
    for row in rows:
        item = FollowUp(
            invitation_id=row.pk,
            episode_id=row.episode_id,
            patient_id=row.patient_id,
            patient_name=row.patient.full_name,
            chart_number=row.patient.chart_number,
            questionnaire=titles.get(row.questionnaire, row.questionnaire),
            timepoint=labels.get(row.timepoint, row.timepoint),
            due_at=row.due_at,
            expires_at=row.expires_at,
            sent=row.sent_at is not None,
            expired=row.expires_at <= now,
        )
        (overdue if row.due_at < now else soon).append(item)
    return soon, overdue


# --- clinical ---------------------------------------------------------------------------------


def episodes_in_period(clinic_id: int, start: dt.date, end: dt.date) -> Iterable[Episode]:
    """Episodes open at any time in the period."""
    return (
        Episode.objects.filter(clinic_id=clinic_id, opened_on__lte=end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=start))
        .select_related("patient", "clinic")
        .order_by("opened_on")
    )


def responder_rates(clinic_id: int, start: dt.date, end: dt.date) -> list[ResponderRate]:
    """By condition: of the episodes with enough data to judge, how many responded."""
    kb = load_knowledge()
    judged: dict[str, list[bool]] = defaultdict(list)
    unjudged: dict[str, int] = defaultdict(int)
    episodes = list(episodes_in_period(clinic_id, start, end))
    outcomes = outcomes_for_episodes(episodes)
    for episode in episodes:
        result = outcomes[episode.pk].responder
        if result is None:
            unjudged[episode.condition_id] += 1
        else:
            judged[episode.condition_id].append(result)
    rows = []
    for condition_id in sorted(set(judged) | set(unjudged)):
        condition = kb.conditions.get(condition_id)
        results = judged.get(condition_id, [])
        rows.append(
            ResponderRate(
                condition_id=condition_id,
                condition=condition.name if condition else condition_id,
                episodes=len(results),
                responders=sum(results),
                not_judged=unjudged.get(condition_id, 0),
            )
        )
    rows.sort(key=lambda r: (-r.episodes, r.condition))
    return rows


def adverse_event_rates(clinic_id: int, start: dt.date, end: dt.date) -> AdverseEventRates:
    """For each grade: the events of the period's signed visits per 1,000 visits, compared with the
    published event rates, and the visits with at least one event per 1,000 (not compared)."""
    references = load_knowledge().references
    visits = Visit.objects.filter(
        clinic_id=clinic_id, status=Visit.Status.SIGNED, visit_date__gte=start, visit_date__lte=end
    )
    total = visits.count()
    events = AdverseEvent.objects.filter(visit__in=visits)
    grades = []
    for grade in GRADES:
        of_grade = events.filter(severity__in=SEVERITIES_OF[grade])
        count = of_grade.count()
        with_event = of_grade.values("visit_id").distinct().count()
        rate = GradeRate(
            grade=grade,
            label=GRADE_LABELS[grade],
            events=count,
            event_rate=events_per_1000(count, total) if total else None,
            visits_with_event=with_event,
            visit_share=visits_with_event_per_1000(with_event, total) if total else None,
            published=(),
        )
        published = []
        for b in ae_benchmarks().for_grade(grade):
            clinic = rate.estimate_for(b.counts)
            published.append(
                PublishedRate(
                    benchmark=b,
                    comparison=compare(clinic, b.per_1000, b.counts, b.study) if clinic is not None else None,
                    citation=short_citation(references.get(b.source), b.source),
                )
            )
        grades.append(replace(rate, published=tuple(published)))
    return AdverseEventRates(
        start=start,
        end=end,
        visits=total,
        grades=tuple(grades),
        chart_svg=_ae_chart(grades, total),
        method_citation=short_citation(references.get(EVENT_INTERVAL_SOURCE), EVENT_INTERVAL_SOURCE),
        share_method_citation=short_citation(references.get(INTERVAL_SOURCE), INTERVAL_SOURCE),
        sources=(*ae_benchmarks().sources, EVENT_INTERVAL_SOURCE, INTERVAL_SOURCE),
    )


def _ae_chart(grades: list[GradeRate], total: int) -> str:
    groups = []
    words = []
    for g in grades:
        rows = []
        rate = g.event_rate
        if rate is not None:
            rows.append(RateBar("This clinic", rate.per_1000, rate.low_per_1000, rate.high_per_1000))
            words.append(
                f"{g.label}: this clinic {format_rate(rate.per_1000)} events per 1,000 visits "
                f"(95% interval {format_rate(rate.low_per_1000)} to {format_rate(rate.high_per_1000)}, "
                f"{g.events} event{'' if g.events == 1 else 's'} in {total} visits)"
            )
        for p in g.published:
            b = p.benchmark
            if b.counts != "events":
                continue  # the chart shows event rates only
            rows.append(RateBar(b.study, b.per_1000, published=True, upper_bound=b.upper_bound_per_1000))
            words.append(f"{b.study} {format_rate(b.per_1000)} events per 1,000 {b.denominator_unit}")
        groups.append((g.label, tuple(rows)))
    description = "; ".join(words) + "." if words else "No signed visits in the period."
    return _drawn_ae_chart(tuple(groups), description)


@lru_cache(maxsize=64)
def _drawn_ae_chart(groups: tuple[tuple[str, tuple[RateBar, ...]], ...], description: str) -> str:
    """The chart for exactly these bars (frozen values, so the key is the picture's data): drawing it
    is most of the adverse-event block's time, and the same period gives the same bars all day."""
    return ae_rates_chart_svg(
        groups,
        title="Adverse events per 1,000 visits against published event rates",
        description=description,
        id_prefix="ae-",
    )


# --- the whole page ---------------------------------------------------------------------------


def build_dashboard(clinic_id: int, *, today: dt.date, start: dt.date, end: dt.date, clinical: bool) -> Dashboard:
    now = timezone.now()
    active = active_episodes(clinic_id, now)
    soon, overdue = follow_ups(clinic_id, now)
    return Dashboard(
        today=today,
        start=start,
        end=end,
        active=tuple(active),
        due_soon=tuple(soon),
        overdue=tuple(overdue),
        plan_done=tuple(e for e in active if e.plan_done),
        clinical=clinical,
        responders=tuple(responder_rates(clinic_id, start, end)) if clinical else (),
        adverse_events=adverse_event_rates(clinic_id, start, end) if clinical else None,
    )
