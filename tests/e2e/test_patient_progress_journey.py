"""Issue 6 end to end: a patient books a follow-up in the portal; the clinician sends a questionnaire,
which the patient answers from the e-mailed one-time link without signing in; the patient sees their
progress charts; the clinician exports the progress report PDF and it carries the charts."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any
from urllib.parse import quote

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader
from tests.e2e.helpers import front_range, patient_with_login, person
from tests.integration.test_reports_helpers import pdf_text

from needlepoint.accounts.models import PractitionerProfile, Profession, Role, Site
from needlepoint.knowledge.outcomes import load_questionnaires
from needlepoint.outbox import worker
from needlepoint.outcomes.models import QuestionnaireInvitation, QuestionnaireResponse
from needlepoint.outcomes.services.questionnaires import submit_response
from needlepoint.reports.charts import BAND, GOOD
from needlepoint.scheduling import rules
from needlepoint.scheduling.models import Appointment
from needlepoint.visits import services as visits
from needlepoint.visits.services.common import clinic_today

LINK = re.compile(r"https?://[^\s\"<]+(/q/[A-Za-z0-9_-]+/)")
NDI_ITEMS = 10
BASELINE_NDI_ANSWER = 3  # every item: 10 x 3 = 30 of 50
LINK_NDI_ANSWER = 1  # every item: 10 x 1 = 10 of 50, 20 points better (MCID 7.5, MDC 10.2)


@pytest.fixture
def journey(transactional_db: None) -> dict[str, Any]:
    """Front Range (Denver, default booking rules: Monday to Friday 08:00-18:00, 60 days ahead, 2
    hours' notice) with two sites; Alice, a physical therapist; Pat, with a portal login and an
    e-mail address, six weeks into a neck-pain episode: three signed visits (NPRS before treatment
    7, 5, 3) and an NDI of 30 at baseline."""
    clinic = front_range()
    Site.objects.create(clinic=clinic, name="Boulder", address="1800 Pearl St")
    longmont = Site.objects.create(clinic=clinic, name="Longmont", address="515 Main St")
    alice = person(clinic, "alice", Role.CLINICIAN, "Alice", "Chen")
    PractitionerProfile.objects.create(user=alice, profession=Profession.PHYSICAL_THERAPIST)
    patient = patient_with_login(clinic)
    patient.email = "pat@example.org"
    patient.save()
    today = clinic_today(clinic.pk)
    opened = today - dt.timedelta(days=42)
    episode = visits.create_episode(
        alice,
        patient.pk,
        {
            "condition": "neck-pain",
            "icd10_code": "M54.2",
            "regions": [{"region": "neck.posterolateral", "side": "left"}],
            "planned_sessions": 6,
            "interval_weeks": 2,
            "opened_on": opened,
            "goals": "Reverse the car without neck pain.",
        },
    )
    for day, before, after in ((0, 7, 4), (14, 5, 3), (28, 3, 2)):
        visit = visits.start_visit(alice, episode.pk, visit_date=opened + dt.timedelta(days=day))
        visit = visits.record_pain_ratings(alice, visit.pk, visit.version, before=before, after=after)
        visits.sign_visit(alice, visit.pk, visit.version, 0, 0)
    ndi = load_questionnaires()["ndi"]
    assert len(ndi.items) == NDI_ITEMS
    submit_response(
        alice,
        patient_id=patient.pk,
        episode_id=episode.pk,
        questionnaire_id="ndi",
        answers={item.id: BASELINE_NDI_ANSWER for item in ndi.items},
        timepoint="baseline",
        completed_on=opened,
        source="clinic",
    )
    # A day the clinic is certainly open and online booking certainly allows: the first weekday at
    # least two days ahead (never today, so the 2 hours' notice never matters), 10:00 clinic time.
    booking = rules.BookingRules.of(clinic)
    day = rules.next_open_day(booking, today + dt.timedelta(days=2))
    assert (day - today).days <= min(booking.days_ahead, 6)  # inside the booking page's first week
    return {
        "patient": patient,
        "episode": episode,
        "site": longmont,
        "alice": alice,
        "day": day,
        "starts_at": rules.at(booking, day, dt.time(10, 0)),
    }


def book_a_follow_up(page: Page, live_server: Any, sign_in: Any, journey: dict[str, Any]) -> None:
    """Pat books a follow-up at Longmont at 10:00 on the chosen day, from the portal's home page."""
    day: dt.date = journey["day"]
    starts_at: dt.datetime = journey["starts_at"]
    alice = journey["alice"]
    sign_in("pat", next_path="/portal/")
    expect(page.get_by_role("heading", name="Hello, Pat")).to_be_visible()
    page.get_by_role("link", name="Book an appointment").click()
    expect(page.get_by_role("heading", name="Book an appointment")).to_be_visible()
    # htmx binds its handlers once the document has loaded; a change made before that is a plain
    # change with nothing listening (a flake seen under a loaded machine).
    page.wait_for_load_state("load")

    # Where and which week: each change reloads the free times (htmx) and the address.
    page.get_by_label("Where").select_option(label="Longmont")
    expect(page).to_have_url(re.compile(rf"site={journey['site'].pk}"))
    page.get_by_label("From", exact=True).fill(day.isoformat())
    expect(page).to_have_url(re.compile(rf"day={day.isoformat()}"))
    expect(page.locator("#slots-h")).to_contain_text(f"from {day:%a} {day.day} {day:%b}")
    expect(page.get_by_label("Where")).to_have_value(str(journey["site"].pk))

    # The free time at 10:00 clinic time that day, with Alice; it reads 10:00 on the page.
    slot = page.locator(f'a.slot[href*="slot={quote(starts_at.isoformat(), safe="/")}&with={alice.pk}"]')
    expect(slot).to_have_count(1)
    expect(slot).to_contain_text("10:00")
    slot.click()
    confirm = page.locator("#confirm")
    expect(confirm).to_contain_text(f"{day:%A} {day.day} {day:%B %Y}, 10:00 with Alice Chen at Longmont (515 Main St)")
    confirm.get_by_role("button", name="Book this appointment").click()

    expect(page).to_have_url(f"{live_server.url}/portal/appointments/")
    expect(page.get_by_text(f"Booked: {day:%A %d %B} at 10:00 with Alice Chen at Longmont.")).to_be_visible()
    appointment = Appointment.objects.get(patient=journey["patient"])
    assert appointment.booked_online
    assert appointment.starts_at == starts_at
    assert (appointment.site_id, appointment.clinician_id, appointment.kind, appointment.status) == (
        journey["site"].pk,
        alice.pk,
        Appointment.Kind.FOLLOW_UP,
        Appointment.Status.BOOKED,
    )
    listed = page.get_by_role("region", name="Coming up").get_by_role("listitem")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text(f"{day:%A} {day.day} {day:%B %Y}, 10:00")
    expect(listed).to_contain_text("Follow-up with Alice Chen at Longmont")
    expect(listed.get_by_role("link", name="Cancel")).to_have_attribute(
        "href", f"/portal/appointments/{appointment.pk}/cancel/"
    )
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My care").click()
    next_card = page.locator("section.card").filter(has=page.get_by_role("heading", name="Your next appointments"))
    expect(next_card).to_contain_text(f"{day:%A} {day.day} {day:%B}, 10:00 · Follow-up with Alice Chen at Longmont")
    page.get_by_role("button", name="Sign out").click()


def send_the_ndi(page: Page, live_server: Any, sign_in: Any, journey: dict[str, Any]) -> str:
    """Alice sends the NDI from the episode's outcomes page; the outbox worker e-mails it. Returns
    the path of the link in the e-mail."""
    outcomes_url = f"/patients/{journey['patient'].pk}/episodes/{journey['episode'].pk}/outcomes/"
    sign_in("alice", next_path=outcomes_url)
    panel = page.get_by_test_id("questionnaire-invitations")
    expect(panel.get_by_text("No questionnaires sent yet.")).to_be_visible()
    send = panel.get_by_test_id("send-questionnaire")
    send.get_by_label("Questionnaire").select_option(value="ndi")
    send.get_by_label("Timepoint").select_option(label="Discharge")
    send.get_by_role("button", name="Send now").click()
    row = page.get_by_test_id("questionnaire-invitations").locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Neck Disability Index")
    invitation = QuestionnaireInvitation.objects.get(episode=journey["episode"])
    assert (invitation.questionnaire, invitation.timepoint, invitation.sent_at) == ("ndi", "discharge", None)

    # The worker, run here: the live server shares this process, so its e-mail lands in mail.outbox.
    mail.outbox.clear()
    result = worker.run_once("e2e-worker")
    assert result.sent >= 1, result
    emails = [m for m in mail.outbox if LINK.search(m.body)]
    assert len(emails) == 1, [m.subject for m in mail.outbox]
    assert emails[0].to == ["pat@example.org"]
    assert "You do not need a password" in emails[0].body
    match = LINK.search(emails[0].body)
    assert match is not None
    page.reload()
    expect(page.get_by_test_id("questionnaire-invitations").locator("tbody tr")).to_have_attribute(
        "data-status", "sent"
    )
    page.get_by_role("button", name="Sign out").click()
    return match.group(1)


def answer_from_the_link(browser: Browser, live_server: Any, path: str, journey: dict[str, Any]) -> None:
    """In a browser that has never signed in: answer every item, send, and find the link used up."""
    context = browser.new_context()
    try:
        page = context.new_page()
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200
        expect(page.get_by_role("heading", name="Neck Disability Index")).to_be_visible()
        expect(page.get_by_text("Hello Pat.")).to_be_visible()
        expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
        items = page.locator("fieldset.qn-item")
        expect(items).to_have_count(NDI_ITEMS)
        for n in range(NDI_ITEMS):
            choice = items.nth(n).get_by_role("radio").nth(LINK_NDI_ANSWER)
            choice.check()
            expect(choice).to_be_checked()
        page.get_by_role("button", name="Send my answers").click()
        thanks = page.get_by_test_id("questionnaire-thanks")
        expect(thanks.get_by_role("heading", name="Thank you")).to_be_visible()
        expect(thanks).to_contain_text("Your answers to the Neck Disability Index have been sent")

        stored = QuestionnaireResponse.objects.get(episode=journey["episode"], source="link")
        assert stored.score == NDI_ITEMS * LINK_NDI_ANSWER
        assert (stored.timepoint, stored.entered_by_id, stored.answered) == ("discharge", None, NDI_ITEMS)
        assert stored.patient_id == journey["patient"].pk
        invitation = QuestionnaireInvitation.objects.get(episode=journey["episode"])
        assert invitation.used_at is not None and invitation.response_id == stored.pk

        again = page.goto(f"{live_server.url}{path}")
        assert again is not None and again.status == 410
        expect(page.get_by_role("heading", name="This questionnaire has already been answered")).to_be_visible()
        expect(page.locator("fieldset.qn-item")).to_have_count(0)
        assert "sessionid" not in {cookie["name"] for cookie in context.cookies()}  # never signed in
    finally:
        context.close()


def see_progress(page: Page, live_server: Any, sign_in: Any) -> None:
    """Pat's progress page: an NDI chart (the baseline and the answer from the link) and the NPRS
    chart, each with the band of measurement error, the MCID line and a plain-language label."""
    sign_in("pat", next_path="/portal/")
    page.get_by_test_id("progress-card").get_by_role("link", name="My progress").click()
    expect(page).to_have_url(f"{live_server.url}/portal/progress/")
    expect(page.get_by_role("heading", name="My progress")).to_be_visible()
    episode = page.get_by_test_id("progress-episode")
    expect(episode).to_have_count(1)
    expect(episode.get_by_role("heading", name="Neck pain")).to_be_visible()

    ndi = episode.locator("figure.chart-card").filter(
        has_text="Your ability to manage everyday activities with your neck has improved by a meaningful amount."
    )
    expect(ndi).to_have_count(1)
    chart = ndi.locator("svg[role=img]")
    expect(chart).to_be_visible()
    expect(chart.locator("title").first).to_have_text("Neck Disability Index")
    description = chart.locator("desc").first
    expect(description).to_contain_text("2 values")
    expect(description).to_contain_text("Baseline 30 points")
    expect(description).to_contain_text("Latest 10 points")
    expect(chart.locator('[id$="threshold-band"]')).to_have_count(1)
    expect(chart.locator('[id$="mcid-line"]')).to_have_count(1)
    expect(chart.locator('[id$="-points"]')).to_have_count(1)
    box = chart.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 80, box

    nprs = episode.locator("figure.chart-card").filter(has_text="Your pain has improved by a meaningful amount.")
    expect(nprs).to_have_count(1)
    expect(nprs.locator("svg[role=img]")).to_be_visible()
    expect(nprs.locator("svg title").first).to_have_text("Numeric Pain Rating Scale")
    expect(nprs.locator('svg [id$="threshold-band"]')).to_have_count(1)
    expect(nprs.locator('svg [id$="points-after-treatment"]')).to_have_count(1)
    page.get_by_role("button", name="Sign out").click()


def export_the_report(page: Page, live_server: Any, sign_in: Any, journey: dict[str, Any]) -> None:
    """Alice opens the episode's outcomes (charts there too), then its progress report PDF."""
    patient, episode = journey["patient"], journey["episode"]
    sign_in("alice", next_path=f"/patients/{patient.pk}/episodes/{episode.pk}/outcomes/")
    charts = page.get_by_test_id("outcome-charts")
    expect(charts.locator("svg[role=img]")).to_have_count(2)
    expect(charts.locator('svg [id$="threshold-band"]')).to_have_count(2)
    expect(page.get_by_test_id("responder")).to_contain_text("Responder")

    page.locator("nav.crumbs").get_by_role("link", name="Neck pain").click()
    link = page.get_by_test_id("progress-report-links").get_by_role("link", name="For the referring physician")
    href = link.get_attribute("href")
    assert href == f"/patients/{patient.pk}/episodes/{episode.pk}/progress-report.pdf?audience=physician"
    response = page.request.get(f"{live_server.url}{href}")  # the page's session cookie goes with it
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    content = response.body()
    assert content.startswith(b"%PDF")
    text = " ".join(pdf_text(content).split())
    assert "Progress report" in text and "Pat Kowalski" in text
    # The charts' own text, drawn in the PDF as text: the y-axis labels, the direction, the legend.
    assert "Neck Disability Index (points)" in text
    assert "Numeric Pain Rating Scale (points)" in text
    assert "lower is better" in text
    assert "within measurement error (±10.2 MDC)" in text  # the NDI chart's band
    assert "meaningful improvement" in text
    # And the charts are drawn: a band of measurement error filled in its colour for each chart
    # (plus its legend swatch), and each chart's dashed MCID line stroked in its colour.
    fills, strokes = paint_colours(content)
    assert fills.count(BAND) >= 2, fills
    assert strokes.count(GOOD) >= 2, strokes


COLOUR = re.compile(rb"(?<![\d.])(\d*\.?\d+) (\d*\.?\d+) (\d*\.?\d+) (rg|RG)\b")


def paint_colours(content: bytes) -> tuple[list[str], list[str]]:
    """The fill and stroke colours (as #rrggbb) set in the PDF's pages and in every drawing
    (form XObject) they place, each drawing counted once."""
    fills: list[str] = []
    strokes: list[str] = []
    seen: set[int] = set()

    def scan(data: bytes) -> None:
        for r, g, b, op in COLOUR.findall(data):
            colour = "#" + "".join(f"{round(float(c) * 255):02x}" for c in (r, g, b))
            (fills if op == b"rg" else strokes).append(colour)

    def walk(resources: Any) -> None:
        xobjects = resources.get_object().get("/XObject") if resources is not None else None
        for ref in xobjects.get_object().values() if xobjects is not None else ():
            key = getattr(ref, "idnum", None)
            if key in seen:
                continue
            if key is not None:
                seen.add(key)
            drawing = ref.get_object()
            if drawing.get("/Subtype") == "/Form":
                scan(drawing.get_data())
                walk(drawing.get("/Resources"))

    for page in PdfReader(io.BytesIO(content)).pages:
        contents = page.get_contents()
        if contents is not None:
            scan(contents.get_data())
        walk(page.get("/Resources"))
    return fills, strokes


def test_book_answer_from_the_link_see_progress_and_export_the_report(
    page: Page,
    browser: Browser,
    live_server: Any,
    sign_in: Any,
    journey: dict[str, Any],
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    book_a_follow_up(page, live_server, sign_in, journey)
    path = send_the_ndi(page, live_server, sign_in, journey)
    answer_from_the_link(browser, live_server, path, journey)
    see_progress(page, live_server, sign_in)
    export_the_report(page, live_server, sign_in, journey)
    assert errors == [], errors
