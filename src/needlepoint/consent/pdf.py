"""The signed copy of a consent, as a PDF made with WeasyPrint at signing time and kept.

Nothing is fetched while rendering: the only resource is the drawn signature, embedded as a
``data:`` URI, and any other URL stops the rendering with an error.
"""

from __future__ import annotations

import base64
import datetime as dt
import zoneinfo
from typing import Any

from django.template.loader import render_to_string
from weasyprint import HTML

from needlepoint.consent.content import BAND_LABELS
from needlepoint.consent.models import ConsentRecord
from needlepoint.documents.fetcher import DataOnlyFetcher


def local_time(moment: dt.datetime, time_zone: str) -> str:
    """'12 May 2026, 14:03 MDT (America/Denver)': the clinic's wall-clock time with its zone."""
    try:
        zone = zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone, time_zone = zoneinfo.ZoneInfo("UTC"), "UTC"
    local = moment.astimezone(zone)
    abbreviation = local.tzname() or ""
    return f"{local.day} {local:%B %Y, %H:%M} {abbreviation} ({time_zone})".replace("  ", " ")


def pdf_context(record: ConsentRecord) -> dict[str, Any]:
    form = record.form
    clinic = record.clinic
    signature_uri = ""
    if record.signature_png:
        signature_uri = "data:image/png;base64," + base64.b64encode(bytes(record.signature_png)).decode("ascii")
    return {
        "record": record,
        "form": form,
        "clinic": clinic,
        "patient": record.patient,
        "risks": [{**r, "band_label": BAND_LABELS.get(r.get("band", ""), "")} for r in form.risks],
        "signature_uri": signature_uri,
        "signed_at_local": local_time(record.signed_at, clinic.time_zone),
    }


def render_consent_pdf(record: ConsentRecord) -> bytes:
    html = render_to_string("consent/pdf.html", pdf_context(record))
    document = HTML(string=html, url_fetcher=DataOnlyFetcher(), base_url=None)
    pdf: bytes = document.write_pdf()
    return pdf
