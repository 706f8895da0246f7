"""Shared set-up for the questionnaire and invitation tests: episodes for Pat, Olive and Bruno,
answer sets for every instrument, form data, and sending an invitation through the outbox."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core import mail
from django.utils import timezone

from needlepoint.knowledge.outcomes import Questionnaire, load_questionnaires
from needlepoint.outbox import worker
from needlepoint.outcomes.forms import QuestionnaireForm
from needlepoint.outcomes.models import QuestionnaireInvitation
from needlepoint.outcomes.services import invitations
from needlepoint.visits.models import Episode
from tests.base import ClinicTestCase

LINK = re.compile(r"http://[^\s\"<]+/q/([A-Za-z0-9_-]+)/")


def make_episode(
    patient: Any, created_by: Any, *, condition: str = "neck-pain", opened: dt.date | None = None
) -> Episode:
    return Episode.objects.create(
        clinic_id=patient.clinic_id,
        patient=patient,
        condition_id=condition,
        icd10_code="M54.2",
        planned_sessions=6,
        opened_on=opened or dt.date(2025, 1, 6),
        created_by=created_by,
    )


def all_questionnaires() -> list[Questionnaire]:
    return list(load_questionnaires().values())


def full_answers(questionnaire: Questionnaire, pick: int = 1) -> dict[str, Any]:
    """Every item answered: the ``pick``-th allowed value (clamped), PSFS rows named and rated."""
    answers: dict[str, Any] = {}
    for n, item in enumerate(questionnaire.items):
        allowed = item.allowed_values()
        value = allowed[min(pick, len(allowed) - 1)]
        if item.kind == "activity":
            answers[item.id] = {"activity": f"Activity {n + 1}", "score": value}
        else:
            answers[item.id] = value
    return answers


def form_data(questionnaire: Questionnaire, answers: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """POST data for :class:`QuestionnaireForm` from an answer set (None items left out)."""
    data: dict[str, Any] = {}
    for item in questionnaire.items:
        value = answers.get(item.id)
        if value is None:
            continue
        if item.kind == "activity":
            data[QuestionnaireForm.activity_name(item)] = value["activity"]
            data[QuestionnaireForm.field_name(item)] = str(value["score"])
        else:
            data[QuestionnaireForm.field_name(item)] = str(value)
    return data | extra


class QuestionnaireTestCase(ClinicTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.pat_record.email = "pat@example.org"
        cls.pat_record.save()
        cls.olive.email = "olive@example.org"
        cls.olive.save()
        cls.pat_episode = make_episode(cls.pat_record, cls.alice)
        cls.olive_episode = make_episode(cls.olive, cls.alice)
        cls.bruno_episode = make_episode(cls.bruno, cls.charlie)

    def invite(
        self, patient: Any = None, episode: Any = None, questionnaire: str = "ndi", **kwargs: Any
    ) -> QuestionnaireInvitation:
        patient = patient or self.pat_record
        episode = episode or self.pat_episode
        return invitations.invite(
            self.alice,
            patient_id=patient.pk,
            episode_id=episode.pk,
            questionnaire_id=questionnaire,
            timepoint=kwargs.pop("timepoint", "discharge"),
            **kwargs,
        )

    def send(self, invitation: QuestionnaireInvitation) -> str:
        """Run the outbox worker; return the token from the e-mail it sent for ``invitation``."""
        before = len(mail.outbox)
        worker.run_once("test-worker", now=max(timezone.now(), invitation.due_at))
        sent = mail.outbox[before:]
        assert sent, "the worker sent no e-mail"
        match = LINK.search(sent[-1].body)
        assert match, sent[-1].body
        return match.group(1)

    def link(self, token: str) -> str:
        return f"/q/{token}/"
