from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest

from needlepoint.audit import services as audit


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Admin changes leave the same audit rows as the services do."""

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        with transaction.atomic():
            before = audit.snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
            super().save_model(request, obj, form, change)
            after = audit.snapshot(obj)
            if change and before is not None:
                before, after = audit.changed(before, after)
            audit.record(
                audit.Action.UPDATE if change else audit.Action.CREATE,
                obj,
                actor=request.user,
                clinic_id=getattr(obj, "clinic_id", None),
                before=before,
                after=after,
            )

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with transaction.atomic():
            before = audit.snapshot(obj)
            subject = audit.subject_of(obj)
            super().delete_model(request, obj)
            audit.record(
                audit.Action.DELETE,
                subject,
                actor=request.user,
                clinic_id=getattr(obj, "clinic_id", None),
                before=before,
            )

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)
