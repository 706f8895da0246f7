"""The clinician's atlas: search, muscle and condition pages, and the pain-pattern finder."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe

from needlepoint.atlas import services
from needlepoint.bodymap import render_both
from needlepoint.errors import InvalidInput
from needlepoint.knowledge import MUSCLE_GROUPS
from needlepoint.web.access import staff_required


def _svg(markup: str) -> SafeString:
    """Body-map SVG built by needlepoint.bodymap, which escapes every text it embeds."""
    return mark_safe(markup)  # noqa: S308


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    group = request.GET.get("group", "")
    if group not in MUSCLE_GROUPS:
        group = ""
    context = {
        "query": query,
        "group": group,
        "groups": MUSCLE_GROUPS,
        "muscles": services.search_muscles(query, group),
        "conditions": services.search_conditions(query) if query else services.search_conditions(""),
    }
    template = "atlas/_search_results.html" if request.htmx else "atlas/index.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@staff_required
def muscle_detail(request: HttpRequest, muscle_id: str) -> HttpResponse:
    muscle = services.muscle(muscle_id)
    side = request.GET.get("side", "right")
    if side not in services.SIDES:
        side = "right"
    tp_ids = {tp.id for tp in muscle.trigger_points}
    trigger_point = request.GET.get("tp") if request.GET.get("tp") in tp_ids else None
    marks = services.referral_marks(muscle, side, trigger_point)
    chart = render_both(
        marks=marks, legend=True, id_prefix="zones", title=f"Referred pain of {muscle.name}, {side} side"
    )
    kb = services.knowledge()
    return render(
        request,
        "atlas/muscle.html",
        {
            "muscle": muscle,
            "side": side,
            "trigger_point": trigger_point,
            "chart": _svg(chart),
            "regions": kb.regions,
            "conditions": services.conditions_for_muscle(muscle),
            "sources": services.muscle_sources(muscle),
        },
    )


@staff_required
def condition_detail(request: HttpRequest, condition_id: str) -> HttpResponse:
    condition = services.condition(condition_id)
    return render(
        request,
        "atlas/condition.html",
        {
            "condition": condition,
            "muscles": services.muscles_for_condition(condition),
            "regions": services.knowledge().regions,
            "sources": services.condition_sources(condition),
        },
    )


def _drawing(request: HttpRequest) -> list[str]:
    return [r for r in request.GET.getlist("r")[:200] if r]


@staff_required
def finder(request: HttpRequest) -> HttpResponse:
    drawing = _drawing(request)
    try:
        marks = services.drawing_marks(drawing)
        suggestions = services.suggest(drawing) if drawing else []
        errors: dict[str, list[str]] = {}
    except InvalidInput as exc:
        marks, suggestions, errors = {}, [], exc.errors
    chart = render_both(
        marks=marks, interactive=True, id_prefix="painmap", title="Pain drawing: select each painful region"
    )
    context = {
        "chart": _svg(chart),
        "drawing": drawing,
        "suggestions": suggestions,
        "errors": errors,
        "regions": services.knowledge().regions,
    }
    return render(request, "atlas/finder.html", context, status=422 if errors else 200)


@staff_required
def finder_results(request: HttpRequest) -> HttpResponse:
    if not request.htmx:  # type: ignore[attr-defined]
        raise Http404
    drawing = _drawing(request)
    try:
        suggestions = services.suggest(drawing) if drawing else []
        errors: dict[str, list[str]] = {}
    except InvalidInput as exc:
        suggestions, errors = [], exc.errors
    return render(
        request,
        "atlas/_finder_results.html",
        {
            "suggestions": suggestions,
            "drawing": drawing,
            "errors": errors,
            "regions": services.knowledge().regions,
        },
        status=422 if errors else 200,
    )
