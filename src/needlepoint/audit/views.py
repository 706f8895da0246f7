from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from needlepoint.audit import services
from needlepoint.web.access import clinic_admin_required


@clinic_admin_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """The clinic's own audit trail, newest first, filterable; for clinic administrators."""
    filters = {key: request.GET.get(key, "")[:100] for key in ("actor", "action", "patient")}
    try:
        page_number = min(max(1, int(request.GET.get("page", "1"))), 100_000)
    except ValueError:
        page_number = 1
    page = services.clinic_events(request.user, page=page_number, **filters)  # type: ignore[arg-type]
    return render(request, "audit/log.html", {"page": page, "filters": filters, "actions": services.Action.choices})
