"""A WeasyPrint URL fetcher that embeds ``data:`` URIs and refuses everything else.

Every value printed on a document is escaped, so no input can add a URL; the only resource a
document may hold is one it embeds itself (the body map as a ``data:`` URI). Any other URL is a
programming error and stops the rendering, rather than letting a PDF reach out to the network or
the file system.
"""

from __future__ import annotations

from typing import Any

from weasyprint.urls import FatalURLFetchingError, URLFetcher


class DataOnlyFetcher(URLFetcher):  # type: ignore[misc]
    """Fetches ``data:`` URIs only; anything else raises :class:`FatalURLFetchingError`."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("data",), timeout=1)

    def fetch(self, url: str, headers: Any = None) -> Any:
        if not url.lower().startswith("data:"):
            raise FatalURLFetchingError(f"document PDF: refusing to fetch {url[:80]!r}: only data: URIs are embedded")
        return super().fetch(url, headers)
