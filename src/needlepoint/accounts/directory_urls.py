"""The public practitioner directory, included under "clinics/" (no sign-in)."""

from django.urls import path

from needlepoint.accounts import directory

urlpatterns = [
    path("<slug:clinic_slug>/practitioners/", directory.practitioners, name="clinic-directory"),
]
