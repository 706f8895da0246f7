from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from needlepoint.accounts import services
from needlepoint.web.access import staff_required


@staff_required
def team(request: HttpRequest) -> HttpResponse:
    """The clinic's sites and people, with each practitioner's licence and certifications."""
    return render(request, "accounts/team.html", services.team_overview(request.user))  # type: ignore[arg-type]
