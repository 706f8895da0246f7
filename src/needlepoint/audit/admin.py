from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from needlepoint.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("seq", "occurred_at", "actor_name", "action", "object_type", "object_repr", "clinic_id")
    list_filter = ("action", "object_type")
    search_fields = ("actor_name", "object_repr", "object_id", "patient_id", "request_id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
