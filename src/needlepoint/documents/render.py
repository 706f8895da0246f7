"""PDFs for a visit: ``render_visit_note``, ``render_aftercare`` and ``render_superbill``.

Each takes a dataclass from :mod:`.inputs`, builds a template context of ready-to-print strings (the
``*_context`` functions, testable without WeasyPrint), renders a Django template from
``documents/templates/documents/`` with Django's autoescaping, and turns the HTML into a PDF with
WeasyPrint and :class:`~.fetcher.DataOnlyFetcher`: nothing is fetched, the only embedded resource
is the body map as a ``data:`` URI. No database access; the caller decides who may print what and
records the audit event.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import zoneinfo
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from weasyprint import HTML

from needlepoint.consent.content import short_citation
from needlepoint.documents.fetcher import DataOnlyFetcher
from needlepoint.documents.inputs import (
    AftercareDocument,
    NeedleInsertion,
    Side,
    SuperbillDocument,
    VisitNoteDocument,
)
from needlepoint.knowledge import load_knowledge

DASH = "\N{EN DASH}"  # an empty cell
TIMES = "\N{MULTIPLICATION SIGN}"
MINUS = "\N{MINUS SIGN}"
PAGE_SIZES = ("A4", "letter")
CLOSING_SECTIONS = ("next-visit", "contact")
SIDE_WORDS = {"left": "Left", "right": "Right", "both": "Both"}
SIDE_LETTERS = {"left": "L", "right": "R", "both": "L+R"}
PAYER_NOTE_SOURCE = "cms-ncd-30-3-3"
PAYER_NOTE = (
    "Coverage of dry needling (CPT 20560 and 20561) differs between payers and plans, and some plans do not "
    "cover it. Medicare pays for needling only as acupuncture for chronic low back pain under National "
    "Coverage Determination 30.3.3, which sets conditions on the diagnosis, the number of visits and who "
    "provides the treatment; outside those conditions Medicare does not cover dry needling. Please check "
    "with your plan. This superbill records the services provided and their fees; it is not a claim and "
    "does not guarantee payment."
)


# --- formatting -------------------------------------------------------------------------------


def fmt_date(day: dt.date | None) -> str:
    """'3 September 1971'; '' for None."""
    return f"{day.day} {day:%B %Y}" if day is not None else ""


def fmt_datetime(moment: dt.datetime | None, time_zone: str = "") -> str:
    """'12 May 2026, 14:03 MDT': aware times in ``time_zone`` (if given); naive times as given."""
    if moment is None:
        return ""
    if moment.tzinfo is not None and time_zone:
        try:
            moment = moment.astimezone(zoneinfo.ZoneInfo(time_zone))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            moment = moment.astimezone(dt.UTC)
    zone = f" {moment.tzname()}" if moment.tzinfo is not None and moment.tzname() else ""
    return f"{moment.day} {moment:%B %Y, %H:%M}{zone}"


def fmt_time_short(moment: dt.datetime, time_zone: str = "") -> str:
    """'12 May 14:12' for table cells (the year and zone are in the document's header)."""
    text = fmt_datetime(moment, time_zone)
    day, _, rest = text.partition(", ")
    return f"{day.rsplit(' ', 1)[0]} {rest.split(' ')[0]}"


def fmt_number(value: float | int | None, unit: str = "") -> str:
    """0.25 -> '0.25', 40.0 -> '40'; with a unit: '40 mm'; '' for None."""
    if value is None:
        return ""
    text = f"{value:g}"
    return f"{text} {unit}" if unit else text


def fmt_money(amount: Decimal, currency: str) -> str:
    text = f"{amount.quantize(Decimal('0.01')):,}"
    return f"${text}" if currency == "USD" else f"{text} {currency}"


def side_word(side: Side) -> str:
    return SIDE_WORDS.get(side or "", "")


def _lower_name(name: str) -> str:
    """'Upper trapezius' -> 'upper trapezius' in running text; acronyms ('SCM') stay."""
    return name[:1].lower() + name[1:] if name[1:2].islower() else name


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


# In an SVG, a link to anything but a fragment ("#id") or a data: URI is a resource from outside.
_SVG_OUTSIDE = re.compile(
    r"""(?:\b(?:href|src)\s*=\s*["']\s*(?!#|data:)[^"'\s]|url\(\s*["']?\s*(?!#|data:)[^)"'\s]|@import)""",
    re.IGNORECASE,
)


def svg_data_uri(svg: str) -> str:
    """An SVG document as ``data:image/svg+xml;base64,…``.

    Raises ValueError for anything that is not an SVG document or that links to a resource outside
    itself (the fetcher would refuse it anyway, but WeasyPrint would then drop the whole drawing).
    """
    head = svg.lstrip()[:200].lower()
    if not (head.startswith("<svg") or (head.startswith("<?xml") and "<svg" in svg.lower())):
        raise ValueError("body_map_svg: not an SVG document")
    if _SVG_OUTSIDE.search(svg):
        raise ValueError("body_map_svg: links to a resource outside the drawing; only #fragments and data: URIs")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def check_page_size(page_size: str) -> None:
    if page_size not in PAGE_SIZES:
        raise ValueError(f"page_size: must be one of {', '.join(PAGE_SIZES)}, got {page_size!r}")


def html_to_pdf(html: str) -> bytes:
    """The one way HTML becomes a PDF: WeasyPrint with the fetcher that allows only data: URIs."""
    pdf: bytes = HTML(string=html, url_fetcher=DataOnlyFetcher(), base_url=None).write_pdf()
    return pdf


def render_pdf(template: str, context: dict[str, Any], page_size: str) -> bytes:
    check_page_size(page_size)
    return html_to_pdf(render_to_string(template, {**context, "page_size": page_size}))


# --- the visit note ---------------------------------------------------------------------------


def needled_muscles(rows: Sequence[NeedleInsertion]) -> list[str]:
    """'upper trapezius L', 'infraspinatus L+R': each muscle once, in the order needled."""
    sides: dict[str, list[str]] = {}
    for row in rows:
        seen = sides.setdefault(row.muscle, [])
        for side in ("left", "right") if row.side == "both" else (row.side,):
            if side and side not in seen:
                seen.append(side)
    out = []
    for muscle, seen in sides.items():
        letters = "L+R" if len(seen) == 2 else SIDE_LETTERS.get(seen[0], "") if seen else ""
        out.append(f"{_lower_name(muscle)} {letters}".strip())
    return out


def nprs_text(before: int | None, after: int | None) -> str:
    if before is not None and after is not None:
        return f"NPRS {before} → {after}"
    if before is not None:
        return f"NPRS {before} before (after not recorded)"
    if after is not None:
        return f"NPRS {after} after (before not recorded)"
    return "NPRS not recorded"


def visit_summary(doc: VisitNoteDocument) -> str:
    """The line another clinician reads first:
    'Needled: upper trapezius L, levator scapulae L · NPRS 7 → 4 · no adverse events · CPT 20561'."""
    muscles = needled_muscles(doc.needling)
    parts = [f"Needled: {', '.join(muscles)}" if muscles else "No needling recorded"]
    parts.append(nprs_text(doc.nprs_before, doc.nprs_after))
    if any(row.electrical_stimulation for row in doc.needling):
        parts.append("e-stim")
    if doc.adverse_events:
        events = ", ".join(
            f"{e.kind.lower()} ({e.severity})" if e.severity else e.kind.lower() for e in doc.adverse_events
        )
        parts.append(f"adverse events: {events}")
    else:
        parts.append("no adverse events")
    count = doc.needle_count
    if count is not None and count.opened != count.removed:
        parts.append(f"NEEDLE COUNT MISMATCH ({count.opened} opened, {count.removed} removed)")
    if doc.warnings:
        n = len(doc.warnings)
        parts.append(f"{n} safety warning{'s' if n != 1 else ''} acknowledged")
    if doc.procedure_codes:
        parts.append("CPT " + ", ".join(_unique(p.code for p in doc.procedure_codes)))
    return " · ".join(parts)


def _tick(value: bool) -> str:
    return "\N{CHECK MARK}" if value else DASH


def _estim_text(row: NeedleInsertion) -> str:
    e = row.electrical_stimulation
    if e is None:
        return DASH
    bits = [fmt_number(e.frequency_hz, "Hz")]
    if e.pulse_width_us is not None:
        bits.append(fmt_number(e.pulse_width_us, "µs"))
    if e.intensity:
        bits.append(e.intensity)
    bits.append(fmt_number(e.minutes, "min"))
    return " · ".join(bits)


def _needles_text(count: int | None) -> str:
    """'3 needles' ('' when the count is not given)."""
    if count is None:
        return ""
    return f"{count} needle{'' if count == 1 else 's'}"


def _needle_row(row: NeedleInsertion) -> dict[str, Any]:
    return {
        "muscle": row.muscle,
        "side": side_word(row.side),
        "technique": row.technique,
        "approach": row.approach,
        "manipulation": row.manipulation,
        "needle": f"{row.needle_diameter_mm:.2f} {TIMES} {fmt_number(row.needle_length_mm)} mm",
        "depth": fmt_number(row.depth_mm, "mm") or DASH,
        "ltrs": fmt_number(row.local_twitch_responses) or DASH,
        "retention": fmt_number(row.retention_minutes, "min") or DASH,
        "estim": _estim_text(row),
        "lot": row.needle_lot,
        "needles": _needles_text(row.needles_used),
        "ultrasound": row.ultrasound_guided,
    }


def _age_text(doc: VisitNoteDocument) -> str:
    dob = fmt_date(doc.patient.date_of_birth)
    if doc.patient.age is not None:
        return f"{dob} (age {doc.patient.age})" if dob else f"age {doc.patient.age}"
    return dob


def visit_note_context(doc: VisitNoteDocument) -> dict[str, Any]:
    tz = doc.time_zone
    episode = doc.episode
    visit_of = ""
    if episode is not None and episode.visit_number is not None:
        visit_of = f"Visit {episode.visit_number}"
        if episode.planned_visits is not None:
            visit_of += f" of {episode.planned_visits} planned"
    licence = " ".join(
        x
        for x in (
            doc.clinician.licence_number,
            f"({doc.clinician.licence_jurisdiction})" if doc.clinician.licence_jurisdiction else "",
        )
        if x
    )
    change = None
    if doc.nprs_before is not None and doc.nprs_after is not None:
        diff = doc.nprs_after - doc.nprs_before
        change = f"{diff:+d}".replace("-", MINUS) if diff else "no change"
    count = doc.needle_count
    return {
        "doc": doc,
        "clinic": doc.clinic,
        "patient": doc.patient,
        "clinician": doc.clinician,
        "episode": episode,
        "visit_of": visit_of,
        "licence": licence,
        "dob": _age_text(doc),
        "visit_at": fmt_datetime(doc.visit_at, tz),
        "visit_date": fmt_date(doc.visit_at.date()),
        "signed": doc.status == "signed",
        "signed_at": fmt_datetime(doc.signed_at, tz),
        "summary": visit_summary(doc),
        "nprs_change": change,
        "pain_marks": [
            {
                "region": m.region[:1].upper() + m.region[1:],
                "side": side_word(m.side),
                "intensity": "" if m.intensity is None else f"{m.intensity}/10",
            }
            for m in doc.pain_drawing
        ],
        "body_map_uri": svg_data_uri(doc.body_map_svg) if doc.body_map_svg else "",
        "trigger_points": [
            {
                "muscle": t.muscle,
                "side": side_word(t.side),
                "kind": "Active" if t.active else "Latent",
                "taut_band": _tick(t.taut_band),
                "nodule": _tick(t.nodule),
                "referred": _tick(t.referred_pain_reproduced),
                "ltr": _tick(t.local_twitch_on_palpation),
            }
            for t in doc.trigger_points
        ],
        "needling": [_needle_row(r) for r in doc.needling],
        "warnings": [
            {"code": w.code, "message": w.message, "by": w.acknowledged_by, "at": fmt_time_short(w.acknowledged_at, tz)}
            for w in doc.warnings
        ],
        "adverse_events": [
            {"kind": e.kind, "severity": e.severity, "action": e.action, "follow_up": fmt_date(e.follow_up_due)}
            for e in doc.adverse_events
        ],
        "count_ok": count is None or count.opened == count.removed,
        "addenda": [{"at": fmt_datetime(a.written_at, tz), "author": a.author, "text": a.text} for a in doc.addenda],
    }


def render_visit_note(doc: VisitNoteDocument, *, page_size: str = "A4") -> bytes:
    return render_pdf("documents/visit_note.html", visit_note_context(doc), page_size)


# --- the aftercare handout --------------------------------------------------------------------


def aftercare_context(doc: AftercareDocument) -> dict[str, Any]:
    references = load_knowledge().references
    sections = doc.handout.sections
    return {
        "doc": doc,
        "clinic": doc.clinic,
        "handout": doc.handout,
        # the next visit and the clinic's number close the handout, side by side
        "sections": [s for s in sections if s.key not in CLOSING_SECTIONS],
        "closing": [s for s in sections if s.key in CLOSING_SECTIONS],
        "sources": [short_citation(references.get(s), s) for s in doc.handout.sources],
    }


def render_aftercare(doc: AftercareDocument, *, page_size: str = "A4") -> bytes:
    return render_pdf("documents/aftercare.html", aftercare_context(doc), page_size)


# --- the superbill ----------------------------------------------------------------------------


def superbill_context(doc: SuperbillDocument) -> dict[str, Any]:
    if not doc.procedures:
        raise ValueError("procedures: a superbill needs at least one procedure line")
    if len(doc.diagnoses) > 12:
        raise ValueError("diagnoses: at most 12 diagnosis lines (A to L)")
    fees = [p.fee for p in doc.procedures]
    priced = all(fee is not None for fee in fees)
    lines = []
    for p in doc.procedures:
        if p.units < 1:
            raise ValueError(f"procedures: units must be at least 1 (CPT {p.code})")
        lines.append(
            {
                "code": p.code,
                "modifiers": " ".join(p.modifiers),
                "description": p.description,
                "pointers": p.diagnosis_pointers or ("A" if len(doc.diagnoses) == 1 else ""),
                "units": p.units,
                "fee": fmt_money(p.fee * p.units, doc.currency) if p.fee is not None else "",
            }
        )
    total = sum((p.fee * p.units for p in doc.procedures if p.fee is not None), Decimal(0))
    references = load_knowledge().references
    return {
        "doc": doc,
        "clinic": doc.clinic,
        "provider": doc.provider,
        "patient": doc.patient,
        "dob": fmt_date(doc.patient.date_of_birth),
        "date_of_service": fmt_date(doc.date_of_service),
        "issued_on": fmt_date(doc.issued_on),
        "diagnoses": [
            {"letter": chr(ord("A") + i), "code": d.code, "label": d.label} for i, d in enumerate(doc.diagnoses)
        ],
        "procedures": lines,
        "any_fee": any(fee is not None for fee in fees),
        "total": fmt_money(total, doc.currency) if priced else "",
        "payer_note": PAYER_NOTE,
        "payer_note_source": short_citation(references.get(PAYER_NOTE_SOURCE), PAYER_NOTE_SOURCE),
        "code_basis": doc.code_basis,
        "code_rules": list(doc.code_rules),
    }


def render_superbill(doc: SuperbillDocument, *, page_size: str = "A4") -> bytes:
    return render_pdf("documents/superbill.html", superbill_context(doc), page_size)
