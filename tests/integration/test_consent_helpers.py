"""Shared helpers for the consent tests (no tests here): a drawn signature, a published form."""

from __future__ import annotations

import base64
import io
from typing import Any

from django.test import Client
from PIL import Image, ImageDraw
from pypdf import PdfReader

from needlepoint.accounts.models import Clinic
from needlepoint.consent import services
from needlepoint.consent.models import ConsentForm


def signature_png(width: int = 600, height: int = 160) -> bytes:
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.line([(20, 120), (120, 30), (200, 110), (320, 40), (560, 100)], fill=(20, 33, 61, 255), width=4)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def data_url(png: bytes | None = None) -> str:
    return "data:image/png;base64," + base64.b64encode(png if png is not None else signature_png()).decode()


def published(clinic: Clinic) -> ConsentForm:
    return services.ensure_default_form(clinic)


def sign_data(form: ConsentForm, name: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "form_id": form.pk,
        "typed_name": name,
        "signature": data_url(),
        "confirmed": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def csrf_post(client: Client, page: str, path: str, data: dict[str, Any]) -> Any:
    """POST to ``path`` with the CSRF token from ``page`` (for POST-only routes)."""
    client.get(page)
    token = client.cookies["csrftoken"].value
    return client.post(path, {**data, "csrfmiddlewaretoken": token})


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def pdf_image_count(pdf: bytes) -> int:
    """Distinct image XObjects (WeasyPrint shares one resource dictionary between pages)."""
    reader = PdfReader(io.BytesIO(pdf))
    return len({image.name for page in reader.pages for image in page.images})
