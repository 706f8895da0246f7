"""Consent routes, included at the site root (full paths here)."""

from django.urls import path

from needlepoint.consent import views

urlpatterns = [
    # Clinic administrators: the versioned consent form.
    path("clinic/consent-forms/", views.form_list, name="consent-form-list"),
    path("clinic/consent-forms/new/", views.form_new, name="consent-form-new"),
    path("clinic/consent-forms/<id:form_id>/", views.form_detail, name="consent-form-detail"),
    path("clinic/consent-forms/<id:form_id>/publish/", views.form_publish, name="consent-form-publish"),
    path("clinic/consent-forms/<id:form_id>/discard/", views.form_discard, name="consent-form-discard"),
    # The patient portal: read, sign, withdraw, download.
    path("portal/consent/", views.portal_consent, name="portal-consent"),
    path("portal/consent/<id:record_id>/withdraw/", views.portal_consent_withdraw, name="portal-consent-withdraw"),
    path("portal/consent/<id:record_id>.pdf", views.portal_consent_pdf, name="portal-consent-pdf"),
    # Clinic staff: a patient's consents, signing on a clinic tablet, withdrawing for the patient.
    path("patients/<uuid:patient_id>/consent/", views.patient_consent, name="patient-consent"),
    path("patients/<uuid:patient_id>/consent/sign/", views.patient_consent_sign, name="patient-consent-sign"),
    path(
        "patients/<uuid:patient_id>/consent/<id:record_id>/withdraw/",
        views.patient_consent_withdraw,
        name="patient-consent-withdraw",
    ),
    path(
        "patients/<uuid:patient_id>/consent/<id:record_id>.pdf",
        views.patient_consent_pdf,
        name="patient-consent-pdf",
    ),
]
