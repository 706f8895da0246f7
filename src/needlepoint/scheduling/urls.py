"""Schedule routes, included at the site root (full paths here).

Clinic staff: the day view, booking (from the schedule or from a patient's page), one
appointment (move it), arrivals and missed visits, cancelling. Clinic administrators: the
booking rules. The patient portal: their own
appointments, booking a free time, cancelling.
"""

from django.urls import path

from needlepoint.scheduling import views

urlpatterns = [
    # Clinic staff.
    path("schedule/", views.schedule_day, name="schedule"),
    path("schedule/new/", views.appointment_new, name="appointment-new"),
    path("schedule/appointments/<uuid:appointment_id>/", views.appointment_detail, name="appointment-detail"),
    path("schedule/appointments/<uuid:appointment_id>/status/", views.appointment_status, name="appointment-status"),
    path("schedule/appointments/<uuid:appointment_id>/cancel/", views.appointment_cancel, name="appointment-cancel"),
    path("schedule/rules/", views.booking_rules, name="booking-rules"),
    path("patients/<uuid:patient_id>/appointments/new/", views.patient_appointment_new, name="patient-appointment-new"),
    # The patient portal.
    path("portal/appointments/", views.portal_appointments, name="portal-appointments"),
    path("portal/appointments/book/", views.portal_book, name="portal-appointment-book"),
    path("portal/appointments/<uuid:appointment_id>/cancel/", views.portal_cancel, name="portal-appointment-cancel"),
]
