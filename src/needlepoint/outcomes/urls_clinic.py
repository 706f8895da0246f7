"""The clinician's outcomes pages of an episode, included at the site root (full paths here).

Clinic staff only; each route finds the patient's episode first, so anyone else gets 404.
"""

from django.urls import path

from needlepoint.outcomes.views import clinician, discharge

EPISODE = "patients/<uuid:patient_id>/episodes/<uuid:episode_id>/"
OUTCOMES = EPISODE + "outcomes/"

urlpatterns = [
    path(EPISODE + "discharge/", discharge.discharge, name="episode-discharge"),
    path(EPISODE + "reopen/", discharge.reopen, name="episode-reopen"),
    path(OUTCOMES, clinician.outcomes_page, name="outcomes-episode"),
    path(OUTCOMES + "measurements/", clinician.measurement_add, name="outcomes-measurement-add"),
    path(OUTCOMES + "measurements/form/", clinician.measurement_form, name="outcomes-measurement-form"),
    path(
        OUTCOMES + "measurements/<uuid:measurement_id>/entered-in-error/",
        clinician.measurement_in_error,
        name="outcomes-measurement-in-error",
    ),
    path(
        OUTCOMES + "responses/<uuid:response_id>/entered-in-error/",
        clinician.response_in_error,
        name="outcomes-response-in-error",
    ),
    path(
        OUTCOMES + "questionnaires/<slug:questionnaire_id>/",
        clinician.questionnaire_entry,
        name="outcomes-questionnaire-entry",
    ),
]
