"""The clinic dashboard: active episodes, due follow-ups, responder rates and adverse events per
1,000 visits against published rates; clinic-scoped; front desk sees the operational part only."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from tests.integration.test_reports_helpers import ReportTestCase, add_event, make_episode, make_visit

from needlepoint.audit.models import AuditEvent
from needlepoint.outcomes.models import QuestionnaireInvitation
from needlepoint.reports import dashboard, services
from needlepoint.scheduling.models import Appointment

PATH = "/clinic/dashboard/"


def section(html: str, testid: str) -> str:
    match = re.search(rf'<section[^>]*data-testid="{testid}"[^>]*>(.*?)</section>', html, re.S)
    assert match is not None, testid
    return match.group(1)


class DashboardTests(ReportTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        now = timezone.now()
        today = timezone.localdate()

        def invite(days: float, **extra: object) -> QuestionnaireInvitation:
            due = now + dt.timedelta(days=days)
            return QuestionnaireInvitation.objects.create(
                clinic=cls.clinic,
                patient=cls.pat_record,
                episode=cls.episode,
                questionnaire="ndi",
                timepoint="week_6",
                due_at=due,
                expires_at=due + dt.timedelta(days=14),
                created_by=cls.alice,
                **extra,
            )

        cls.soon = invite(5)
        cls.late = invite(-3, sent_at=now - dt.timedelta(days=3))
        invite(30)  # too far ahead
        invite(-2, cancelled_at=now)  # cancelled
        # Olive: a course whose planned sessions are done, not discharged, with a significant event
        # and one visit from over a year ago (outside the default period).
        cls.done = make_episode(
            cls.olive,
            cls.bob,
            condition="low-back-pain",
            icd10="M54.50",
            planned=2,
            opened_on=today - dt.timedelta(days=500),
        )
        make_visit(cls.done, cls.bob, today - dt.timedelta(days=400), pain=(8, 7))
        recent = make_visit(cls.done, cls.bob, today - dt.timedelta(days=10), pain=(8, 8))
        add_event(recent, cls.bob, "fainting", "significant")
        # Pat's first visit already has a mild bruise: a second mild event in the same visit counts
        # as an event (two), not as another visit with an event (still one).
        add_event(cls.visits[0], cls.alice, "bleeding", "mild")
        Appointment.objects.create(
            clinic=cls.clinic,
            site=cls.site,
            clinician=cls.alice,
            patient=cls.pat_record,
            starts_at=now + dt.timedelta(days=3),
        )
        # Charlie's clinic: many visits and a serious event that must never show at Front Range.
        other = make_episode(cls.bruno, cls.charlie, condition="low-back-pain", icd10="M54.50")
        for n in range(4):
            visit = make_visit(other, cls.charlie, today - dt.timedelta(days=20 - n), pain=(6, 5))
            add_event(visit, cls.charlie, "pneumothorax", "serious")

    def page(self, user: object, query: str = "") -> str:
        self.login(user)  # type: ignore[arg-type]
        response = self.client.get(PATH + query)
        assert response.status_code == 200, response.status_code
        return response.content.decode()

    def test_active_episodes_show_the_last_visit_and_next_appointment(self) -> None:
        html = section(self.page(self.ada), "active-episodes")
        assert "Pat Kowalski" in html and "Olive Brennan" in html
        assert "3 / 6" in html and "2 / 2" in html
        last = self.draft.visit_date  # the latest visit, signed or not
        assert f"{last.day} {last:%b %Y}" in html
        assert "none booked" in html  # Olive
        assert "Bruno" not in html

    def test_due_follow_ups(self) -> None:
        board = services.clinic_dashboard(self.alice)
        assert [f.invitation_id for f in board.due_soon] == [self.soon.pk]
        assert [f.invitation_id for f in board.overdue] == [self.late.pk]
        assert board.overdue[0].questionnaire == "NDI" and board.overdue[0].sent
        assert [e.episode_id for e in board.plan_done] == [self.done.pk]
        html = section(self.page(self.alice), "due-follow-ups")
        assert "Planned sessions done, not discharged" in html and "Low back pain" in html

    def test_responder_rate_by_condition(self) -> None:
        rates = {r.condition_id: r for r in services.clinic_dashboard(self.ada).responders}
        assert (rates["neck-pain"].responders, rates["neck-pain"].episodes) == (1, 1)
        assert rates["neck-pain"].percent == 100
        # Olive's back: NPRS 8 at her first visit and 8 at her latest: judged, not a responder.
        assert (rates["low-back-pain"].responders, rates["low-back-pain"].episodes) == (0, 1)
        html = section(self.page(self.ada), "responder-rates")
        assert "100%" in html and "0%" in html

    def test_responder_rates_cost_the_same_queries_for_more_episodes(self) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        today = timezone.localdate()
        start, end = today - dt.timedelta(days=90), today

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                dashboard.responder_rates(self.clinic.pk, start, end)
            return len(queries)

        before = count()
        for n in range(5):
            more = make_episode(self.olive, self.alice, condition="neck-pain", icd10="M54.2", planned=3)
            make_visit(more, self.alice, today - dt.timedelta(days=n + 1), pain=(6, 3))
        assert count() == before
        rates = {r.condition_id: r for r in dashboard.responder_rates(self.clinic.pk, start, end)}
        assert rates["neck-pain"].episodes + rates["neck-pain"].not_judged == 6

    def test_adverse_events_per_1000_visits_against_published_rates(self) -> None:
        ae = services.clinic_dashboard(self.ada).adverse_events
        assert ae is not None
        assert ae.visits == 4  # Pat's three signed visits and Olive's recent one; not the draft, not last year's
        mild, serious = ae.grades
        # Events per 1,000 visits (compared): two mild events in four visits; exact Poisson interval.
        assert mild.events == 2 and mild.event_rate is not None
        assert (mild.event_rate.counts, mild.event_rate.per_1000) == ("events", 500.0)
        assert mild.event_rate.low_per_1000 == pytest.approx(60.6, abs=0.05)  # 0.2422 / 4 visits
        assert mild.event_rate.high_per_1000 == pytest.approx(1806.2, abs=0.05)  # 7.2247 / 4 visits
        # Visits with at least one event (a share, Wilson): one of four, shown but never compared.
        assert mild.visits_with_event == 1 and mild.visit_share is not None
        assert (mild.visit_share.counts, mild.visit_share.per_1000) == ("visits-with-event", 250.0)
        assert (serious.visits_with_event, serious.events) == (1, 1)  # fainting, significant
        assert [p.benchmark.study for p in mild.published] == ["Brady 2014", "Boyce 2020"]
        assert all(p.benchmark.counts == "events" for g in ae.grades for p in g.published)
        assert all(p.comparison is not None and p.comparison.verdict == "consistent" for p in mild.published)
        assert [p.comparison.verdict for p in serious.published] == ["higher", "higher"]  # type: ignore[union-attr]
        html = section(self.page(self.ada), "adverse-event-rates")
        assert "4 signed visits in the period" in html
        assert "Brady et al. 2014" in html and "Boyce et al. 2020" in html
        assert "exact Poisson interval" in html and "Garwood" in html and "Wilson" in html
        assert "Visits with at least one adverse event" in html and "not compared" in html
        assert "1,463 mild adverse events in 7,629 treatments" in html
        assert "consistent with Brady 2014 (191.8 per 1,000)" in html
        assert 'id="ae-ae-rates-chart"' in html
        assert "events per 1,000 visits" in html

    def test_the_adverse_event_block_names_no_patient(self) -> None:
        html = section(self.page(self.ada), "adverse-event-rates")
        for name in ("Kowalski", "Brennan", "Rossi", "NP-0000"):
            assert name not in html

    def test_another_clinics_rows_are_never_counted(self) -> None:
        ae = services.clinic_dashboard(self.ada).adverse_events
        assert ae is not None and ae.visits == 4
        assert ae.grades[1].events == 1  # not Charlie's four pneumothoraces
        theirs = services.clinic_dashboard(self.charlie)
        assert theirs.adverse_events is not None
        assert theirs.adverse_events.visits == 4 and theirs.adverse_events.grades[1].events == 4
        assert [e.patient_name for e in theirs.active] == ["Bruno Rossi"]
        assert theirs.due_soon == () and theirs.overdue == ()
        html = self.page(self.charlie)
        assert "Kowalski" not in html and "Brennan" not in html

    def test_the_period_can_be_chosen(self) -> None:
        today = timezone.localdate()
        start = (today - dt.timedelta(days=450)).isoformat()
        ae = services.clinic_dashboard(self.ada, start=start, end=today.isoformat()).adverse_events
        assert ae is not None and ae.visits == 5  # now with Olive's visit of last year
        html = self.page(self.ada, f"?start={start}&end={today.isoformat()}")
        assert "5 signed visits in the period" in html

    def test_a_bad_period_names_the_field_and_shows_the_default(self) -> None:
        self.login(self.ada)
        response = self.client.get(PATH + "?start=yesterday")
        assert response.status_code == 422
        html = response.content.decode()
        assert "From: a date as YYYY-MM-DD" in html and "4 signed visits in the period" in html
        today = timezone.localdate()
        earlier = (today - dt.timedelta(days=5)).isoformat()
        response = self.client.get(PATH + f"?start={today.isoformat()}&end={earlier}")
        assert "From: must be on or before the end of the period" in response.content.decode()
        future = (today + dt.timedelta(days=5)).isoformat()
        assert "To: cannot be in the future" in self.client.get(PATH + f"?end={future}").content.decode()

    def test_front_desk_sees_the_operational_part_only(self) -> None:
        html = self.page(self.fran)
        assert 'data-testid="active-episodes"' in html and 'data-testid="due-follow-ups"' in html
        assert 'data-testid="responder-rates"' not in html and 'data-testid="adverse-event-rates"' not in html
        board = services.clinic_dashboard(self.fran)
        assert board.adverse_events is None and board.responders == ()

    def test_the_read_is_audited(self) -> None:
        self.page(self.alice)
        row = AuditEvent.objects.get(object_type="reports.clinic_dashboard", actor_id=self.alice.pk)
        assert row.action == "read" and row.clinic_id == self.clinic.pk and row.after["clinical"] is True

    def test_patients_and_signed_out_users_cannot_open_it(self) -> None:
        self.login(self.pat)
        assert self.client.get(PATH).status_code == 404
        self.client.logout()
        response = self.client.get(PATH)
        assert response.status_code == 302 and "/login/" in response["Location"]
