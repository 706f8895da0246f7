"""Errors raised by services and translated by each entry point (web, API, CLI).

Pure Python so the CLI and the API render the same message for the same failure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class ServiceError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidInput(ServiceError):
    """Bad input: every problem is named by its field. Nothing was saved."""

    status = 422
    title = "Invalid input"

    def __init__(self, errors: Mapping[str, Sequence[str]], detail: str | None = None) -> None:
        self.errors = {field: list(messages) for field, messages in errors.items()}
        summary = "; ".join(f"{f}: {' '.join(m)}" for f, m in self.errors.items())
        super().__init__(detail or summary)


class NotFound(ServiceError):
    """The record does not exist *for this user* (it may exist in another clinic)."""

    status = 404
    title = "Not found"

    def __init__(self, detail: str = "Not found.") -> None:
        super().__init__(detail)


class Forbidden(ServiceError):
    status = 403
    title = "Forbidden"


class Conflict(ServiceError):
    status = 409
    title = "Conflict"
