from django.urls import path

from needlepoint.screening import views

urlpatterns = [
    path("patients/<uuid:patient_id>/screening/new/", views.clinic_new, name="screening-new"),
    path("patients/<uuid:patient_id>/screening/<uuid:screening_id>/", views.clinic_detail, name="screening-detail"),
    path(
        "patients/<uuid:patient_id>/screening/<uuid:screening_id>/override/",
        views.clinic_override,
        name="screening-override",
    ),
    path("portal/screening/", views.portal_form, name="portal-screening"),
    path("portal/screening/result/", views.portal_result, name="portal-screening-result"),
    path("self-check/", views.self_check, name="self-check"),
    path("screening/rules/", views.rules, name="screening-rules"),
]
