"""Report routes, included at the site root (full paths here)."""

from django.urls import path

from needlepoint.reports import views

urlpatterns = [
    path(
        "patients/<uuid:patient_id>/episodes/<uuid:episode_id>/progress-report.pdf",
        views.progress_report_pdf,
        name="progress-report-pdf",
    ),
    path("portal/progress/", views.portal_progress, name="portal-progress"),
    path("clinic/dashboard/", views.clinic_dashboard, name="clinic-dashboard"),
]
