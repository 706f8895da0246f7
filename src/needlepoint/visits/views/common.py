"""What the note's views share: the page's context, section responses (htmx partials with
out-of-band updates of the version, the summary line and the signing panel), and conflicts.

Every write sends the ``version`` of the note the page last saw (``visit.js`` puts the current one
into each htmx request; without JavaScript the form's own hidden field is sent). A stale version or
a signed note answers 409 with the service's message ("changed by … at …; reload").
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from needlepoint.accounts.models import Role
from needlepoint.atlas import services as atlas
from needlepoint.bodymap.render import PAIN_RAMP
from needlepoint.errors import Conflict, InvalidInput
from needlepoint.patients.readiness import readiness
from needlepoint.visits import documents, services
from needlepoint.visits.forms import (
    AddendumForm,
    AdverseEventForm,
    CoInterventionForm,
    FindingForm,
    InsertionForm,
    NotesForm,
    PainRatingsForm,
    SignForm,
)
from needlepoint.visits.models import CoIntervention, Visit

#: section -> (template of the partial, anchor on the page)
SECTIONS = {
    "drawing": ("visits/_drawing_results.html", "drawing"),
    "pain-before": ("visits/_pain_before.html", "pain-before"),
    "pain-after": ("visits/_pain_after.html", "pain-after"),
    "notes": ("visits/_notes.html", "notes"),
    "findings": ("visits/_findings.html", "findings"),
    "needles": ("visits/_needles.html", "needles"),
    "co": ("visits/_co_interventions.html", "co-interventions"),
    "adverse": ("visits/_adverse_events.html", "adverse-events"),
    "sign": ("visits/_sign.html", "sign"),
    "addenda": ("visits/_addenda.html", "addenda"),
}
SUGGESTIONS = 6


def visit_route(method: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Find the visit first, then check the method: an outsider gets 404 whatever the method, so a
    405 never tells them that the route took their id (use under ``staff_required``)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, visit_id: Any, *args: Any, **kwargs: Any) -> HttpResponse:
            services.find_visit(request.user, visit_id)  # type: ignore[arg-type]
            if request.method != method:
                return HttpResponseNotAllowed([method])
            return view(request, visit_id, *args, **kwargs)

        return wrapper

    return decorator


def svg(markup: str) -> SafeString:
    """Body-map SVG built by needlepoint.bodymap, which escapes every text it embeds."""
    return mark_safe(markup)  # noqa: S308


def is_clinician(user: Any) -> bool:
    return getattr(user, "role", None) == Role.CLINICIAN


def version_of(request: HttpRequest) -> str:
    return request.POST.get("version", "")


def unchanged_ok(visit: Visit, request: HttpRequest) -> bool:
    """A write that changes nothing is skipped (no new version), if the page saw this very draft."""
    return not visit.is_signed and version_of(request).strip() == str(visit.version)


def suggestions_for(summary: services.VisitSummary) -> list[Any]:
    if not summary.pain_drawing:
        return []
    drawing = [{"region": m.region, "side": m.side, "intensity": m.intensity} for m in summary.pain_drawing]
    try:
        return atlas.suggest(drawing, limit=SUGGESTIONS)
    except InvalidInput:
        return []


def needles_used(summary: services.VisitSummary) -> int:
    """A starting count of needles opened: the needles the log lists (each entry's needles_used)."""
    return summary.needles_logged


def common_lot(summary: services.VisitSummary) -> str:
    """The lot most entries of this note use (to pre-fill 'lot for new entries')."""
    counts: dict[str, int] = {}
    for row in summary.insertions:
        for lot in row.needle_lots:
            counts[lot] = counts.get(lot, 0) + 1
    return max(counts, key=lambda lot: counts[lot]) if counts else ""


def note_context(request: HttpRequest, visit: Visit, *, full: bool = False, **extra: Any) -> dict[str, Any]:
    """Everything the note page and its sections show."""
    summary = services.visit_summary(visit)
    editable = is_clinician(request.user) and not visit.is_signed
    kb = atlas.knowledge()
    context: dict[str, Any] = {
        "visit": visit,
        "summary": summary,
        "patient": visit.patient,
        "episode": visit.episode,
        "editable": editable,
        "can_write": is_clinician(request.user),
        "summary_line": documents.summary_line(visit, summary),
        "unconfirmed": [row for row in summary.insertions if not row.confirmed],
        "needles_used": needles_used(summary),
        "severity_definitions": services.severity_definitions(),
        "regions": kb.regions,
        "finding_form": FindingForm(),
        "entry_form": InsertionForm(),
        "co_form": CoInterventionForm(),
        "adverse_form": AdverseEventForm(visit_date=visit.visit_date),
        "addendum_form": AddendumForm(),
        "notes_form": NotesForm(initial={"notes": visit.notes}),
        "pain_form": PainRatingsForm(initial={"pain_before": visit.pain_before, "pain_after": visit.pain_after}),
        "sign_form": SignForm(
            auto_opened=summary.needles_opened is None,
            initial={
                "needles_opened": summary.needles_opened
                if summary.needles_opened is not None
                else needles_used(summary) or None,
                "needles_removed": summary.needles_removed,
            },
        ),
        "lot": common_lot(summary),
        "planned_co_treatments": [
            (value, CoIntervention.Kind(value).label)
            for value in summary.episode.co_treatments
            if value in CoIntervention.Kind.values and value not in {c.kind for c in summary.co_interventions}
        ],
        "suggestions": suggestions_for(summary) if full or extra.get("with_suggestions") else [],
        "ramp": PAIN_RAMP,
    }
    if editable:
        context["readiness"] = readiness(visit.patient)
    if full:
        context["chart"] = svg(documents.pain_chart(summary, interactive=editable))
    context.update(extra)
    context["lot"] = context["lot"] or common_lot(summary)  # typed for this visit, else the one in use
    return context


def full_page(request: HttpRequest, visit: Visit, *, status: int = 200, **extra: Any) -> HttpResponse:
    context = note_context(request, visit, full=True, **extra)
    template = "visits/note.html" if context["editable"] else "visits/note_read.html"
    return render(request, template, context, status=status)


def section_response(
    request: HttpRequest, visit_id: Any, section: str, *, status: int = 200, message: str = "", **extra: Any
) -> HttpResponse:
    """After a write (or a refused one): the section's partial for htmx, with out-of-band updates;
    without htmx, back to the page (success) or the whole page with the errors (refusal)."""
    visit = services.find_visit(request.user, visit_id)  # type: ignore[arg-type]
    template, anchor = SECTIONS[section]
    if not request.htmx:  # type: ignore[attr-defined]
        if status < 400:
            return redirect(reverse("visit-note", kwargs={"visit_id": visit.pk}) + f"#{anchor}")
        return full_page(request, visit, status=status, **extra)
    context = note_context(request, visit, oob=True, saved=message, failed=status >= 400, **extra)
    response = render(request, template, context, status=status)
    response["HX-Trigger"] = "note-changed"
    return response


def conflict_response(request: HttpRequest, visit_id: Any, exc: Conflict) -> HttpResponse:
    """409: show the service's message at the top of the note, with a way to reload."""
    if request.htmx:  # type: ignore[attr-defined]
        response = render(
            request,
            "visits/_conflict.html",
            {"message": exc.detail, "reload": reverse("visit-note", kwargs={"visit_id": visit_id})},
            status=409,
        )
        response["HX-Retarget"] = "#note-alert"
        response["HX-Reswap"] = "innerHTML"
        return response
    visit = services.find_visit(request.user, visit_id)  # type: ignore[arg-type]
    return full_page(request, visit, status=409, conflict=exc.detail)


def write(
    request: HttpRequest,
    visit_id: Any,
    section: str,
    action: Callable[[], Any],
    *,
    form: Any = None,
    form_name: str = "",
    message: str = "Saved",
    **extra: Any,
) -> HttpResponse:
    """Run a service write and answer with the section: its errors next to the form's fields (422),
    or the conflict (409), or the updated section."""
    try:
        action()
    except Conflict as exc:
        return conflict_response(request, visit_id, exc)
    except InvalidInput as exc:
        if form is not None:
            form.add_service_errors(exc.errors)
            extra[form_name] = form
        else:
            extra["errors"] = exc.errors
        return section_response(request, visit_id, section, status=422, **extra)
    return section_response(request, visit_id, section, message=message, **extra)


def invalid_form(request: HttpRequest, visit_id: Any, section: str, form_name: str, form: Any) -> HttpResponse:
    return section_response(request, visit_id, section, status=422, **{form_name: form})
