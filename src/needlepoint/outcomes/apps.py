from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from django.core.mail import EmailMessage

    from needlepoint.outbox.models import OutboxMessage


def _build_invitation(message: OutboxMessage) -> EmailMessage | None:
    # Imported when a message is built, not at start-up: the builder pulls in the questionnaires.
    from needlepoint.outcomes.reminders import build_invitation

    return build_invitation(message)


class OutcomesConfig(AppConfig):
    name = "needlepoint.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes"

    def ready(self) -> None:
        from needlepoint.outbox.handlers import register

        register("questionnaire_invitation", _build_invitation)
