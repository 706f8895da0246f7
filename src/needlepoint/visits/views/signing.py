"""Signing a note (after the needle count), discarding a draft, and addenda to a signed note."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from needlepoint.errors import Conflict, InvalidInput
from needlepoint.visits import services
from needlepoint.visits.forms import AddendumForm, SignForm
from needlepoint.visits.views.common import (
    conflict_response,
    invalid_form,
    section_response,
    version_of,
    visit_route,
    write,
)
from needlepoint.web.access import staff_required


def _count(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) <= 3 else None


def _go(request: HttpRequest, url: str) -> HttpResponse:
    """Leave the page: HX-Redirect for htmx, a plain redirect otherwise."""
    if request.htmx:  # type: ignore[attr-defined]
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@staff_required
@visit_route("GET")
def sign_check(request: HttpRequest, visit_id: str) -> HttpResponse:
    """What still stands in the way of signing, with the counts being typed (nothing is saved)."""
    visit = services.find_visit(request.user, visit_id)  # type: ignore[arg-type]
    opened, removed = _count(request.GET.get("needles_opened")), _count(request.GET.get("needles_removed"))
    problems = services.signing_problems(visit, opened, removed)  # empty counts: those stored
    return render(request, "visits/_sign_problems.html", {"problems": problems, "checked": True})


@staff_required
@visit_route("POST")
def sign(request: HttpRequest, visit_id: str) -> HttpResponse:
    form = SignForm(request.POST)
    if not form.is_valid():
        return invalid_form(request, visit_id, "sign", "sign_form", form)
    opened, removed = form.cleaned_data["needles_opened"], form.cleaned_data["needles_removed"]
    visit = services.find_visit(request.user, visit_id)  # type: ignore[arg-type]
    if not visit.is_signed:
        problems = services.signing_problems(visit, opened, removed)
        if problems:
            return section_response(request, visit_id, "sign", status=422, sign_form=form, refused=problems)
    try:
        services.sign_visit(request.user, visit_id, version_of(request), opened, removed)  # type: ignore[arg-type]
    except Conflict as exc:
        return conflict_response(request, visit_id, exc)
    except InvalidInput as exc:
        form.add_service_errors(exc.errors)
        return section_response(request, visit_id, "sign", status=422, sign_form=form)
    messages.success(request, "Note signed. It can no longer be changed; corrections are addenda.")
    return _go(request, reverse("visit-note", kwargs={"visit_id": visit_id}))


@staff_required
@visit_route("POST")
def discard(request: HttpRequest, visit_id: str) -> HttpResponse:
    """Delete a draft started by mistake (signed notes and drafts with adverse events are kept)."""
    visit = services.find_visit(request.user, visit_id)  # type: ignore[arg-type]
    episode_id = visit.episode_id
    try:
        services.discard_visit(request.user, visit_id, version_of(request))  # type: ignore[arg-type]
    except Conflict as exc:
        return conflict_response(request, visit_id, exc)
    messages.success(request, "Draft discarded.")
    return _go(request, reverse("episode-detail", kwargs={"episode_id": episode_id}))


@staff_required
@visit_route("POST")
def addendum_add(request: HttpRequest, visit_id: str) -> HttpResponse:
    form = AddendumForm(request.POST)
    if not form.is_valid():
        return invalid_form(request, visit_id, "addenda", "addendum_form", form)
    return write(
        request,
        visit_id,
        "addenda",
        lambda: services.add_addendum(request.user, visit_id, version_of(request), form.cleaned_data["text"]),  # type: ignore[arg-type]
        form=form,
        form_name="addendum_form",
        message="Addendum added",
    )
