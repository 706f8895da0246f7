"""The e-mailed one-time link: one questionnaire, once, before it expires, without signing in.

The token in the address is looked up by its SHA-256. An unknown token is a plain 404. A link that
was used, withdrawn or has expired says so (410) and how to reach the clinic. Otherwise the page
shows that questionnaire with the patient's first name and the clinic's name, and nothing else
from the chart. Submitting stores one response (the invitation is claimed with a conditional
UPDATE) and thanks the patient. The link never signs anyone in.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from needlepoint.accounts.models import Site
from needlepoint.errors import Conflict, InvalidInput
from needlepoint.knowledge.outcomes import load_questionnaires
from needlepoint.outcomes.forms import QuestionnaireForm
from needlepoint.outcomes.models import QuestionnaireInvitation, QuestionnaireResponse
from needlepoint.outcomes.services import invitations
from needlepoint.outcomes.services.questionnaires import submit_response

GONE = 410


def private(response: HttpResponse) -> HttpResponse:
    """The address holds a secret: keep it out of caches, referrers and search engines."""
    response["Cache-Control"] = "no-store, private"
    # same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on the form's POST
    # and Django's CSRF check refuses it. Other sites still never see the address.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def clinic_contacts(invitation: QuestionnaireInvitation) -> list[Site]:
    """The clinic's sites with a phone number, for "contact the clinic" (clinic data, not chart)."""
    return list(Site.objects.filter(clinic_id=invitation.clinic_id, is_active=True).exclude(phone="").order_by("name"))


def closed_page(
    request: HttpRequest,
    invitation: QuestionnaireInvitation,
    *,
    template: str = "outcomes/link_closed.html",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    state = invitations.status_of(invitation)
    context = {
        "state": state,
        "clinic_name": invitation.clinic.name,
        "contacts": clinic_contacts(invitation),
        "questionnaire_title": _title(invitation),
    } | (extra or {})
    return render(request, template, context, status=GONE if state != invitations.Status.SCHEDULED else 404)


def _title(invitation: QuestionnaireInvitation) -> str:
    questionnaire = load_questionnaires().get(invitation.questionnaire)
    return questionnaire.title if questionnaire is not None else "questionnaire"


def add_service_errors(form: QuestionnaireForm, exc: InvalidInput) -> None:
    """Put a service's field errors on the form's fields (answers.<item> -> that item)."""
    for key, messages in exc.errors.items():
        field = None
        item_id = key.removeprefix("answers.")
        if key.startswith("answers.") and item_id in {i.id for i in form.questionnaire.items}:
            field = QuestionnaireForm.field_name(form.questionnaire.item(item_id))
        for message in messages:
            form.add_error(field, message if field else f"{key}: {message}")


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitations.invitation_by_token(token)
    if invitation is None:
        raise Http404
    questionnaire = load_questionnaires().get(invitation.questionnaire)
    if questionnaire is None or not invitations.is_open(invitation):
        return private(closed_page(request, invitation))
    form = QuestionnaireForm(questionnaire, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and not form.needs_gap_confirmation():
        try:
            response = submit_response(
                None,
                patient_id=invitation.patient_id,
                episode_id=invitation.episode_id,
                questionnaire_id=questionnaire.id,
                answers=form.answers(),
                timepoint=invitation.timepoint,
                completed_on=invitation.clinic.today(),
                source=QuestionnaireResponse.Source.LINK,
                invitation=invitation,
            )
        except Conflict:
            invitation.refresh_from_db()
            return private(closed_page(request, invitation))
        except InvalidInput as exc:
            add_service_errors(form, exc)
        else:
            return private(
                render(
                    request,
                    "outcomes/link_thanks.html",
                    {
                        "clinic_name": invitation.clinic.name,
                        "questionnaire_title": questionnaire.title,
                        "response": response,
                        "portal_sign_in": f"{reverse('login')}?next={reverse('portal-questionnaires')}",
                    },
                )
            )
    patient = invitation.patient
    return private(
        render(
            request,
            "outcomes/link_form.html",
            {
                "form": form,
                "questionnaire": questionnaire,
                "first_name": patient.preferred_name or patient.given_name,
                "clinic_name": invitation.clinic.name,
                "expires_at": invitation.expires_at,
                "time_zone": invitation.clinic.time_zone,
            },
            status=422 if form.errors else 200,
        )
    )
