from django.contrib import admin

from needlepoint.homecare.models import ExerciseAssignment


@admin.register(ExerciseAssignment)
class ExerciseAssignmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: programmes change through the pages, so that every change is audited."""

    list_display = ("exercise_id", "patient", "episode", "sets", "reps", "hold_seconds", "assigned_at", "stopped_at")
    list_filter = ("stopped_at",)

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
