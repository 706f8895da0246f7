"""Episode and visit-note pages, included at the site root (full paths here).

Clinic staff: episodes of care, the one-page visit note (a draft editor with htmx partial saves, or
the signed note read-only with addenda) and its PDFs. The patient portal: aftercare handouts of the
patient's own signed visits.
"""

from django.urls import path

from needlepoint.visits import views

urlpatterns = [
    # Episodes of care.
    path("patients/<uuid:patient_id>/episodes/new/", views.episode_new, name="episode-new"),
    path("episodes/<uuid:episode_id>/", views.episode_detail, name="episode-detail"),
    path("episodes/<uuid:episode_id>/plan/", views.episode_edit, name="episode-edit"),
    path("episodes/<uuid:episode_id>/visits/new/", views.visit_start, name="visit-start"),
    # The note: one page, sections saved one by one.
    path("visits/<uuid:visit_id>/", views.visit_note, name="visit-note"),
    path("visits/<uuid:visit_id>/pain-drawing/", views.pain_drawing, name="visit-pain-drawing"),
    path("visits/<uuid:visit_id>/pain-ratings/", views.pain_ratings, name="visit-pain-ratings"),
    path("visits/<uuid:visit_id>/notes/", views.clinical_notes, name="visit-notes"),
    path("visits/<uuid:visit_id>/findings/", views.finding_add, name="visit-finding-add"),
    path(
        "visits/<uuid:visit_id>/findings/<id:finding_id>/remove/",
        views.finding_remove,
        name="visit-finding-remove",
    ),
    path("visits/<uuid:visit_id>/needles/", views.insertion_add, name="visit-insertion-add"),
    path("visits/<uuid:visit_id>/needles/check/", views.insertion_check, name="visit-insertion-check"),
    path("visits/<uuid:visit_id>/needles/confirm/", views.insertion_confirm, name="visit-insertion-confirm"),
    path("visits/<uuid:visit_id>/needles/<id:insertion_id>/", views.insertion_edit, name="visit-insertion-edit"),
    path(
        "visits/<uuid:visit_id>/needles/<id:insertion_id>/remove/",
        views.insertion_remove,
        name="visit-insertion-remove",
    ),
    path("visits/<uuid:visit_id>/co-interventions/", views.co_intervention_add, name="visit-co-intervention-add"),
    path(
        "visits/<uuid:visit_id>/co-interventions/<id:row_id>/remove/",
        views.co_intervention_remove,
        name="visit-co-intervention-remove",
    ),
    path("visits/<uuid:visit_id>/adverse-events/", views.adverse_event_add, name="visit-adverse-event-add"),
    path("visits/<uuid:visit_id>/sign/check/", views.sign_check, name="visit-sign-check"),
    path("visits/<uuid:visit_id>/sign/", views.sign, name="visit-sign"),
    path("visits/<uuid:visit_id>/discard/", views.discard, name="visit-discard"),
    path("visits/<uuid:visit_id>/addenda/", views.addendum_add, name="visit-addendum-add"),
    # Documents.
    path("visits/<uuid:visit_id>/note.pdf", views.note_pdf, name="visit-note-pdf"),
    path("visits/<uuid:visit_id>/aftercare.pdf", views.aftercare_pdf, name="visit-aftercare-pdf"),
    path("visits/<uuid:visit_id>/superbill.pdf", views.superbill_pdf, name="visit-superbill-pdf"),
    # The patient portal.
    path("portal/aftercare/<uuid:visit_id>/", views.portal_aftercare, name="portal-aftercare"),
    path("portal/aftercare/<uuid:visit_id>.pdf", views.portal_aftercare_pdf, name="portal-aftercare-pdf"),
]
