"""Home exercise programme pages, included at the site root (full paths here).

Clinic staff: an episode's programme (the library, assigning, dose changes, stopping) and its
printable handout. The patient portal: the patient's own current exercises and the same handout.
"""

from django.urls import path

from needlepoint.homecare import views

EPISODE = "patients/<uuid:patient_id>/episodes/<uuid:episode_id>/"

urlpatterns = [
    path(f"{EPISODE}exercises/", views.programme, name="homecare-programme"),
    path(f"{EPISODE}exercises/assign/", views.assign, name="homecare-assign"),
    path(f"{EPISODE}exercises/<uuid:assignment_id>/dose/", views.change_dose, name="homecare-dose"),
    path(f"{EPISODE}exercises/<uuid:assignment_id>/stop/", views.stop, name="homecare-stop"),
    path(f"{EPISODE}exercises.pdf", views.handout_pdf, name="homecare-handout-pdf"),
    path("portal/exercises/", views.portal_exercises, name="portal-exercises"),
    path("portal/exercises.pdf", views.portal_exercises_pdf, name="portal-exercises-pdf"),
]
