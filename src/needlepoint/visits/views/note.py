"""The visit note: the page, and the assessment sections saved one by one (pain drawing, pain
ratings, free text, trigger-point findings, co-interventions, adverse events)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from needlepoint.visits import services
from needlepoint.visits.forms import AdverseEventForm, CoInterventionForm, FindingForm, NotesForm, PainRatingsForm
from needlepoint.visits.services.notes import MAX_PAIN_MARKS
from needlepoint.visits.views.common import (
    full_page,
    invalid_form,
    section_response,
    unchanged_ok,
    version_of,
    visit_route,
    write,
)
from needlepoint.web.access import staff_required


@staff_required
@visit_route("GET")
def visit_note(request: HttpRequest, visit_id: str) -> HttpResponse:
    """The note: an editor while it is a draft (clinicians), read-only once signed."""
    visit = services.open_visit(request.user, visit_id)  # type: ignore[arg-type]
    return full_page(request, visit)


def _marks(request: HttpRequest) -> list[dict[str, object]]:
    """``mark`` fields as REGION:SIDE:INTENSITY (SIDE empty for midline regions)."""
    marks: list[dict[str, object]] = []
    for value in request.POST.getlist("mark")[: MAX_PAIN_MARKS + 1]:
        region, _, rest = value.partition(":")
        side, _, intensity = rest.partition(":")
        marks.append(
            {
                "region": region,
                "side": side or None,
                "intensity": int(intensity) if intensity.isdigit() else None,
            }
        )
    return marks


@staff_required
@visit_route("POST")
def pain_drawing(request: HttpRequest, visit_id: str) -> HttpResponse:
    marks = _marks(request)
    return write(
        request,
        visit_id,
        "drawing",
        lambda: services.record_pain_drawing(request.user, visit_id, version_of(request), marks),  # type: ignore[arg-type]
        message="Pain drawing saved",
        with_suggestions=True,
    )


@staff_required
@visit_route("POST")
def pain_ratings(request: HttpRequest, visit_id: str) -> HttpResponse:
    """Pre- or post-treatment NPRS (whichever the form sends)."""
    form = PainRatingsForm(request.POST)
    key = "pain_before" if "pain_before" in request.POST else "pain_after"
    section = "pain-before" if key == "pain_before" else "pain-after"
    if not form.is_valid():
        return invalid_form(request, visit_id, section, "pain_form", form)
    visit = services.find_visit(request.user, visit_id)  # type: ignore[arg-type]
    value = form.cleaned_data[key]
    if getattr(visit, key) == value and unchanged_ok(visit, request):
        return section_response(request, visit_id, section)
    ratings = {"before": value} if key == "pain_before" else {"after": value}
    return write(
        request,
        visit_id,
        section,
        lambda: services.record_pain_ratings(request.user, visit_id, version_of(request), **ratings),  # type: ignore[arg-type]
        form=form,
        form_name="pain_form",
    )


@staff_required
@visit_route("POST")
def clinical_notes(request: HttpRequest, visit_id: str) -> HttpResponse:
    form = NotesForm(request.POST)
    if not form.is_valid():
        return invalid_form(request, visit_id, "notes", "notes_form", form)
    visit = services.find_visit(request.user, visit_id)  # type: ignore[arg-type]
    text = form.cleaned_data["notes"]
    if visit.notes == text and unchanged_ok(visit, request):
        return section_response(request, visit_id, "notes", message="Saved")
    return write(
        request,
        visit_id,
        "notes",
        lambda: services.record_notes(request.user, visit_id, version_of(request), text),  # type: ignore[arg-type]
        form=form,
        form_name="notes_form",
    )


# --- trigger-point findings -----------------------------------------------------------------


@staff_required
@visit_route("POST")
def finding_add(request: HttpRequest, visit_id: str) -> HttpResponse:
    form = FindingForm(request.POST)
    if not form.is_valid():
        return invalid_form(request, visit_id, "findings", "finding_form", form)
    return write(
        request,
        visit_id,
        "findings",
        lambda: services.add_finding(request.user, visit_id, version_of(request), form.service_data()),  # type: ignore[arg-type]
        form=form,
        form_name="finding_form",
        message="Finding added",
    )


@staff_required
@visit_route("POST")
def finding_remove(request: HttpRequest, visit_id: str, finding_id: int) -> HttpResponse:
    return write(
        request,
        visit_id,
        "findings",
        lambda: services.remove_finding(request.user, visit_id, version_of(request), finding_id),  # type: ignore[arg-type]
        message="Finding removed",
    )


# --- co-interventions -----------------------------------------------------------------------


@staff_required
@visit_route("POST")
def co_intervention_add(request: HttpRequest, visit_id: str) -> HttpResponse:
    form = CoInterventionForm(request.POST)
    if not form.is_valid():
        return invalid_form(request, visit_id, "co", "co_form", form)
    return write(
        request,
        visit_id,
        "co",
        lambda: services.add_co_intervention(request.user, visit_id, version_of(request), form.cleaned_data),  # type: ignore[arg-type]
        form=form,
        form_name="co_form",
        message="Added",
    )


@staff_required
@visit_route("POST")
def co_intervention_remove(request: HttpRequest, visit_id: str, row_id: int) -> HttpResponse:
    return write(
        request,
        visit_id,
        "co",
        lambda: services.remove_co_intervention(request.user, visit_id, version_of(request), row_id),  # type: ignore[arg-type]
        message="Removed",
    )


# --- adverse events (also on a signed note) ---------------------------------------------------


@staff_required
@visit_route("POST")
def adverse_event_add(request: HttpRequest, visit_id: str) -> HttpResponse:
    visit = services.find_visit(request.user, visit_id)  # type: ignore[arg-type]
    form = AdverseEventForm(request.POST, visit_date=visit.visit_date)
    if not form.is_valid():
        return invalid_form(request, visit_id, "adverse", "adverse_form", form)
    return write(
        request,
        visit_id,
        "adverse",
        lambda: services.add_adverse_event(request.user, visit_id, version_of(request), form.service_data()),  # type: ignore[arg-type]
        form=form,
        form_name="adverse_form",
        message="Adverse event recorded",
    )
