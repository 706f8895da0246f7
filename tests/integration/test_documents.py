"""The visit's PDFs: the visit note, the aftercare handout and the superbill open and show the key facts;
nothing in them is fetched, and text that looks like markup is printed as text."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import io
import zoneinfo
from decimal import Decimal

import pytest
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from needlepoint.bodymap.render import Mark, render_both
from needlepoint.clinical.aftercare import AftercareInput, build_handout
from needlepoint.documents.fetcher import DataOnlyFetcher
from needlepoint.documents.inputs import (
    AcknowledgedWarning,
    Addendum,
    AdverseEventRow,
    AftercareDocument,
    ClinicDetails,
    ClinicianDetails,
    DiagnosisLine,
    ElectricalStimulation,
    Episode,
    NeedleCount,
    NeedleInsertion,
    PainMark,
    PatientDetails,
    ProcedureCode,
    ProcedureLine,
    SuperbillDocument,
    TriggerPointFinding,
    VisitNoteDocument,
)
from needlepoint.documents.render import (
    render_aftercare,
    render_superbill,
    render_visit_note,
    superbill_context,
    svg_data_uri,
    visit_note_context,
    visit_summary,
)

DENVER = zoneinfo.ZoneInfo("America/Denver")
VISIT_AT = dt.datetime(2026, 5, 12, 14, 0, tzinfo=DENVER)
REMOTE = '<img src="http://example.org/x.png">'

CLINIC = ClinicDetails(
    name="Front Range Physical Therapy",
    address="1200 Pearl Street, Suite 4\nBoulder, CO 80302",
    phone="(303) 555-0100",
    tax_id="84-1234567",
    npi="1234567893",
)
PATIENT = PatientDetails(
    name="Olive Brennan",
    chart_number="FR-00042",
    date_of_birth=dt.date(1971, 9, 3),
    sex="Female",
    age=54,
    address="88 Mapleton Avenue\nBoulder, CO 80304",
)
CLINICIAN = ClinicianDetails(
    name="Alice Chen, PT, DPT",
    profession="Physical therapist",
    licence_number="PT-0012345",
    licence_jurisdiction="Colorado",
    npi="1912345675",
)


def needle(muscle: str, side: str, **changes: object) -> NeedleInsertion:
    row = NeedleInsertion(
        muscle=muscle,
        side=side,  # type: ignore[arg-type]
        technique="Deep DN, fast-in fast-out",
        needle_diameter_mm=0.25,
        needle_length_mm=40,
        depth_mm=15,
        approach="Pincer grip, horizontal toward the fingers",
        manipulation="Pistoning",
        local_twitch_responses=4,
        retention_minutes=None,
        needle_lot="LOT 24-0917",
        ultrasound_guided=False,
    )
    return dataclasses.replace(row, **changes)  # type: ignore[arg-type]


def visit_note(**changes: object) -> VisitNoteDocument:
    svg = render_both(
        marks={
            ("shoulder.top", "left"): Mark("pain", 7),
            ("neck.posterolateral", "left"): Mark("pain", 6),
            ("head.temple", "left"): Mark("pain", 4),
        },
        title="Pain drawing",
    )
    doc = VisitNoteDocument(
        clinic=CLINIC,
        patient=PATIENT,
        clinician=CLINICIAN,
        episode=Episode(
            condition="Myofascial neck and shoulder pain",
            icd10cm_code="M79.12",
            icd10cm_label="Myalgia of auxiliary muscles, head and neck",
            visit_number=3,
            planned_visits=6,
        ),
        visit_at=VISIT_AT,
        site="Boulder clinic, room 2",
        time_zone="America/Denver",
        status="signed",
        signed_at=VISIT_AT + dt.timedelta(minutes=50),
        signed_by="Alice Chen, PT, DPT",
        pain_drawing=(
            PainMark("top of the shoulder (ridge above the shoulder blade)", "left", 7),
            PainMark("side of the neck, back; angle of neck and shoulder", "left", 6),
            PainMark("temple", "left", 4),
        ),
        body_map_svg=svg,
        nprs_before=7,
        nprs_after=4,
        trigger_points=(
            TriggerPointFinding("Upper trapezius", "left", True, True, True, True, True),
            TriggerPointFinding("Levator scapulae", "left", True, True, False, True, False),
            TriggerPointFinding("Infraspinatus", "left", False, True, True, False, False),
        ),
        needling=(
            needle("Upper trapezius", "left"),
            needle(
                "Levator scapulae",
                "left",
                needle_length_mm=30,
                depth_mm=12,
                approach="Posterior to anterior, toward the scapula",
            ),
            needle(
                "Infraspinatus",
                "left",
                needle_diameter_mm=0.30,
                needle_length_mm=50,
                depth_mm=25,
                approach="Perpendicular onto the scapula",
                manipulation="Rotation",
                retention_minutes=10,
                local_twitch_responses=2,
                ultrasound_guided=True,
                electrical_stimulation=ElectricalStimulation(2, 250, "4 mA, strong but comfortable", 10),
            ),
        ),
        warnings=(
            AcknowledgedWarning(
                "LUNG-APEX",
                "Upper trapezius lies over the lung apex: pincer grip, horizontal needle.",
                "Alice Chen",
                VISIT_AT + dt.timedelta(minutes=12),
            ),
        ),
        co_interventions=(
            "Manual therapy: cervical mobilisation",
            "Home exercise: upper trapezius stretch, 3 sets of 30 s",
        ),
        adverse_events=(),
        needle_count=NeedleCount(opened=3, removed=3),
        procedure_codes=(ProcedureCode("20561", "Needle insertion(s) without injection(s); 3 or more muscle(s)"),),
        notes="Good local twitch responses in upper trapezius.\nPlan: reassess in one week.",
        addenda=(
            Addendum(
                VISIT_AT + dt.timedelta(days=1, hours=-5),
                "Alice Chen, PT, DPT",
                "Patient phoned: mild soreness only, settled by the next morning.",
            ),
        ),
    )
    return dataclasses.replace(doc, **changes)  # type: ignore[arg-type]


def aftercare(**changes: object) -> AftercareDocument:
    handout = build_handout(
        AftercareInput(
            patient_name="Olive Brennan",
            visit_date=VISIT_AT.date(),
            regions_needled=(("shoulder.top", "left"), ("neck.posterolateral", "left"), ("back.scapula", "left")),
            muscles_needled=("upper-trapezius", "levator-scapulae", "infraspinatus"),
            chest_wall_needled=True,
            electrical_stimulation=True,
            adverse_events=(("bruising", "mild"),),
            next_visit=dt.date(2026, 5, 19),
            interval_days=7,
            clinic_name=CLINIC.name,
            clinic_phone=CLINIC.phone,
        )
    )
    doc = AftercareDocument(
        handout=handout, patient_name="Olive Brennan", clinic=CLINIC, clinician_name="Alice Chen, PT, DPT"
    )
    return dataclasses.replace(doc, **changes)  # type: ignore[arg-type]


def superbill(**changes: object) -> SuperbillDocument:
    doc = SuperbillDocument(
        clinic=CLINIC,
        provider=CLINICIAN,
        patient=PATIENT,
        date_of_service=VISIT_AT.date(),
        place_of_service="11 - Office",
        diagnoses=(
            DiagnosisLine("M79.12", "Myalgia of auxiliary muscles, head and neck"),
            DiagnosisLine("M54.2", "Cervicalgia"),
        ),
        procedures=(
            ProcedureLine(
                "20561",
                "Needle insertion(s) without injection(s); 3 or more muscle(s)",
                fee=Decimal("95.00"),
                diagnosis_pointers="AB",
            ),
            ProcedureLine(
                "97140",
                "Manual therapy techniques, each 15 minutes",
                fee=Decimal("60"),
                modifiers=("59", "GP"),
                diagnosis_pointers="B",
            ),
        ),
        issued_on=VISIT_AT.date(),
    )
    return dataclasses.replace(doc, **changes)  # type: ignore[arg-type]


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "") for page in reader.pages).split())


def pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def embedded_objects(pdf: bytes) -> int:
    """Images and drawings (XObjects) on the pages: an embedded SVG becomes vector Form XObjects."""
    reader = PdfReader(io.BytesIO(pdf))
    names = set()
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject") or {}
        names.update(xobjects.keys())
    return len(names)


# --- the visit note ------------------------------------------------------------------------------


def test_visit_note_summary_line_reads_in_one_glance() -> None:
    assert visit_summary(visit_note()) == (
        "Needled: upper trapezius L, levator scapulae L, infraspinatus L · NPRS 7 → 4 · e-stim · "
        "no adverse events · 1 safety warning acknowledged · CPT 20561"
    )
    both = visit_note(
        needling=(needle("Upper trapezius", "left"), needle("Upper trapezius", "right")),
        adverse_events=(AdverseEventRow("Bruising", "mild"),),
        warnings=(),
        nprs_after=None,
        needle_count=NeedleCount(4, 3),
    )
    assert visit_summary(both) == (
        "Needled: upper trapezius L+R · NPRS 7 before (after not recorded) · adverse events: bruising (mild) · "
        "NEEDLE COUNT MISMATCH (4 opened, 3 removed) · CPT 20561"
    )


def test_visit_note_pdf_shows_the_key_facts() -> None:
    pdf = render_visit_note(visit_note())
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    for expected in (
        "Dry needling visit note",
        "Front Range Physical Therapy",
        "Olive Brennan",
        "FR-00042",
        "3 September 1971 (age 54)",
        "Alice Chen, PT, DPT",
        "PT-0012345 (Colorado)",
        "M79.12",
        "Visit 3 of 6 planned",
        "12 May 2026, 14:00 MDT",
        "SIGNED",
        "Needled: upper trapezius L, levator scapulae L, infraspinatus L",
        "NPRS 7 → 4",
        "no adverse events",
        "Upper trapezius",
        "Levator scapulae",
        "Infraspinatus",
        "0.25 \N{MULTIPLICATION SIGN} 40 mm",
        "0.30 \N{MULTIPLICATION SIGN} 50 mm",
        "2 Hz · 250 µs · 4 mA, strong but comfortable · 10 min",
        "LOT 24-0917",
        "US-guided",
        "LUNG-APEX",
        "cervical mobilisation",
        "3 opened, 3 removed",
        "all accounted for",
        "20561",
        "3 or more muscle(s)",
        "Electronically signed by Alice Chen, PT, DPT on 12 May 2026, 14:50 MDT",
        "Addenda",
        "settled by the next morning",
    ):
        assert expected in text, expected
    assert embedded_objects(pdf) > 0  # the body map, embedded


def test_visit_note_pdf_shows_the_needles_of_each_entry_and_the_needles_logged() -> None:
    doc = visit_note(
        needling=(needle("Upper trapezius", "left", needles_used=2), needle("Levator scapulae", "left")),
        needle_count=NeedleCount(opened=3, removed=3, logged=2),
    )
    rows = visit_note_context(doc)["needling"]
    assert [(r["needles"], r["lot"]) for r in rows] == [("2 needles", "LOT 24-0917"), ("", "LOT 24-0917")]
    text = pdf_text(render_visit_note(doc))
    assert "2 needles" in text and "3 opened, 3 removed, 2 used in the needle log" in text


def test_draft_visit_note_says_draft_and_shows_mismatch_and_events() -> None:
    doc = visit_note(
        status="draft",
        signed_at=None,
        signed_by="",
        body_map_svg=None,
        addenda=(),
        needle_count=NeedleCount(opened=3, removed=2),
        adverse_events=(AdverseEventRow("Bruising", "mild", "Pressure for 2 minutes", dt.date(2026, 5, 14)),),
    )
    text = pdf_text(render_visit_note(doc))
    for expected in (
        "DRAFT · NOT SIGNED",
        "Draft: not signed",
        "MISMATCH",
        "Bruising",
        "Pressure for 2 minutes",
        "14 May 2026",
        "adverse events: bruising (mild)",
    ):
        assert expected in text, expected
    assert "Electronically signed" not in text


def test_empty_visit_note_still_renders() -> None:
    doc = VisitNoteDocument(
        clinic=ClinicDetails("Clinic"),
        patient=PatientDetails("Pat"),
        clinician=ClinicianDetails("Dr C"),
        episode=None,
        visit_at=dt.datetime(2026, 5, 12, 9, 30),
    )
    text = pdf_text(render_visit_note(doc))
    assert "No needling recorded" in text and "12 May 2026, 09:30" in text and "NPRS not recorded" in text


def test_aware_times_are_shown_in_the_clinic_zone() -> None:
    utc = VISIT_AT.astimezone(dt.UTC)
    assert visit_note_context(visit_note(visit_at=utc))["visit_at"] == "12 May 2026, 14:00 MDT"


# --- the aftercare handout -----------------------------------------------------------------------


def test_aftercare_pdf_is_a_short_handout_with_the_red_flags() -> None:
    pdf = render_aftercare(aftercare())
    assert pdf.startswith(b"%PDF")
    assert 1 <= pages(pdf) <= 2
    text = pdf_text(pdf)
    for expected in (
        "Aftercare",
        "For Olive Brennan",
        "Front Range Physical Therapy",
        "(303) 555-0100",
        "Get urgent help straight away",
        "Shortness of breath, chest pain",
        "even hours later or the next day",
        "call 911",
        "Contact the clinic if you notice",
        "infection",
        "24 to 48 hours",
        "7.55%",
        "Top of the shoulder (ridge above the shoulder blade), left side",
        "Electrical stimulation",
        "Bruising (mild)",
        "Tuesday 19 May 2026",
        "Hong 1994",
        "Brady et al. 2014",
    ):
        assert expected in text, expected


# --- the superbill -------------------------------------------------------------------------------


def test_superbill_pdf_shows_codes_fees_and_the_coverage_note() -> None:
    pdf = render_superbill(superbill())
    text = pdf_text(pdf)
    for expected in (
        "Superbill",
        "Olive Brennan",
        "3 September 1971",
        "88 Mapleton Avenue",
        "FR-00042",
        "1912345675",
        "1234567893",
        "84-1234567",
        "11 - Office",
        "12 May 2026",
        "M79.12",
        "M54.2",
        "Cervicalgia",
        "20561",
        "3 or more muscle(s)",
        "97140",
        "59 GP",
        "$95.00",
        "$60.00",
        "$155.00",
        "National Coverage Determination 30.3.3",
        "Provider signature",
    ):
        assert expected in text, expected


def test_superbill_without_fees_has_no_fee_column_and_refuses_no_procedures() -> None:
    lines = (ProcedureLine("20560", "Needle insertion(s) without injection(s); 1 or 2 muscle(s)"),)
    context = superbill_context(superbill(procedures=lines, diagnoses=(DiagnosisLine("M79.12", "Myalgia"),)))
    assert not context["any_fee"] and context["total"] == "" and context["procedures"][0]["pointers"] == "A"
    assert "20560" in pdf_text(render_superbill(superbill(procedures=lines)))
    with pytest.raises(ValueError, match="procedures"):
        superbill_context(superbill(procedures=()))


def test_superbill_explains_how_the_code_was_chosen_with_its_sources() -> None:
    lines = (ProcedureLine("20560", "Needle insertion(s) without injection(s); 1 or 2 muscle(s)"),)
    basis = (
        "CPT 20560: 1 muscle (trapezius: upper trapezius and middle trapezius counted once, "
        "left and right counted once)."
    )
    rule = "The left and the right of one muscle count as one muscle. (Source: AAPC; not confirmed.)"
    assert "How the code was chosen" not in pdf_text(render_superbill(superbill(procedures=lines)))  # none given
    pdf = render_superbill(superbill(procedures=lines, code_basis=basis, code_rules=(rule,)))
    text = " ".join(pdf_text(pdf).split())
    assert "How the code was chosen. CPT 20560: 1 muscle (trapezius: upper trapezius and middle trapezius" in text
    assert "(Source: AAPC; not confirmed.)" in text


# --- nothing is fetched --------------------------------------------------------------------------


def test_the_fetcher_refuses_every_url_but_data() -> None:
    fetcher = DataOnlyFetcher()
    for url in ("http://example.org/x.png", "https://example.org/x.css", "file:///etc/passwd", "ftp://x/y"):
        with pytest.raises(FatalURLFetchingError):
            fetcher.fetch(url)
    response = fetcher.fetch(svg_data_uri('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'))
    assert response is not None


def test_a_remote_image_in_the_html_stops_the_rendering() -> None:
    with pytest.raises(FatalURLFetchingError):
        HTML(string=f"<p>x</p>{REMOTE}", url_fetcher=DataOnlyFetcher(), base_url=None).write_pdf()


def test_markup_in_text_fields_is_printed_as_text_not_fetched() -> None:
    # Were the <img> interpreted, the fetcher would stop the rendering (test above); it is printed instead.
    note = visit_note(
        patient=dataclasses.replace(PATIENT, name=f"Olive {REMOTE}"),
        notes=REMOTE,
        co_interventions=(REMOTE,),
        needling=(needle(f"Upper trapezius {REMOTE}", "left"),),
        body_map_svg=None,
    )
    pdf = render_visit_note(note)
    assert "example.org/x.png" in pdf_text(pdf) and embedded_objects(pdf) == 0
    handout = aftercare(patient_name=REMOTE, clinic=dataclasses.replace(CLINIC, name=REMOTE, address=REMOTE))
    assert "example.org/x.png" in pdf_text(render_aftercare(handout))
    bill = superbill(patient=dataclasses.replace(PATIENT, address=REMOTE), diagnoses=(DiagnosisLine("M79.12", REMOTE),))
    assert "example.org/x.png" in pdf_text(render_superbill(bill))


SNEAKY_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">'
    '<image xlink:href="http://example.org/x.png" width="10" height="10"/></svg>'
)


def test_body_map_must_be_a_self_contained_svg() -> None:
    with pytest.raises(ValueError, match="body_map_svg: not an SVG"):
        visit_note_context(visit_note(body_map_svg=REMOTE))
    for outside in (
        SNEAKY_SVG,
        SNEAKY_SVG.replace("xlink:href", "href"),
        '<svg><rect style="fill: url(https://example.org/p.svg#g)"/></svg>',
        '<svg><style>@import "https://example.org/x.css";</style></svg>',
    ):
        with pytest.raises(ValueError, match="outside the drawing"):
            svg_data_uri(outside)
    # fragments and the namespace declarations of a real body map are fine
    assert svg_data_uri('<svg xmlns="http://www.w3.org/2000/svg"><use href="#a"/><rect fill="url(#g)"/></svg>')


def test_a_link_inside_an_embedded_svg_is_not_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    reached: list[str] = []
    real_fetch = URLFetcher.fetch

    def recording_fetch(self: URLFetcher, url: str, headers: object = None) -> object:
        reached.append(url)
        return real_fetch(self, url, headers)

    monkeypatch.setattr(URLFetcher, "fetch", recording_fetch)
    uri = "data:image/svg+xml;base64," + base64.b64encode(SNEAKY_SVG.encode()).decode()
    HTML(string=f'<img src="{uri}">', url_fetcher=DataOnlyFetcher(), base_url=None).write_pdf()
    assert reached and all(url.startswith("data:") for url in reached)


def test_page_size_is_checked() -> None:
    assert render_superbill(superbill(), page_size="letter").startswith(b"%PDF")
    with pytest.raises(ValueError, match="page_size"):
        render_superbill(superbill(), page_size="A3")
