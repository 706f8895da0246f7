"""The Django admin shows outcome rows read-only.

Measurements, questionnaire responses and invitations are written through the services
(permission check, validation against the measure's definition, scoring, audit). A wrong entry is
marked "entered in error" there, with a reason; it is never edited or deleted, here or anywhere.
"""

from __future__ import annotations

from django.contrib import admin

from needlepoint.outcomes.models import Measurement, QuestionnaireInvitation, QuestionnaireResponse
from needlepoint.visits.admin import ReadOnly


@admin.register(Measurement)
class MeasurementAdmin(ReadOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("taken_on", "patient", "measure", "value", "unit", "timepoint", "entered_in_error")
    list_filter = ("measure", "timepoint", "entered_in_error")
    date_hierarchy = "taken_on"


@admin.register(QuestionnaireResponse)
class QuestionnaireResponseAdmin(ReadOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("completed_on", "patient", "questionnaire", "questionnaire_version", "score", "source")
    list_filter = ("questionnaire", "source", "entered_in_error")
    date_hierarchy = "completed_on"


@admin.register(QuestionnaireInvitation)
class QuestionnaireInvitationAdmin(ReadOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("due_at", "patient", "questionnaire", "timepoint", "sent_at", "used_at", "cancelled_at")
    list_filter = ("questionnaire", "timepoint")
    exclude = ("token_hash",)
