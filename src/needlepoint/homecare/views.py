"""The home-programme pages: the clinician's programme for an episode (assign, change a dose, stop,
the library with suggestions first, a printable handout) and the patient's own exercises in the
portal (page and PDF).

Every route finds the record for this user first, so an outsider gets 404 whatever the method.
Reads of the programme are audited by the services. The live library search (htmx) returns only
library entries (no chart data), so it checks access without writing an audit row.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse

from needlepoint.clinical.home_exercise import suggest_exercises
from needlepoint.errors import Conflict, InvalidInput
from needlepoint.homecare import documents, services
from needlepoint.homecare.forms import AssignForm, DoseForm, LibraryFilterForm
from needlepoint.homecare.models import ExerciseAssignment
from needlepoint.knowledge import load_knowledge
from needlepoint.knowledge.exercises import BODY_AREAS, ExerciseLibrary
from needlepoint.visits.services.common import clinic_today
from needlepoint.visits.views.documents import pdf_response
from needlepoint.web.access import patient_required, staff_required

AREA_LABELS = {code: label for code, label, _ in BODY_AREAS}
SUGGESTIONS = 8


def programme_url(patient_id: Any, episode_id: Any) -> str:
    return reverse("homecare-programme", kwargs={"patient_id": patient_id, "episode_id": episode_id})


def _library_context(request: HttpRequest, library: ExerciseLibrary, assigned: set[str]) -> dict[str, Any]:
    form = LibraryFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {"q": "", "area": "", "kind": ""}
    found = library.search(filters["q"], area=filters["area"], kind=filters["kind"])
    return {
        "filter_form": form if request.GET else LibraryFilterForm(),
        "filters": filters,
        "library_rows": [
            {"exercise": e, "areas": [AREA_LABELS[a] for a in library.areas[e.id]], "assigned": e.id in assigned}
            for e in found
        ],
        "library_total": len(library),
    }


def _page(
    request: HttpRequest,
    patient_id: Any,
    episode_id: Any,
    *,
    assign_form: AssignForm | None = None,
    dose_form: tuple[Any, DoseForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    programme = services.open_programme(request.user, patient_id, episode_id)  # type: ignore[arg-type]
    episode = programme.episode
    kb = load_knowledge()
    library = services.library()
    can_write = services.may_prescribe(request.user)
    condition = kb.conditions.get(episode.condition_id)
    assigned = programme.current_ids
    adding = None
    if assign_form is not None:
        adding = library.get(str(assign_form.data.get("assign-exercise_id", "")))
    elif can_write and request.GET.get("add"):
        candidate = library.get(request.GET["add"])
        if candidate is not None and candidate.id not in assigned:
            adding = candidate
            initial = {"exercise_id": candidate.id, **AssignForm.initial_for(candidate)}
            assign_form = AssignForm(prefix="assign", initial=initial)
    rows = []
    for assignment in programme.current:
        form = None
        if can_write:
            if dose_form is not None and dose_form[0] == assignment.pk:
                form = dose_form[1]
            else:
                form = DoseForm(prefix=f"dose-{assignment.pk}", initial=DoseForm.initial_from(assignment))
        rows.append({"assignment": assignment, "exercise": assignment.exercise, "form": form})
    suggestions = suggest_exercises(
        library.exercises,
        kb,
        regions=[r.get("region") for r in episode.regions if isinstance(r, dict)],
        condition_id=episode.condition_id,
        exclude=assigned,
        limit=SUGGESTIONS,
    )
    context = {
        "patient": programme.patient,
        "episode": episode,
        "condition": condition,
        "regions": [
            (kb.regions[r["region"]].label, r.get("side"))
            for r in episode.regions
            if isinstance(r, dict) and r.get("region") in kb.regions
        ],
        "rows": rows,
        "stopped": [(a, a.exercise) for a in programme.stopped],
        "suggestions": suggestions,
        "can_write": can_write,
        "adding": adding,
        "assign_form": assign_form if adding is not None else None,
        "programme_url": programme_url(programme.patient.pk, episode.pk),
        **_library_context(request, library, assigned),
    }
    return render(request, "homecare/programme.html", context, status=status)


@staff_required
def programme(request: HttpRequest, patient_id: str, episode_id: str) -> HttpResponse:
    """The episode's programme. With htmx and ``partial=library``: the filtered library only."""
    if request.method not in ("GET", "HEAD"):
        services.find_episode(request.user, patient_id, episode_id)  # type: ignore[arg-type]
        return HttpResponseNotAllowed(["GET"])
    if getattr(request, "htmx", False) and request.GET.get("partial") == "library":
        episode = services.find_episode(request.user, patient_id, episode_id)  # type: ignore[arg-type]
        context = {
            **_library_context(request, services.library(), set()),
            "can_write": services.may_prescribe(request.user),
            "programme_url": programme_url(episode.patient_id, episode.pk),
        }
        return render(request, "homecare/_library.html", context)
    return _page(request, patient_id, episode_id)


@staff_required
def assign(request: HttpRequest, patient_id: str, episode_id: str) -> HttpResponse:
    services.find_episode(request.user, patient_id, episode_id)  # type: ignore[arg-type]
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = AssignForm(request.POST, prefix="assign")
    if form.is_valid():
        try:
            assignment = services.assign(request.user, patient_id, episode_id, form.service_data())  # type: ignore[arg-type]
        except InvalidInput as exc:
            form.add_service_errors(exc.errors)
        else:
            name = assignment.exercise.name if assignment.exercise else assignment.exercise_id
            messages.success(request, f"{name} added to the programme.")
            return redirect(programme_url(patient_id, episode_id) + "#programme")
    if services.library().get(str(form.data.get("assign-exercise_id", ""))) is None:
        messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs) or "Choose an exercise.")
        return redirect(programme_url(patient_id, episode_id))
    return _page(request, patient_id, episode_id, assign_form=form, status=422)


@staff_required
def change_dose(request: HttpRequest, patient_id: str, episode_id: str, assignment_id: str) -> HttpResponse:
    episode = services.find_episode(request.user, patient_id, episode_id)  # type: ignore[arg-type]
    assignment = ExerciseAssignment.objects.filter(episode=episode, pk=assignment_id).first()
    if assignment is None:
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = DoseForm(request.POST, prefix=f"dose-{assignment.pk}")
    if form.is_valid():
        try:
            services.change_dose(request.user, patient_id, episode_id, assignment.pk, form.service_data())  # type: ignore[arg-type]
        except InvalidInput as exc:
            form.add_service_errors(exc.errors)
        except Conflict as exc:
            messages.error(request, exc.detail)
            return redirect(programme_url(patient_id, episode_id) + "#programme")
        else:
            name = assignment.exercise.name if assignment.exercise else assignment.exercise_id
            messages.success(request, f"Dose of {name} changed.")
            return redirect(programme_url(patient_id, episode_id) + "#programme")
    if assignment.stopped_at is not None:
        messages.error(request, "This exercise was stopped; assign it again instead.")
        return redirect(programme_url(patient_id, episode_id) + "#programme")
    return _page(request, patient_id, episode_id, dose_form=(assignment.pk, form), status=422)


@staff_required
def stop(request: HttpRequest, patient_id: str, episode_id: str, assignment_id: str) -> HttpResponse:
    episode = services.find_episode(request.user, patient_id, episode_id)  # type: ignore[arg-type]
    if not ExerciseAssignment.objects.filter(episode=episode, pk=assignment_id).exists():
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        assignment = services.stop(request.user, patient_id, episode_id, assignment_id)  # type: ignore[arg-type]
    except Conflict as exc:
        messages.error(request, exc.detail)
    else:
        name = assignment.exercise.name if assignment.exercise else assignment.exercise_id
        messages.success(request, f"{name} stopped.")
    return redirect(programme_url(patient_id, episode_id) + "#programme")


@staff_required
def handout_pdf(request: HttpRequest, patient_id: str, episode_id: str) -> HttpResponse:
    programme = services.open_programme(request.user, patient_id, episode_id, document="handout.pdf")  # type: ignore[arg-type]
    condition = load_knowledge().conditions.get(programme.episode.condition_id)
    day = clinic_today(programme.episode.clinic_id)
    content = documents.handout_pdf(
        programme.patient, programme.current, issued_on=day, heading=condition.plain_name if condition else ""
    )
    return pdf_response(content, documents.handout_filename(programme.patient, day))


# --- the patient portal --------------------------------------------------------------------------


@patient_required
def portal_exercises(request: HttpRequest) -> HttpResponse:
    programme = services.portal_programme(request.user)  # type: ignore[arg-type]
    library = services.library()
    return render(
        request,
        "homecare/portal.html",
        {
            "patient": programme.patient,
            "items": [(a, a.exercise) for a in programme.current],
            "advice": [a.text for a in library.advice],
        },
    )


@patient_required
def portal_exercises_pdf(request: HttpRequest) -> HttpResponse:
    programme = services.portal_programme(request.user, document="handout.pdf")  # type: ignore[arg-type]
    if programme.patient is None:
        raise Http404
    day = clinic_today(programme.patient.clinic_id)
    content = documents.handout_pdf(programme.patient, programme.current, issued_on=day)
    return pdf_response(content, documents.handout_filename(programme.patient, day))
