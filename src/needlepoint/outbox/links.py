"""Absolute links for messages that leave the site."""

from __future__ import annotations

from django.conf import settings


def absolute_url(path: str) -> str:
    """``path`` (starting with /) under the configured base URL (``NEEDLEPOINT_BASE_URL``)."""
    if not path.startswith("/"):
        raise ValueError("path must start with /")
    return f"{settings.NEEDLEPOINT_BASE_URL}{path}"
