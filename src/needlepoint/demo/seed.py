"""Demo data: two clinics side by side so isolation is visible.

Everything goes through the same services as real use (so it is validated and audited).
Idempotent: running it again adds only today's appointments if the day has none.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from needlepoint.accounts import services as accounts
from needlepoint.accounts.models import (
    Clinic,
    DryNeedlingCertification,
    PractitionerProfile,
    Profession,
    Role,
    Site,
    User,
)
from needlepoint.consent import services as consent
from needlepoint.consent.signature import demo_signature_data_url
from needlepoint.homecare.demo import seed_demo as seed_homecare
from needlepoint.knowledge import load_knowledge
from needlepoint.outcomes.demo import seed_demo as seed_outcomes
from needlepoint.outcomes.demo_invitations import seed_demo_invitations
from needlepoint.patients import services as patients
from needlepoint.patients.models import Patient
from needlepoint.scheduling.demo import seed_demo as seed_appointments
from needlepoint.scheduling.models import Appointment
from needlepoint.scheduling.services import book_appointment, day_bounds
from needlepoint.screening import services as screening
from needlepoint.visits.models import Episode

DEMO_PASSWORD = "needle-demo-2026"  # noqa: S105 - printed for the demo on purpose

CLINICS = [
    {
        "slug": "front-range",
        "name": "Front Range Physical Therapy",
        "tz": "America/Denver",
        "sites": [
            ("Boulder", "1800 Pearl St, Boulder, CO 80302", "+1 303 555 0140"),
            ("Denver Highlands", "3300 W 32nd Ave, Denver, CO 80211", "+1 303 555 0175"),
        ],
        "staff": [
            ("ada", "Ada", "Morgan", Role.CLINIC_ADMIN, None),
            ("alice", "Alice", "Chen", Role.CLINICIAN, (Profession.PHYSICAL_THERAPIST, "PT-0041187", "US-CO")),
            ("bob", "Bob", "Okafor", Role.CLINICIAN, (Profession.PHYSICAL_THERAPIST, "PT-0039920", "US-CO")),
            ("fran", "Fran", "Diaz", Role.FRONT_DESK, None),
        ],
        "portal_patient": ("pat", "Pat", "Kowalski"),
        # Pat is three weeks into a course of care; Quinn (the other clinic) is new, with nothing signed.
        "portal_course": True,
    },
    {
        "slug": "yarra-myo",
        "name": "Yarra Myotherapy & Sports Clinic",
        "tz": "Australia/Melbourne",
        "sites": [("Fitzroy", "212 Brunswick St, Fitzroy VIC 3065", "+61 3 9000 4410")],
        "staff": [
            ("yvonne", "Yvonne", "Kelly", Role.CLINIC_ADMIN, None),
            ("charlie", "Charlie", "Nguyen", Role.CLINICIAN, (Profession.MYOTHERAPIST, "MYO-22871", "AU-VIC")),
            ("dana", "Dana", "Papadopoulos", Role.CLINICIAN, (Profession.PHYSICAL_THERAPIST, "PHY0001734412", "AU")),
            ("evan", "Evan", "Walsh", Role.FRONT_DESK, None),
        ],
        "portal_patient": ("quinn", "Quinn", "Harper"),
    },
]

GIVEN_F = [
    "Maria",
    "Sofia",
    "Hannah",
    "Grace",
    "Olivia",
    "Priya",
    "Aisha",
    "Chloe",
    "Ingrid",
    "Lucia",
    "Mei",
    "Rosa",
    "Tamsin",
    "Noor",
    "Elena",
    "Ruth",
    "Keiko",
    "Amara",
    "Zoe",
    "Beatriz",
]
GIVEN_M = [
    "James",
    "Daniel",
    "Samuel",
    "Luis",
    "Tomasz",
    "Arjun",
    "Kofi",
    "Liam",
    "Mateo",
    "Hiro",
    "Oscar",
    "Patrick",
    "Ethan",
    "Yusuf",
    "Felix",
    "Noah",
    "Ravi",
    "Diego",
    "Owen",
    "Marcus",
]
FAMILY = [
    "Alvarez",
    "Brennan",
    "Castillo",
    "Dubois",
    "Eriksen",
    "Fitzgerald",
    "Gallagher",
    "Haddad",
    "Ivanova",
    "Jensen",
    "Kaur",
    "Lindqvist",
    "Moreau",
    "Novak",
    "O'Brien",
    "Petrov",
    "Quintero",
    "Rossi",
    "Sato",
    "Thompson",
    "Usman",
    "Varga",
    "Whitfield",
    "Xu",
    "Yilmaz",
    "Zimmerman",
    "Abernathy",
    "Barros",
    "Cohen",
    "Delaney",
    "Mbeki",
    "Tanaka",
]
REASONS = [
    "Neck pain and headaches",
    "Low back pain",
    "Lateral elbow pain",
    "Shoulder pain, overhead",
    "Plantar heel pain",
    "Jaw pain (TMD)",
    "Hip and buttock pain",
    "Knee pain on stairs",
    "Upper back tightness",
    "Calf tightness, running",
    "Follow-up: neck",
    "Follow-up: low back",
]
PATIENTS_PER_CLINIC = 22

BASE_ANSWERS: dict[str, object] = {
    "needle_phobia": "none",
    "willing": True,
    "able_to_consent": True,
    "acute_illness": False,
    "prior_adverse_reaction": False,
    "anticoagulants": False,
    "bleeding_disorder": False,
    "pregnant": False,
    "pacemaker_or_icd": False,
    "lymphoedema": [],
    "chest_surgery": False,
    "lung_disease": [],
}
# Varied histories so the screening pages show each kind of result.
SCREENING_VARIANTS: list[dict[str, object]] = [
    {},
    {"anticoagulants": True},
    {"diabetes": "controlled"},
    {"lung_disease": ["emphysema"], "chest_surgery": True},
    {"pacemaker_or_icd": True},
    {"lymphoedema": [{"group": "limb.upper", "side": "left"}]},
    {"needle_phobia": "mild"},
    {"acute_illness": True},
    {},
    {"metal_implant": [{"region": "knee.anterior", "side": "right"}]},
]


@dataclass(frozen=True)
class DemoLogin:
    clinic: str
    username: str
    name: str
    role: str


Progress = Callable[[str], None]


def _patient_data(rng: random.Random, index: int) -> dict[str, object]:
    female = index % 2 == 0
    given = rng.choice(GIVEN_F if female else GIVEN_M)
    family = rng.choice(FAMILY)
    today = timezone.localdate()
    dob = today - dt.timedelta(days=rng.randint(19 * 365, 78 * 365))
    height = rng.gauss(164 if female else 177, 7)
    bmi = rng.uniform(18.2, 33.5)
    weight = bmi * (height / 100) ** 2
    slug = f"{given}.{family}".lower().replace("'", "")
    return {
        "given_name": given,
        "family_name": family,
        "date_of_birth": dob,
        "sex": "female" if female else "male",
        "email": f"{slug}{index}@example.org",
        "phone": f"+1 555 01{index:02d} {rng.randint(1000, 9999)}",
        "height_cm": Decimal(f"{height:.1f}"),
        "weight_kg": Decimal(f"{weight:.1f}"),
    }


def _ensure_clinic(spec: dict, rng: random.Random, progress: Progress) -> None:  # type: ignore[type-arg]
    # Open Saturdays too, as many physiotherapy practices are, so the demo's day is rarely a closed one.
    clinic = Clinic.objects.create(name=spec["name"], slug=spec["slug"], time_zone=spec["tz"], open_weekdays="123456")
    sites = [Site.objects.create(clinic=clinic, name=n, address=a, phone=p) for n, a, p in spec["sites"]]
    admin: User | None = None
    clinicians: list[User] = []
    for username, first, last, role, pro in spec["staff"]:
        user = accounts.create_user(
            username=username,
            password=DEMO_PASSWORD,
            clinic_slug=clinic.slug,
            role=role,
            first_name=first,
            last_name=last,
            email=f"{username}@{clinic.slug}.example.org",
            profession=pro[0] if pro else None,
        )
        if role == Role.CLINIC_ADMIN:
            admin = user
        if pro:
            profile = PractitionerProfile.objects.get(user=user)
            profile.licence_number, profile.licence_jurisdiction = pro[1], pro[2]
            profile.licence_expires_on = timezone.localdate() + dt.timedelta(days=400)
            profile.licence_verified_at = timezone.now()
            profile.save()
            profile.sites.set(sites)
            DryNeedlingCertification.objects.create(
                practitioner=profile,
                issuer="Myopain Seminars" if pro[2].startswith("US") else "Dry Needling Australia",
                course="Trigger point dry needling, levels 1-2",
                hours=Decimal("54"),
                completed_on=timezone.localdate() - dt.timedelta(days=rng.randint(200, 900)),
                expires_on=timezone.localdate() + dt.timedelta(days=rng.randint(300, 700)),
                verified=True,
            )
            clinicians.append(user)
        progress(f"{clinic.name}: {user.get_full_name()} ({user.get_role_display()})")
    assert admin is not None
    for i in range(PATIENTS_PER_CLINIC):
        data = _patient_data(rng, i)
        data["home_site_id"] = sites[i % len(sites)].pk
        data["primary_clinician_id"] = clinicians[i % len(clinicians)].pk
        patients.create_patient(admin, data)
    progress(f"{clinic.name}: {PATIENTS_PER_CLINIC} patients")
    login, first, last = spec["portal_patient"]
    portal_user = accounts.create_user(
        username=login,
        password=DEMO_PASSWORD,
        clinic_slug=clinic.slug,
        role=Role.PATIENT,
        first_name=first,
        last_name=last,
        email=f"{login}@example.org",
    )
    record = patients.create_patient(
        admin,
        {
            "given_name": first,
            "family_name": last,
            "date_of_birth": dt.date(1986, 4, 12),
            "sex": "female",
            "email": f"{login}@example.org",
            "height_cm": Decimal("166.0"),
            "weight_kg": Decimal("58.5"),
            "home_site_id": sites[0].pk,
            "primary_clinician_id": clinicians[0].pk,
        },
    )
    Patient.objects.filter(pk=record.pk).update(user=portal_user)
    progress(f"{clinic.name}: portal patient {first} {last}")
    portal_course = spec.get("portal_course", False)
    front_desk = User.objects.get(clinic=clinic, role=Role.FRONT_DESK)
    for index, patient in enumerate(
        Patient.objects.filter(clinic=clinic).order_by("chart_number")[: len(SCREENING_VARIANTS)]
    ):
        answers = {**BASE_ANSWERS, "age_years": patient.age, **SCREENING_VARIANTS[index]}
        screening.record_screening(front_desk, patient.pk, answers)
    progress(f"{clinic.name}: {len(SCREENING_VARIANTS)} screenings")
    form = consent.ensure_default_form(clinic)
    signed = [p for p in Patient.objects.filter(clinic=clinic, user__isnull=True).order_by("chart_number")[:8]]
    for patient in signed:
        consent.sign(
            clinicians[0],
            patient.pk,
            form_id=form.pk,
            typed_name=patient.full_name,
            signature_data_url=demo_signature_data_url(patient.full_name),
            confirmed=True,
        )
    progress(f"{clinic.name}: consent form v{form.major}.{form.minor}, {len(signed)} signed consents")
    _seed_notes(clinic, progress)
    if portal_course:
        _seed_portal_course(clinic, Patient.objects.get(pk=record.pk), progress)


# Courses of care for screened, consented patients: (patient index, condition, ICD-10-CM, drawing, entries)
NOTES = [
    (
        0,
        "neck-pain",
        "M54.2",
        [("neck.posterolateral", "left", 7), ("head.temple", "left", 5), ("head.mastoid", "left", 4)],
        [
            ("upper-trapezius", "left", "deep", "0.25", "15", "10"),
            ("levator-scapulae", "left", "deep", "0.25", "15", "12"),
        ],
    ),
    (
        2,
        "lateral-epicondylalgia",
        "M77.11",
        [("elbow.lateral", "right", 6), ("forearm.dorsal", "right", 4), ("hand.thumb_web", "right", 3)],
        [
            ("extensor-carpi-radialis-brevis", "right", "deep", "0.25", "30", "15"),
            ("supinator", "right", "deep", "0.25", "30", "18"),
            ("brachioradialis", "right", "deep", "0.25", "30", "16"),
        ],
    ),
    (
        6,
        "low-back-pain",
        "M54.50",
        [("back.lumbar", "right", 6), ("back.sacroiliac", "right", 5), ("buttock.lower", "right", 4)],
        [
            ("quadratus-lumborum", "right", "deep", "0.30", "60", "45"),
            ("gluteus-medius", "right", "deep", "0.30", "50", "35"),
        ],
    ),
]


def _course(
    condition: str, icd: str, drawing: list[tuple[str, str, int]], goals: str, opened_on: dt.date
) -> dict[str, object]:
    """A demo episode of care: six weekly sessions with exercise and stretching alongside."""
    return {
        "condition": condition,
        "icd10_code": icd,
        "planned_sessions": 6,
        "interval_weeks": 1,
        "regions": [{"region": r, "side": s} for r, s, _ in drawing],
        "goals": goals,
        "co_treatments": ["exercise", "stretching"],
        "opened_on": opened_on,
    }


#: Needles each demo needle-log entry uses (two trigger points in the muscle, say).
NEEDLES_PER_ENTRY = 2


def _write_visit(
    clinician: User,
    episode_id: object,
    day: dt.date,
    drawing: list[tuple[str, str, int]],
    entries: list[tuple[str, str, str, str, str, str]],
    *,
    before: int,
    after: int,
    lot_prefix: str,
) -> None:
    """One signed visit through the services: pain drawing and ratings, a finding and a needle
    entry per muscle (warnings acknowledged as a clinician would), needles counted in and out.

    Each entry uses NEEDLES_PER_ENTRY needles, all from the one box (lot) opened for the visit: a
    lot names a box, not a needle."""
    from needlepoint.visits import services as visits

    visit = visits.start_visit(clinician, episode_id, visit_date=day)
    visit = visits.record_pain_drawing(
        clinician, visit.pk, visit.version, [{"region": r, "side": s, "intensity": i} for r, s, i in drawing]
    )
    visit = visits.record_pain_ratings(clinician, visit.pk, visit.version, before=before)
    lot = f"{lot_prefix}01"
    for muscle, side, technique, diameter, length, depth in entries:
        finding = visits.add_finding(
            clinician,
            visit.pk,
            visit.version,
            {
                "muscle": muscle,
                "side": side,
                "activity": "active",
                "taut_band": True,
                "tender_nodule": True,
                "referred_pain": True,
                "local_twitch_response": True,
            },
        )
        visit = finding.visit
        data = {
            "muscle": muscle,
            "side": side,
            "technique": technique,
            "needle_diameter_mm": diameter,
            "needle_length_mm": length,
            "depth_mm": depth,
            "approach": "toward the taut band",
            "manipulation": "pistoning",
            "ltr_count": 2,
            "retention_seconds": 60,
            "needles_used": NEEDLES_PER_ENTRY,
            "needle_lots": [lot],
            "ultrasound_guided": False,
        }
        warnings = [w.code for w in visits.check_insertion(clinician, visit.pk, data) if w.level == "warning"]
        result = visits.add_insertion(clinician, visit.pk, visit.version, data, acknowledged_warnings=warnings)
        visit = result.insertion.visit
    visit = visits.record_pain_ratings(clinician, visit.pk, visit.version, after=after)
    needles = NEEDLES_PER_ENTRY * len(entries)
    visits.sign_visit(clinician, visit.pk, visit.version, needles, needles)


def _seed_notes(clinic: Clinic, progress: Progress) -> None:
    """A signed first visit a week ago for a few patients, then a follow-up started by copy-forward."""
    from needlepoint.visits import services as visits

    clinician = User.objects.filter(clinic=clinic, role=Role.CLINICIAN).order_by("username").first()
    assert clinician is not None
    people = list(Patient.objects.filter(clinic=clinic).order_by("chart_number"))
    week_ago = timezone.localdate() - dt.timedelta(days=7)
    for index, condition, icd, drawing, entries in NOTES:
        patient = people[index]
        episode = visits.create_episode(
            clinician, patient.pk, _course(condition, icd, drawing, "Less pain at work; sleep through.", week_ago)
        )
        before = drawing[0][2]
        _write_visit(
            clinician,
            episode.pk,
            week_ago,
            drawing,
            entries,
            before=before,
            after=max(before - 3, 0),
            lot_prefix=f"DN-{clinic.pk}{index:02d}",
        )
        visits.copy_forward(clinician, episode.pk)
        progress(f"{clinic.name}: notes for {patient.full_name}")


#: The portal patient's course so far: three weekly visits, the pain easing from visit to visit.
PORTAL_COURSE_DRAWING = [("neck.posterolateral", "right", 7), ("shoulder.top", "right", 5)]
PORTAL_COURSE_ENTRIES = [
    ("upper-trapezius", "right", "deep", "0.25", "15", "10"),
    ("levator-scapulae", "right", "deep", "0.25", "15", "12"),
]
#: (days ago, pain before, pain after)
PORTAL_COURSE_VISITS = [(21, 7, 4), (14, 5, 3), (7, 4, 2)]


def _seed_portal_course(clinic: Clinic, portal_patient: Patient, progress: Progress) -> None:
    """The portal patient is three weeks into a course of care for neck pain: screened, consented
    (signed in the portal before the first visit) and needled weekly, so their portal, the
    clinician's outcomes page and the progress report all have a course to show."""
    from needlepoint.visits import services as visits

    clinician = portal_patient.primary_clinician
    assert clinician is not None
    front_desk = User.objects.get(clinic=clinic, role=Role.FRONT_DESK)
    screening.record_screening(front_desk, portal_patient.pk, {**BASE_ANSWERS, "age_years": portal_patient.age})
    form = consent.ensure_default_form(clinic)
    consent.sign(
        clinician,
        portal_patient.pk,
        form_id=form.pk,
        typed_name=portal_patient.full_name,
        signature_data_url=demo_signature_data_url(portal_patient.full_name),
        confirmed=True,
    )
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(clinic.time_zone))
    first = today - dt.timedelta(days=PORTAL_COURSE_VISITS[0][0])
    episode = visits.create_episode(
        clinician,
        portal_patient.pk,
        _course(
            "neck-pain",
            "M54.2",
            PORTAL_COURSE_DRAWING,
            "Work at the computer all day without neck ache; turn to reverse the car.",
            first,
        ),
    )
    for number, (days_ago, before, after) in enumerate(PORTAL_COURSE_VISITS, start=1):
        drawing = [(r, s, max(i - (7 - before), 1)) for r, s, i in PORTAL_COURSE_DRAWING]
        _write_visit(
            clinician,
            episode.pk,
            today - dt.timedelta(days=days_ago),
            drawing,
            PORTAL_COURSE_ENTRIES,
            before=before,
            after=after,
            lot_prefix=f"DN-{clinic.pk}P{number}",
        )
    progress(f"{clinic.name}: {len(PORTAL_COURSE_VISITS)} signed visits for {portal_patient.full_name}")


def _ensure_today(clinic: Clinic, rng: random.Random) -> int:
    tz = zoneinfo.ZoneInfo(clinic.time_zone)
    day = timezone.localdate(timezone=tz)
    start, end = day_bounds(day, clinic.time_zone)
    if Appointment.objects.filter(clinic=clinic, starts_at__gte=start, starts_at__lt=end).exists():
        return 0
    admin = User.objects.filter(clinic=clinic, role=Role.CLINIC_ADMIN).first()
    assert admin is not None
    clinicians = list(User.objects.filter(clinic=clinic, role=Role.CLINICIAN).order_by("username"))
    site_ids = list(clinic.sites.values_list("pk", flat=True))
    pool = list(Patient.objects.filter(clinic=clinic).order_by("chart_number"))
    portal = [p for p in pool if p.user_id]
    rng.shuffle(pool)
    booked = 0
    kb = load_knowledge()
    courses = {
        e.patient_id: kb.conditions[e.condition_id].name if e.condition_id in kb.conditions else e.condition_id
        for e in Episode.objects.filter(clinic=clinic, closed_on__isnull=True)
    }
    for c_index, clinician in enumerate(clinicians):
        for slot in range(6):
            patient = portal[0] if (c_index == 0 and slot == 1 and portal) else pool[(c_index * 6 + slot) % len(pool)]
            kind = Appointment.Kind.EVALUATION if slot in (0, 3) else Appointment.Kind.FOLLOW_UP
            reason = rng.choice(REASONS)
            if patient.pk in courses:  # in a course of care: the next session of it
                kind, reason = Appointment.Kind.FOLLOW_UP, f"Follow-up: {courses[patient.pk].lower()}"
            starts = dt.datetime.combine(
                day, dt.time(8 + slot + (1 if slot >= 3 else 0), 0 if c_index == 0 else 30), tzinfo=tz
            )
            book_appointment(
                admin,
                patient_id=patient.pk,
                clinician_id=clinician.pk,
                site_id=site_ids[c_index % len(site_ids)],
                starts_at=starts,
                kind=kind,
                reason=reason,
            )
            booked += 1
        # and one follow-up next week, 1-2 weeks apart as a course of care runs
        book_appointment(
            admin,
            patient_id=pool[c_index].pk,
            clinician_id=clinician.pk,
            site_id=site_ids[0],
            starts_at=dt.datetime.combine(day + dt.timedelta(days=7), dt.time(9, 0), tzinfo=tz),
            reason="Follow-up",
        )
        booked += 1
    return booked


def _seed_course_of_care(clinic: Clinic, progress: Progress) -> None:
    """The plan of care around the notes: the diary, outcomes, home programmes, questionnaire links.

    Each part adds nothing when its data is already there, so this runs on every start.
    """
    seed_appointments(clinic, progress)
    seed_outcomes(clinic, progress)
    seed_homecare(clinic, progress)
    with transaction.atomic():
        seed_demo_invitations(clinic)


def seed_demo(progress: Progress = lambda message: None) -> list[DemoLogin]:
    """Create the demo clinics (once) and today's appointments (each day)."""
    rng = random.Random(20260101)
    for spec in CLINICS:
        if not Clinic.objects.filter(slug=spec["slug"]).exists():
            with transaction.atomic():
                _ensure_clinic(spec, rng, progress)
        clinic = Clinic.objects.get(slug=spec["slug"])
        with transaction.atomic():
            booked = _ensure_today(clinic, rng)
        if booked:
            progress(f"{clinic.name}: {booked} appointments today and next week")
        _seed_course_of_care(clinic, progress)
    logins = []
    for spec in CLINICS:
        for username, first, last, role, _ in spec["staff"]:
            logins.append(DemoLogin(spec["name"], username, f"{first} {last}", Role(role).label))
        login, first, last = spec["portal_patient"]
        logins.append(DemoLogin(spec["name"], login, f"{first} {last}", Role.PATIENT.label))
    return logins
