"""Discharge an episode of care (with its long-term follow-up questionnaires) and undo a discharge.

The discharge page shows what the decision rests on: the visits given against the plan, the
responder status on the primary measure, a draft note that must be finished first, and the
patient's booked appointments (which a discharge does not cancel). Clinicians discharge; other
clinic staff see the page; anyone else gets 404.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from needlepoint.clinical.outcomes.timepoints import follow_up_due_dates
from needlepoint.errors import Conflict, InvalidInput
from needlepoint.knowledge.outcomes import load_questionnaires
from needlepoint.outcomes.services import discharge as service
from needlepoint.outcomes.services.invitations import suggested_questionnaires
from needlepoint.outcomes.services.summary import read_outcomes
from needlepoint.outcomes.views.clinician import episode_route
from needlepoint.scheduling.models import Appointment
from needlepoint.visits.models import DischargeReason, Episode, Visit
from needlepoint.visits.services.common import clinic_today
from needlepoint.visits.services.episodes import SUMMARY_MAX
from needlepoint.web.access import staff_required


class DischargeForm(forms.Form):
    closed_on = forms.DateField(
        label="Discharged on", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reason = forms.ChoiceField(label="Reason", choices=DischargeReason.choices, widget=forms.RadioSelect)
    summary = forms.CharField(
        label="Discharge summary",
        required=False,
        max_length=SUMMARY_MAX,
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": "Where the patient is against the goals; what they keep doing at home."}
        ),
    )
    questionnaires = forms.MultipleChoiceField(
        label="Follow-up questionnaires", required=False, choices=(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["questionnaires"].choices = [
            (q.id, q.title) for q in load_questionnaires().values() if q.status == "active"
        ]


def _detail(episode: Episode) -> HttpResponse:
    return redirect("episode-detail", episode_id=episode.pk)


@staff_required
@episode_route("GET", "POST")
def discharge(request: HttpRequest, episode: Episode) -> HttpResponse:
    if episode.closed_on is not None:
        messages.info(request, f"This episode of care was discharged on {episode.closed_on:%d %b %Y}.")
        return _detail(episode)
    if request.method == "POST" and not getattr(request.user, "is_clinician", False):
        raise PermissionDenied("Only clinicians discharge an episode of care.")
    today = clinic_today(episode.clinic_id)
    form = DischargeForm(
        request.POST or None,
        initial={"closed_on": today, "questionnaires": suggested_questionnaires(episode.condition_id)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = service.discharge(
                request.user,  # type: ignore[arg-type]
                episode.patient_id,
                episode.pk,
                closed_on=data["closed_on"],
                reason=data["reason"],
                summary=data["summary"],
                questionnaires=data["questionnaires"],
            )
        except Conflict as exc:
            messages.error(request, str(exc))
            return _detail(episode)
        except InvalidInput as exc:
            for key, found in exc.errors.items():
                field = {"discharge_date": "closed_on"}.get(key, key)
                for message in found:
                    form.add_error(field if field in form.fields else None, message)
        else:
            text = f"Discharged on {done.episode.closed_on:%d %b %Y}."
            if done.follow_ups is not None:
                count = len(done.follow_ups.created)
                text += f" {count} follow-up questionnaire{'s' if count != 1 else ''} scheduled"
                if done.follow_ups.too_late:
                    text += f" ({len(done.follow_ups.too_late)} left out: their time has passed)"
                text += "."
            else:
                text += " No follow-up questionnaires were scheduled."
            messages.success(request, text)
            return _detail(done.episode)
    _, outcomes = read_outcomes(request.user, episode.patient_id, episode.pk)
    visits = list(Visit.objects.filter(episode=episode).order_by("visit_date"))
    upcoming = list(
        Appointment.objects.filter(
            patient_id=episode.patient_id, status=Appointment.Status.BOOKED, starts_at__gte=timezone.now()
        )
        .select_related("clinician", "site")
        .order_by("starts_at")[:10]
    )
    # The follow-up dates shown: from the date entered when it is a valid one, else from today.
    entered = form.cleaned_data.get("closed_on") if form.is_bound and hasattr(form, "cleaned_data") else None
    due_from = entered or today
    return render(
        request,
        "outcomes/discharge.html",
        {
            "episode": episode,
            "patient": episode.patient,
            "form": form,
            "outcomes": outcomes,
            "signed": [v for v in visits if v.status == Visit.Status.SIGNED],
            "draft": next((v for v in visits if v.status == Visit.Status.DRAFT), None),
            "upcoming": upcoming,
            "follow_up_dates": [(str(point), day) for point, day in follow_up_due_dates(due_from)],
            "due_from": due_from,
            "can_discharge": getattr(request.user, "is_clinician", False),
            "page_url": reverse(
                "episode-discharge", kwargs={"patient_id": episode.patient_id, "episode_id": episode.pk}
            ),
        },
        status=422 if form.errors else 200,
    )


@staff_required
@episode_route("POST")
def reopen(request: HttpRequest, episode: Episode) -> HttpResponse:
    if not getattr(request.user, "is_clinician", False):
        raise PermissionDenied("Only clinicians reopen an episode of care.")
    try:
        _, withdrawn = service.reopen(request.user, episode.patient_id, episode.pk, request.POST.get("reason", ""))  # type: ignore[arg-type]
    except Conflict as exc:
        messages.error(request, str(exc))
    except InvalidInput as exc:
        messages.error(request, "Not reopened: " + "; ".join(" ".join(m) for m in exc.errors.values()) + ".")
    else:
        text = "Episode of care reopened."
        if withdrawn:
            text += f" {withdrawn} follow-up questionnaire{'s' if withdrawn != 1 else ''} not yet answered withdrawn."
        messages.success(request, text)
    return _detail(episode)
