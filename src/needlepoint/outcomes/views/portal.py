"""The patient's questionnaires in the portal: what is waiting, what was answered, answering one.

A patient sees only their own invitations and responses; anyone else's id is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from needlepoint.errors import Conflict, InvalidInput
from needlepoint.knowledge.outcomes import load_questionnaires
from needlepoint.outcomes.forms import QuestionnaireForm
from needlepoint.outcomes.models import QuestionnaireResponse
from needlepoint.outcomes.services import invitations
from needlepoint.outcomes.services import questionnaires as services
from needlepoint.outcomes.views.link import add_service_errors, closed_page
from needlepoint.web.access import patient_required


def _title(questionnaire_id: str) -> str:
    found = load_questionnaires().get(questionnaire_id)
    return found.title if found is not None else questionnaire_id


def _score_text(response: QuestionnaireResponse) -> str:
    """The score in the patient's words: "24 out of 100 (lower is better)"."""
    if response.score is None:
        return "not scored"
    found = load_questionnaires().get(response.questionnaire)
    value = f"{response.score.normalize():f}"
    if found is None:
        return value
    scoring = found.scoring
    better = "lower" if scoring.direction == "higher is worse" else "higher"
    return f"{value} out of {scoring.scale_max:g} ({better} is better)"


@patient_required
def questionnaire_list(request: HttpRequest) -> HttpResponse:
    overview = services.portal_questionnaires(request.user)  # type: ignore[arg-type]
    open_rows = [(inv, _title(inv.questionnaire)) for inv in overview.open_invitations]
    past_rows = [(r, _title(r.questionnaire), _score_text(r)) for r in overview.responses]
    return render(
        request,
        "outcomes/portal_list.html",
        {"patient": overview.patient, "open_rows": open_rows, "past_rows": past_rows},
    )


@patient_required
@require_http_methods(["GET", "POST"])
def questionnaire_answer(request: HttpRequest, invitation_id: str) -> HttpResponse:
    invitation = services.open_invitation_for(request.user, invitation_id)  # type: ignore[arg-type]
    questionnaire = load_questionnaires().get(invitation.questionnaire)
    portal = {"portal": True}
    if questionnaire is None or not invitations.is_open(invitation):
        return closed_page(request, invitation, template="outcomes/portal_closed.html", extra=portal)
    activities = (
        services.earlier_activities(invitation) if any(i.kind == "activity" for i in questionnaire.items) else {}
    )
    initial = {
        QuestionnaireForm.activity_name(item): activities[item.id]
        for item in questionnaire.items
        if item.kind == "activity" and item.id in activities
    }
    form = QuestionnaireForm(questionnaire, request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid() and not form.needs_gap_confirmation():
        try:
            services.submit_response(
                request.user,  # type: ignore[arg-type]
                patient_id=invitation.patient_id,
                episode_id=invitation.episode_id,
                questionnaire_id=questionnaire.id,
                answers=form.answers(),
                timepoint=invitation.timepoint,
                completed_on=invitation.clinic.today(),
                source=QuestionnaireResponse.Source.PORTAL,
                invitation=invitation,
            )
        except Conflict:
            invitation.refresh_from_db()
            return closed_page(request, invitation, template="outcomes/portal_closed.html", extra=portal)
        except InvalidInput as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Thank you: your answers to the {questionnaire.title} were sent to the clinic.")
            return redirect("portal-questionnaires")
    return render(
        request,
        "outcomes/portal_answer.html",
        {"form": form, "questionnaire": questionnaire, "invitation": invitation},
        status=422 if form.errors else 200,
    )
