"""Plain words for stored codes."""

from __future__ import annotations

from django import template
from django.apps import apps

from needlepoint.accounts.models import Role

register = template.Library()


@register.filter
def role_label(code: str) -> str:
    try:
        return str(Role(code).label)
    except ValueError:
        return code


@register.filter
def object_label(object_type: str) -> str:
    """'patients.patient' -> 'patient'."""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type
