"""Clinic dashboard build time for a clinic administrator (run by hand: make bench).

Sets Django up against a throwaway SQLite database in a temporary directory (never the
configured DATABASE_URL), migrates it, fills one clinic straight from the models (bulk_create, no
services, no audit rows): 2 clinicians and an administrator, 1,000 patients, 1,500 episodes of
neck pain, low back pain and lateral epicondylalgia opened in the last 90 days, 4 signed visits
each with NPRS before and after, 2 NPRS measurements each and a few mild adverse events. Then it
times ``reports.dashboard.build_dashboard`` over the default period (one warm-up, then RUNS
builds) and counts the SQL queries of one build.

Django is set up inside :func:`run`, so importing this module (run_all imports every benchmark)
does not configure Django for the others.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

RUNS = 10
PATIENTS = 1_000
EPISODES = 1_500
VISITS_PER_EPISODE = 4
MEASUREMENTS_PER_EPISODE = 2
OPENED_WITHIN_DAYS = 90
#: (condition id, ICD-10-CM code) from knowledge/data/conditions.yaml
CONDITIONS = (
    ("neck-pain", "M54.2"),
    ("low-back-pain", "M54.50"),
    ("lateral-epicondylalgia", "M77.11"),
)


def _phase(label: str, started: float) -> float:
    now = time.perf_counter()
    print(f"  {label} ({now - started:.2f} s)", flush=True)
    return now


def _setup_django(data_dir: Path) -> None:
    """Point the settings at ``data_dir`` (SQLite), set Django up and migrate."""
    os.environ["NEEDLEPOINT_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)  # never PostgreSQL or the developer's database
    os.environ.setdefault("NEEDLEPOINT_ENV", "development")
    os.environ["DJANGO_SETTINGS_MODULE"] = "needlepoint.settings"  # as manage.py
    import django
    from django.conf import settings

    if settings.configured:
        raise RuntimeError("dashboard_bench needs a fresh process: Django is already configured")
    django.setup()
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.sqlite3" or not Path(db["NAME"]).is_relative_to(data_dir):
        raise RuntimeError(f"refusing to run against {db['ENGINE']} {db['NAME']}")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _populate(rng: random.Random) -> dict[str, Any]:
    """One clinic with a realistic volume, straight from the models."""
    from django.utils import timezone

    from needlepoint.accounts.models import Clinic, PractitionerProfile, Profession, Role, User
    from needlepoint.outcomes.models import Measurement, Timepoint
    from needlepoint.patients.models import Patient
    from needlepoint.visits.models import AdverseEvent, DischargeReason, Episode, Visit

    t = time.perf_counter()
    clinic = Clinic.objects.create(name="Bench Physical Therapy", slug="bench", time_zone="America/Denver")
    clinicians = []
    for username, first, last in (("alice", "Alice", "Chen"), ("bob", "Bob", "Okafor")):
        user = User.objects.create_user(
            username=username, password=None, clinic=clinic, role=Role.CLINICIAN, first_name=first, last_name=last
        )
        PractitionerProfile.objects.create(user=user, profession=Profession.PHYSICAL_THERAPIST)
        clinicians.append(user)
    admin = User.objects.create_user(
        username="ada", password=None, clinic=clinic, role=Role.CLINIC_ADMIN, first_name="Ada", last_name="Morgan"
    )
    t = _phase("clinic and staff", t)

    today = clinic.today()
    patients = Patient.objects.bulk_create(
        Patient(
            clinic=clinic,
            chart_number=f"NP-{n:06d}",
            given_name=f"Given{n}",
            family_name=f"Family{n}",
            date_of_birth=dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 20_000)),
            sex=rng.choice(("female", "male")),
            primary_clinician=rng.choice(clinicians),
        )
        for n in range(1, PATIENTS + 1)
    )
    t = _phase(f"{len(patients)} patients", t)

    # Every patient has one episode; the rest go to random patients (a second complaint).
    owners = patients + [rng.choice(patients) for _ in range(EPISODES - PATIENTS)]
    episodes = []
    plans = []  # (episode, clinician, visit dates, pain before at each visit)
    for patient in owners:
        condition, icd10 = rng.choice(CONDITIONS)
        clinician = rng.choice(clinicians)
        opened = today - dt.timedelta(days=rng.randint(0, OPENED_WITHIN_DAYS - 1))
        span = (today - opened).days
        days = [opened + dt.timedelta(days=round(i * span / VISITS_PER_EPISODE)) for i in range(VISITS_PER_EPISODE)]
        closed = rng.random() < 0.25 and span >= 21
        episode = Episode(
            clinic=clinic,
            patient=patient,
            condition_id=condition,
            icd10_code=icd10,
            planned_sessions=rng.choice((4, 6, 8)),
            opened_on=opened,
            closed_on=days[-1] if closed else None,
            discharge_reason=DischargeReason.GOALS_MET if closed else "",
            discharged_by=clinician if closed else None,
            goals="Back to work without pain.",
            created_by=clinician,
        )
        episodes.append(episode)
        start_pain = rng.randint(5, 9)
        gain = rng.choice((0, 1, 1, 2, 3))  # points of improvement per visit
        pains = [max(0, start_pain - gain * i) for i in range(VISITS_PER_EPISODE)]
        plans.append((episode, clinician, days, pains))
    Episode.objects.bulk_create(episodes)
    t = _phase(f"{len(episodes)} episodes", t)

    # Signed visits are inserted as signed: the triggers refuse UPDATE and DELETE of a signed
    # note, not its INSERT (and bulk_create bypasses Visit.save).
    now = timezone.now()
    visits = []
    for episode, clinician, days, pains in plans:
        for day, pain in zip(days, pains, strict=True):
            name = clinician.get_full_name()
            visits.append(
                Visit(
                    clinic=clinic,
                    patient_id=episode.patient_id,
                    episode=episode,
                    clinician=clinician,
                    visit_date=day,
                    status=Visit.Status.SIGNED,
                    pain_before=pain,
                    pain_after=max(0, pain - rng.randint(0, 2)),
                    needles_opened=3,
                    needles_removed=3,
                    icd10_code=episode.icd10_code,
                    updated_at=now,
                    updated_by=clinician,
                    updated_by_name=name,
                    signed_at=now,
                    signed_by=clinician,
                    signed_by_name=name,
                )
            )
    Visit.objects.bulk_create(visits, batch_size=500)
    t = _phase(f"{len(visits)} signed visits", t)

    events = AdverseEvent.objects.bulk_create(
        AdverseEvent(
            visit=visit,
            kind="bruising",
            severity="mild",
            occurred_on=visit.visit_date,
            recorded_by=visit.clinician,
            recorded_by_name=visit.signed_by_name,
        )
        for visit in visits
        if rng.random() < 0.03
    )
    t = _phase(f"{len(events)} adverse events", t)

    measurements = []
    for episode, clinician, days, pains in plans:
        last = Timepoint.DISCHARGE if episode.closed_on else Timepoint.VISIT_PRE
        for day, timepoint, value in ((days[0], Timepoint.BASELINE, pains[0]), (days[-1], last, pains[-1])):
            measurements.append(
                Measurement(
                    clinic=clinic,
                    patient_id=episode.patient_id,
                    episode=episode,
                    measure="nprs",
                    timepoint=timepoint,
                    taken_on=day,
                    value=Decimal(value),
                    unit="points",
                    recorded_by=clinician,
                )
            )
    Measurement.objects.bulk_create(measurements, batch_size=500)
    _phase(f"{len(measurements)} NPRS measurements", t)
    return {
        "clinic": clinic,
        "admin": admin,
        "patients": len(patients),
        "episodes": len(episodes),
        "signed_visits": len(visits),
        "measurements": len(measurements),
        "adverse_events": len(events),
    }


def _bench(data: dict[str, Any]) -> dict[str, float | int | str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from needlepoint.reports.dashboard import build_dashboard
    from needlepoint.reports.services import CLINICAL_DASHBOARD_ROLES, parse_period
    from needlepoint.visits.services.common import clinic_today

    admin = data["admin"]
    clinic_id = int(admin.clinic_id)
    today = clinic_today(clinic_id)
    start, end = parse_period(None, None, today)  # the default period, as clinic_dashboard

    def build() -> Any:
        return build_dashboard(
            clinic_id, today=today, start=start, end=end, clinical=admin.role in CLINICAL_DASHBOARD_ROLES
        )

    board = build()  # warm-up: knowledge base, measures, benchmarks loaded once
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter_ns()
        build()
        timings.append((time.perf_counter_ns() - started) / 1e6)
    with CaptureQueriesContext(connection) as ctx:
        build()
    timings.sort()
    q = statistics.quantiles(timings, n=20, method="inclusive")
    return {
        "name": "clinic dashboard (clinic administrator, default period, SQLite)",
        "patients": data["patients"],
        "episodes": data["episodes"],
        "signed_visits": data["signed_visits"],
        "measurements": data["measurements"],
        "adverse_events": data["adverse_events"],
        "active_episodes": len(board.active),
        "plan_done": len(board.plan_done),
        "responder_rows": len(board.responders),
        "runs": RUNS,
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(q[18], 1),
        "max_ms": round(timings[-1], 1),
        "queries": len(ctx.captured_queries),
    }


def run() -> dict[str, float | int | str]:
    data_dir = Path(tempfile.mkdtemp(prefix="needlepoint-bench-"))
    try:
        t0 = time.perf_counter()
        print("  setting up Django and migrating a throwaway SQLite database …", flush=True)
        _setup_django(data_dir)
        t1 = _phase("migrated", t0)
        data = _populate(random.Random(7))
        t2 = time.perf_counter()
        result = _bench(data)
        _phase(f"timed {RUNS} builds", t2)
        result["migrate_s"] = round(t1 - t0, 1)
        result["populate_s"] = round(t2 - t1, 1)
        return result
    finally:
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    print(run())
