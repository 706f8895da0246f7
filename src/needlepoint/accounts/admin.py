from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from needlepoint.accounts.models import Clinic, DryNeedlingCertification, PractitionerProfile, Site, User
from needlepoint.audit.admin_mixin import AuditedAdmin


@admin.register(Clinic)
class ClinicAdmin(AuditedAdmin):
    list_display = ("name", "slug", "time_zone")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Site)
class SiteAdmin(AuditedAdmin):
    list_display = ("name", "clinic", "is_active")
    list_filter = ("clinic",)


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "clinic", "role", "is_active")
    list_filter = ("clinic", "role", "is_active")
    fieldsets = (*BaseUserAdmin.fieldsets, ("Clinic", {"fields": ("clinic", "role")}))


class CertificationInline(admin.TabularInline):
    model = DryNeedlingCertification
    extra = 0


@admin.register(PractitionerProfile)
class PractitionerProfileAdmin(AuditedAdmin):
    list_display = ("user", "profession", "licence_number", "licence_jurisdiction")
    inlines = [CertificationInline]
