"""The visit note end to end: a clinician documents a first visit from the pain drawing to the signed
note (a chest-wall entry blocked on the way), then a follow-up copied forward from it in at most 20
UI actions; the PDFs open; the aftercare appears in the patient's portal; the signed note cannot be
changed from its page."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect
from tests.e2e.helpers import front_range, patient_with_login, person

from needlepoint.accounts.models import DryNeedlingCertification, PractitionerProfile, Profession, Role
from needlepoint.consent import services as consent
from needlepoint.consent.models import ConsentRecord, SigningMethod
from needlepoint.patients.models import Patient
from needlepoint.screening import services as screening
from needlepoint.visits.models import NeedleInsertion, Visit

CLEAR = {
    "age_years": 40,
    "needle_phobia": "none",
    "willing": True,
    "able_to_consent": True,
    "prior_adverse_reaction": False,
    "acute_illness": False,
    "anticoagulants": False,
    "bleeding_disorder": False,
    "pregnant": False,
    "pacemaker_or_icd": False,
    "chest_surgery": False,
}
MAX_FOLLOW_UP_ACTIONS = 20


class Actions:
    """Counts what the clinician does: every click, fill, select, check and key press is one action."""

    def __init__(self) -> None:
        self.count = 0

    def click(self, target: Locator) -> None:
        self.count += 1
        target.click()

    def fill(self, target: Locator, text: str) -> None:
        self.count += 1
        target.fill(text)

    def select(self, target: Locator, label: str) -> None:
        self.count += 1
        target.select_option(label=label)

    def check(self, target: Locator) -> None:
        self.count += 1
        target.check()

    def press(self, target: Locator, key: str) -> None:
        self.count += 1
        target.press(key)


@pytest.fixture
def ready_patient(transactional_db: None) -> Patient:
    """Alice may needle in Colorado; Pat (58.5 kg) has consented and been screened clear."""
    clinic = front_range()
    alice = person(clinic, "alice", Role.CLINICIAN, "Alice", "Chen")
    profile = PractitionerProfile.objects.create(
        user=alice,
        profession=Profession.PHYSICAL_THERAPIST,
        licence_number="PT-0041187",
        licence_jurisdiction="US-CO",
        licence_expires_on=timezone.localdate() + dt.timedelta(days=365),
    )
    DryNeedlingCertification.objects.create(
        practitioner=profile, issuer="Myopain Seminars", hours="54", completed_on=dt.date(2020, 3, 1), verified=True
    )
    patient = patient_with_login(clinic)
    patient.height_cm, patient.weight_kg = Decimal("166.0"), Decimal("58.5")
    patient.save()
    ConsentRecord.objects.create(
        clinic=clinic,
        patient=patient,
        form=consent.ensure_default_form(clinic),
        typed_name=patient.full_name,
        signed_at=timezone.now() - dt.timedelta(minutes=5),
        method=SigningMethod.PORTAL,
    )
    screening.record_screening(alice, patient.pk, CLEAR)
    return patient


def nprs(page: Page, which: str, value: int) -> Locator:
    return page.get_by_test_id(f"nprs-{which}").get_by_text(str(value), exact=True)


def log_entry(page: Page, muscle: str, length: str, depth: str) -> None:
    form = page.locator("#entry-form")
    form.get_by_label("Muscle").select_option(label=muscle)
    form.get_by_text("Left", exact=True).click()
    form.get_by_label("Length (mm)").fill(length)
    form.get_by_label("Depth (mm)").fill(depth)
    expect(page.get_by_test_id("safety-ok")).to_be_visible()
    form.get_by_role("button", name="Log entry").click()
    expect(page.get_by_test_id("needle-log")).to_contain_text(muscle)


def pdf_opens(page: Page, url: str) -> None:
    response = page.request.get(url)
    assert response.status == 200, url
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")


def first_visit(page: Page, live_server: Any, sign_in: Any, patient: Patient) -> str:
    """From a new episode to the signed first note; returns the note's URL."""
    sign_in("alice", next_path=f"/patients/{patient.pk}/")
    page.get_by_test_id("episodes-card").get_by_role("link", name="New episode").click()
    page.get_by_label("Condition and ICD-10-CM code").select_option(label="M54.2 · Cervicalgia")
    page.locator("#episodemap-back").get_by_role("button", name="back of the neck, beside the spine, left").click()
    page.get_by_label("Goals").fill("Reverse the car without neck pain.")
    page.get_by_label("Exercise").check()
    page.get_by_role("button", name="Open the episode").click()
    expect(page.get_by_role("heading", name=re.compile("Neck pain"))).to_be_visible()
    page.get_by_role("button", name="Start the first visit").click()
    expect(page.get_by_test_id("note-status")).to_have_text("Draft")

    # Assessment: the pain drawing (two intensities), the finder's suggestions, pain before.
    back = page.locator("#painmap-back")
    back.get_by_role("button", name="side of the neck, back; angle of neck and shoulder, left").click()
    page.get_by_role("radiogroup", name="Intensity to draw").get_by_text("4", exact=True).click()
    page.locator("#painmap-front").get_by_role("button", name="temple, left").click()
    marks = page.get_by_test_id("pain-marks")
    expect(marks).to_contain_text("Side of the neck, back; angle of neck and shoulder, left · 6/10")
    expect(marks).to_contain_text("Temple, left · 4/10")
    suggestion = page.get_by_test_id("suggestions").locator("li").filter(has_text="Upper trapezius, left")
    nprs(page, "before", 7).click()
    suggestion.get_by_role("button", name="Record finding").click()
    findings = page.locator("#finding-form")
    findings.get_by_text("Active", exact=True).click()
    findings.get_by_label("Taut band").check()
    findings.get_by_label("Referred pain reproduced").check()
    findings.get_by_role("button", name="Add finding").click()
    expect(page.get_by_test_id("findings")).to_contain_text("Upper trapezius")

    # Needle log: upper trapezius with a 30 mm needle at 30 mm reaches the lower-bound depth to the
    # pleura (22 mm for this 58.5 kg patient): blocked, with the reason; a 15 mm needle passes.
    page.get_by_label("Needle lot for this visit").fill("2411-07B")
    page.get_by_test_id("findings").get_by_role("button", name="Log needling").click()
    entry = page.locator("#entry-form")
    expect(entry.get_by_label("Muscle")).to_have_value("upper-trapezius")
    entry.get_by_label("Length (mm)").fill("30")
    entry.get_by_label("Depth (mm)").fill("30")
    entry.get_by_label("LTRs").fill("3")
    blocked = page.get_by_test_id("safety-blocks")
    expect(blocked).to_contain_text("reaches the lower-bound depth to the pleura")
    expect(blocked).to_contain_text("chest-wall-needle-length")
    assert not NeedleInsertion.objects.exists()
    entry.get_by_label("Length (mm)").fill("15")
    entry.get_by_label("Depth (mm)").fill("12")
    expect(page.get_by_test_id("safety-ok")).to_be_visible()
    expect(page.get_by_test_id("safety-note").first).to_contain_text("lower bound")
    entry.get_by_role("button", name="Log entry").click()
    expect(page.get_by_test_id("needle-log")).to_contain_text("Upper trapezius")
    log_entry(page, "Levator scapulae", "15", "12")
    log_entry(page, "Infraspinatus", "15", "12")
    page.locator("#co-section").get_by_role("button", name="+ Exercise").click()
    expect(page.get_by_test_id("co-interventions")).to_contain_text("Exercise")
    nprs(page, "after", 3).click()
    expect(page.get_by_test_id("summary-line")).to_contain_text("NPRS 7 → 3")

    # The needle count: a mismatch blocks signing and says so.
    expect(page.get_by_label("Needles opened")).to_have_value("3")
    page.get_by_label("Needles removed and disposed of").fill("2")
    expect(page.get_by_test_id("signing-problems")).to_contain_text("1 needle opened but not accounted for")
    page.get_by_role("button", name="Sign note").click()
    expect(page.get_by_text("Not signed.")).to_be_visible()
    assert Visit.objects.get().status == "draft"
    page.get_by_label("Needles removed and disposed of").fill("3")
    expect(page.get_by_test_id("signing-ready")).to_be_visible()
    page.get_by_role("button", name="Sign note").click()
    expect(page.get_by_test_id("signed-banner")).to_contain_text("Signed by Alice Chen")
    summary = page.get_by_test_id("summary-line")
    expect(summary).to_contain_text("Needled: upper trapezius L, levator scapulae L, infraspinatus L")
    expect(summary).to_contain_text("CPT 20561")
    return page.url


def test_first_visit_to_signed_note_then_follow_up_in_few_actions(
    page: Page,
    live_server,
    sign_in,  # type: ignore[no-untyped-def]
    ready_patient: Patient,
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    note_url = first_visit(page, live_server, sign_in, ready_patient)

    # The signed note is read-only: no editor, only an addendum (and adverse events) beside it.
    expect(page.locator("#drawing-form")).to_have_count(0)
    expect(page.locator("#entry-form")).to_have_count(0)
    page.get_by_label("Addendum").fill("Patient phoned the next morning: mild soreness only.")
    page.get_by_role("button", name="Add addendum").click()
    expect(page.get_by_test_id("addenda")).to_contain_text("Addendum by Alice Chen")

    for document in ("note", "aftercare", "superbill"):
        pdf_opens(page, f"{note_url}{document}.pdf")

    # The follow-up, counted from the patient's page: copy forward, pain before, one lot, confirm the
    # copied entries (today's checks run again on each), pain after, needles removed, sign.
    page.goto(f"{live_server.url}/patients/{ready_patient.pk}/")
    act = Actions()
    act.click(page.get_by_role("button", name="Start follow-up from last visit"))
    expect(page.get_by_role("button", name="Confirm 3 copied entries")).to_be_visible()
    act.click(nprs(page, "before", 5))
    act.fill(page.get_by_label("Needle lot for this visit"), "2411-09C")
    act.click(page.get_by_role("button", name="Confirm 3 copied entries"))
    expect(page.get_by_test_id("needle-log")).not_to_contain_text("Copied · confirm")
    act.click(nprs(page, "after", 2))
    expect(page.get_by_label("Needles opened")).to_have_value("3")
    act.fill(page.get_by_label("Needles removed and disposed of"), "3")
    act.click(page.get_by_role("button", name="Sign note"))
    expect(page.get_by_test_id("signed-banner")).to_be_visible()
    expect(page.get_by_test_id("summary-line")).to_contain_text("NPRS 5 → 2")
    assert act.count <= MAX_FOLLOW_UP_ACTIONS, f"the follow-up took {act.count} actions"
    follow_up = Visit.objects.order_by("-created_at").first()
    assert follow_up is not None and follow_up.is_signed and follow_up.copied_from is not None
    assert sorted(follow_up.insertions.values_list("needle_lots", flat=True)) == [["2411-09C"]] * 3
    assert follow_up.pain_marks.count() == 2 and follow_up.findings.count() == 1

    # The aftercare appears in the patient's portal, as a page and a PDF.
    page.get_by_role("button", name="Sign out").click()
    sign_in("pat", next_path="/portal/")
    card = page.get_by_test_id("aftercare-card")
    expect(card.get_by_role("link", name=re.compile("After your visit"))).to_have_count(2)
    card.get_by_role("link", name=re.compile("After your visit")).first.click()
    expect(page.get_by_role("heading", name="Aftercare after dry needling")).to_be_visible()
    expect(page.get_by_role("heading", name="Get urgent help straight away")).to_be_visible()
    expect(page.get_by_text("Muscles treated: upper trapezius, levator scapulae and infraspinatus.")).to_be_visible()
    href = page.get_by_role("link", name="Download PDF").get_attribute("href")
    pdf_opens(page, f"{live_server.url}{href}")
    assert errors == [], errors
