from django.urls import path

from needlepoint.patients import views

urlpatterns = [
    path("", views.patient_list, name="patient-list"),
    path("new/", views.patient_create, name="patient-create"),
    path("<uuid:patient_id>/", views.patient_detail, name="patient-detail"),
    path("<uuid:patient_id>/edit/", views.patient_edit, name="patient-edit"),
]
