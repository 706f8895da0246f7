"""Questionnaires from the patient's side (the one-time link, the portal) and the staff actions
that send them."""

from django.urls import path

from needlepoint.outcomes.views import invitations, link, portal

EPISODE = "patients/<uuid:patient_id>/episodes/<uuid:episode_id>/"

urlpatterns = [
    # Public: the e-mailed one-time link (the token is the only key; nothing else is shown).
    path("q/<str:token>/", link.answer, name="questionnaire-link"),
    # The patient, signed in.
    path("portal/questionnaires/", portal.questionnaire_list, name="portal-questionnaires"),
    path(
        "portal/questionnaires/<uuid:invitation_id>/",
        portal.questionnaire_answer,
        name="portal-questionnaire-answer",
    ),
    # Staff, per episode.
    path(EPISODE + "invitations/", invitations.send_now, name="outcomes-invitation-send"),
    path(EPISODE + "invitations/follow-ups/", invitations.schedule_follow_ups, name="outcomes-invitation-follow-ups"),
    path(
        EPISODE + "invitations/<uuid:invitation_id>/cancel/",
        invitations.cancel,
        name="outcomes-invitation-cancel",
    ),
]
