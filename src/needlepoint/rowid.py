"""Integer row ids that come from outside (a form, a query string, a JSON body, a URL).

A database key is a positive 64-bit integer. A larger number would overflow the SQLite driver and
answer 500, so input outside 1..2^63-1 is treated like any id that names nothing: not found, or a
named bad-input error.
"""

from __future__ import annotations

from typing import Any

MAX_ROW_ID = 2**63 - 1


def row_id(value: Any) -> int | None:
    """``value`` as a row id, or None when it is not a whole number from 1 to 2^63-1."""
    if isinstance(value, bool):
        return None
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if 1 <= pk <= MAX_ROW_ID else None


class RowIdConverter:
    """The ``<id:...>`` path converter: up to 18 digits, so any match fits a 64-bit key."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
