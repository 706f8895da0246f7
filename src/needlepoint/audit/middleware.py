from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from needlepoint.audit.context import new_request_id, request_context


class RequestContextMiddleware:
    """Gives every request an id (kept in audit rows and echoed as X-Request-ID)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = new_request_id(request.headers.get("X-Request-ID"))
        request.request_id = rid  # type: ignore[attr-defined]
        with request_context(rid):
            response = self.get_response(request)
        response["X-Request-ID"] = rid
        return response


class ActorMiddleware:
    """Adds the signed-in user's clinic to the request and uses its time zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        clinic = getattr(user, "clinic", None) if user and user.is_authenticated else None
        request.clinic = clinic  # type: ignore[attr-defined]
        if clinic is None:
            return self.get_response(request)
        # Times are shown in the clinic's own time zone.
        with timezone.override(zoneinfo.ZoneInfo(clinic.time_zone)):
            return self.get_response(request)
