"""The Django admin shows episodes and notes read-only.

Clinical notes are written through the services (permission check, version, safety checks,
audit); the admin is for superusers looking, never for changing them. A signed note could not be
changed here anyway: the model and the database triggers refuse it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from needlepoint.visits.models import (
    Addendum,
    AdverseEvent,
    CoIntervention,
    Episode,
    NeedleInsertion,
    PainMark,
    TriggerPointFinding,
    Visit,
)


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(ReadOnly, admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False


class PainMarkInline(ReadOnlyInline):
    model = PainMark


class FindingInline(ReadOnlyInline):
    model = TriggerPointFinding


class InsertionInline(ReadOnlyInline):
    model = NeedleInsertion


class CoInterventionInline(ReadOnlyInline):
    model = CoIntervention


class AdverseEventInline(ReadOnlyInline):
    model = AdverseEvent


class AddendumInline(ReadOnlyInline):
    model = Addendum


@admin.register(Visit)
class VisitAdmin(ReadOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("visit_date", "patient", "clinician", "status", "version", "signed_at")
    list_filter = ("status",)
    inlines = [
        PainMarkInline,
        FindingInline,
        InsertionInline,
        CoInterventionInline,
        AdverseEventInline,
        AddendumInline,
    ]


@admin.register(Episode)
class EpisodeAdmin(ReadOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("patient", "condition_id", "icd10_code", "opened_on", "closed_on")
