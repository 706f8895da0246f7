"""Staff actions on an episode's questionnaire invitations: send one now, schedule the follow-ups
after discharge, cancel one. Each returns to the episode's outcomes page with a message."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from needlepoint.errors import InvalidInput
from needlepoint.knowledge.outcomes import load_questionnaires
from needlepoint.outcomes.services import invitations
from needlepoint.outcomes.services.questionnaires import find_patient_episode
from needlepoint.web.access import staff_required


def outcomes_page(patient_id: object, episode_id: object) -> str:
    """The episode's outcomes page, where these actions' forms live."""
    return reverse("outcomes-episode", kwargs={"patient_id": patient_id, "episode_id": episode_id})


def _title(questionnaire_id: str) -> str:
    found = load_questionnaires().get(questionnaire_id)
    return found.title if found is not None else questionnaire_id


def _failed(request: HttpRequest, what: str, exc: InvalidInput) -> None:
    problems = "; ".join(f"{field.replace('_', ' ')}: {' '.join(msgs)}" for field, msgs in exc.errors.items())
    messages.error(request, f"{what}: {problems}.")


@staff_required
@require_http_methods(["GET", "POST"])
def send_now(request: HttpRequest, patient_id: str, episode_id: str) -> HttpResponse:
    patient, episode = find_patient_episode(request.user, patient_id, episode_id)  # type: ignore[arg-type]
    if request.method == "POST":
        try:
            invitation = invitations.invite(
                request.user,  # type: ignore[arg-type]
                patient_id=patient.pk,
                episode_id=episode.pk,
                questionnaire_id=request.POST.get("questionnaire", ""),
                timepoint=request.POST.get("timepoint", ""),
            )
        except InvalidInput as exc:
            _failed(request, "The questionnaire was not sent", exc)
        else:
            title = _title(invitation.questionnaire)
            if patient.email:
                messages.success(request, f"{title} sent to {patient.given_name} by e-mail.")
            else:
                messages.warning(
                    request,
                    f"{title} is waiting in {patient.given_name}'s portal; no e-mail was sent because the record "
                    "has no e-mail address.",
                )
    return redirect(outcomes_page(patient.pk, episode.pk))


def _parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip()) if value.strip() else None
    except ValueError:
        raise InvalidInput({"discharge_date": ["give the date as YYYY-MM-DD"]}) from None


@staff_required
@require_http_methods(["GET", "POST"])
def schedule_follow_ups(request: HttpRequest, patient_id: str, episode_id: str) -> HttpResponse:
    patient, episode = find_patient_episode(request.user, patient_id, episode_id)  # type: ignore[arg-type]
    if request.method == "POST":
        try:
            plan = invitations.schedule_follow_ups(
                request.user,  # type: ignore[arg-type]
                episode.pk,
                _parse_date(request.POST.get("discharge_date", "")),
                request.POST.getlist("questionnaires"),
                patient_id=patient.pk,
            )
        except InvalidInput as exc:
            _failed(request, "No follow-ups were scheduled", exc)
        else:
            parts = [f"{len(plan.created)} follow-up questionnaire{'s' if len(plan.created) != 1 else ''} scheduled"]
            if plan.already_planned:
                parts.append(f"{len(plan.already_planned)} already planned")
            if plan.too_late:
                parts.append(f"{len(plan.too_late)} left out because their time has passed")
            messages.success(request, "; ".join(parts) + ".")
    return redirect(outcomes_page(patient.pk, episode.pk))


@staff_required
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, patient_id: str, episode_id: str, invitation_id: str) -> HttpResponse:
    patient, episode = find_patient_episode(request.user, patient_id, episode_id)  # type: ignore[arg-type]
    if request.method == "POST":
        try:
            invitation = invitations.cancel_invitation(request.user, invitation_id, episode_id=episode.pk)  # type: ignore[arg-type]
        except InvalidInput as exc:
            _failed(request, "The invitation was not cancelled", exc)
        else:
            messages.success(request, f"Invitation to the {_title(invitation.questionnaire)} cancelled.")
    return redirect(outcomes_page(patient.pk, episode.pk))
