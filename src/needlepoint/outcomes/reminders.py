"""The outbox builder for questionnaire invitations (kind ``questionnaire_invitation``).

The link's token is made here, when the e-mail is actually built: a fresh
``secrets.token_urlsafe(32)`` whose SHA-256 replaces any earlier one in ``token_hash``. The token
itself is only ever in the e-mail. A retry after a failed send makes a new token, so the link in
the e-mail that finally goes out is the one that works.

Nothing is sent (the builder returns None and the outbox cancels the message) when the invitation
was answered, cancelled or has expired, or the patient has no e-mail address. The e-mail names the
clinic, the questionnaire, roughly how long it takes and when the link expires; nothing about the
patient's condition or care.
"""

from __future__ import annotations

import math
import secrets
import zoneinfo
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from needlepoint.knowledge.outcomes import Questionnaire, load_questionnaires
from needlepoint.outbox.links import absolute_url
from needlepoint.outbox.models import OutboxMessage
from needlepoint.outcomes.models import QuestionnaireInvitation
from needlepoint.outcomes.services.invitations import hash_token

SECONDS_PER_ITEM = 20


def minutes_to_answer(questionnaire: Questionnaire) -> int:
    """A rough time to answer, for the e-mail: about 20 seconds an item, at least 2 minutes."""
    return max(2, math.ceil(len(questionnaire.items) * SECONDS_PER_ITEM / 60))


def build_invitation(message: OutboxMessage) -> EmailMessage | None:
    invitation = (
        QuestionnaireInvitation.objects.select_related("patient", "clinic").filter(pk=message.subject_id).first()
    )
    now = timezone.now()
    if (
        invitation is None
        or invitation.used_at is not None
        or invitation.cancelled_at is not None
        or invitation.expires_at <= now
    ):
        return None
    patient = invitation.patient
    questionnaire = load_questionnaires().get(invitation.questionnaire)
    if not patient.email or questionnaire is None:
        return None
    token = secrets.token_urlsafe(32)
    stored = QuestionnaireInvitation.objects.filter(
        pk=invitation.pk, used_at__isnull=True, cancelled_at__isnull=True, expires_at__gt=now
    ).update(token_hash=hash_token(token), sent_at=now)
    if stored != 1:  # answered or cancelled a moment ago
        return None
    clinic = invitation.clinic
    zone = zoneinfo.ZoneInfo(clinic.time_zone)
    context: dict[str, Any] = {
        "first_name": patient.preferred_name or patient.given_name,
        "clinic_name": clinic.name,
        "questionnaire_title": questionnaire.title,
        # PSFS-style forms ask for a few activities, not a fixed number of questions.
        "item_count": 0 if any(i.kind == "activity" for i in questionnaire.items) else len(questionnaire.items),
        "minutes": minutes_to_answer(questionnaire),
        "expires_at": timezone.localtime(invitation.expires_at, zone),
        "link": absolute_url(reverse("questionnaire-link", kwargs={"token": token})),
    }
    with timezone.override(zone):  # dates in the e-mail are the clinic's
        text = render_to_string("outcomes/email/invitation.txt", context)
        html = render_to_string("outcomes/email/invitation.html", context)
    email = EmailMultiAlternatives(
        subject=f"{clinic.name}: a short questionnaire about how you are doing",
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[patient.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    email.attach_alternative(html, "text/html")
    return email
