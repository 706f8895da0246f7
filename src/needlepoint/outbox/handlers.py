"""Who builds which message. Apps register a builder per kind in their ``AppConfig.ready``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.mail import EmailMessage

if TYPE_CHECKING:
    from needlepoint.outbox.models import OutboxMessage

# A builder returns the e-mail to send, or None when there is nothing to send any more (the
# appointment was cancelled, the questionnaire already answered): the row is then cancelled.
Builder = Callable[["OutboxMessage"], EmailMessage | None]

_BUILDERS: dict[str, Builder] = {}


def register(kind: str, build: Builder) -> None:
    existing = _BUILDERS.get(kind)
    if existing is not None and existing is not build:
        raise ValueError(f"a builder for {kind!r} is already registered")
    _BUILDERS[kind] = build


def builder_for(kind: str) -> Builder | None:
    return _BUILDERS.get(kind)


def kinds() -> tuple[str, ...]:
    return tuple(sorted(_BUILDERS))
