"""Episodes of care: open one for a patient, see it with its visits, start a visit in it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render

from needlepoint.atlas import services as atlas
from needlepoint.bodymap import Mark, render_both
from needlepoint.errors import Conflict, InvalidInput
from needlepoint.patients.services import find_patient
from needlepoint.visits import services
from needlepoint.visits.forms import EpisodeForm
from needlepoint.visits.models import CoTreatment, Episode
from needlepoint.visits.views.common import is_clinician, svg
from needlepoint.web.access import staff_required


def _regions_chart(selected: list[str]) -> str:
    marks = {}
    for value in selected:
        code, _, side = value.partition(":")
        marks[(code, side or None)] = Mark("pain", 0)  # drawn selected by visit.js
    return render_both(marks=marks, interactive=True, id_prefix="episodemap", title="Affected regions: select each one")


def _form_page(request: HttpRequest, patient: Any, form: EpisodeForm, episode: Episode | None = None) -> HttpResponse:
    valid = {value for value, _ in form.fields["regions"].choices}
    selected = [value for value in form["regions"].value() or [] if value in valid]
    return render(
        request,
        "visits/episode_form.html",
        {
            "form": form,
            "patient": patient,
            "episode": episode,
            "chart": svg(_regions_chart(selected)),
            "selected_regions": selected,
            "regions": atlas.knowledge().regions,
        },
        status=422 if form.errors else 200,
    )


@staff_required
def episode_new(request: HttpRequest, patient_id: str) -> HttpResponse:
    patient = find_patient(request.user, patient_id)  # type: ignore[arg-type]
    if not is_clinician(request.user):
        raise PermissionDenied("Only clinicians can open an episode of care.")
    form = EpisodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            episode = services.create_episode(request.user, patient.pk, form.service_data())  # type: ignore[arg-type]
        except InvalidInput as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, "Episode of care opened.")
            return redirect("episode-detail", episode_id=episode.pk)
    return _form_page(request, patient, form)


def _initial(episode: Episode) -> dict[str, Any]:
    return {
        "diagnosis": f"{episode.condition_id}|{episode.icd10_code}",
        "regions": [f"{r['region']}:{r.get('side') or ''}" for r in episode.regions],
        "goals": episode.goals,
        "planned_sessions": episode.planned_sessions,
        "interval_weeks": str(episode.interval_weeks),
        "co_treatments": list(episode.co_treatments),
        "opened_on": episode.opened_on,
    }


@staff_required
def episode_edit(request: HttpRequest, episode_id: str) -> HttpResponse:
    """Change the plan: goals, planned sessions, interval, co-treatments, regions, diagnosis, the
    date it opened. A discharged episode is history: reopen it first."""
    episode = services.find_episode(request.user, episode_id)  # type: ignore[arg-type]
    if not is_clinician(request.user):
        raise PermissionDenied("Only clinicians can change an episode of care.")
    if episode.closed_on is not None:
        messages.error(request, f"Discharged on {episode.closed_on:%d %b %Y}: reopen the episode to change its plan.")
        return redirect("episode-detail", episode_id=episode.pk)
    form = EpisodeForm(request.POST or None, initial=_initial(episode))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_episode(request.user, episode.pk, form.service_data())  # type: ignore[arg-type]
        except InvalidInput as exc:
            form.add_service_errors(exc.errors)
        except Conflict as exc:
            messages.error(request, str(exc))
            return redirect("episode-detail", episode_id=episode.pk)
        else:
            messages.success(request, "Plan of care saved.")
            return redirect("episode-detail", episode_id=episode.pk)
    return _form_page(request, episode.patient, form, episode)


@staff_required
def episode_detail(request: HttpRequest, episode_id: str) -> HttpResponse:
    episode = services.open_episode(request.user, episode_id)  # type: ignore[arg-type]
    visits = services.list_visits(request.user, episode_id=episode.pk)  # type: ignore[arg-type]
    rows = [(visit, services.visit_summary(visit)) for visit in visits]
    kb = atlas.knowledge()
    return render(
        request,
        "visits/episode_detail.html",
        {
            "episode": episode,
            "summary": services.episode_summary(episode),
            "patient": episode.patient,
            "rows": rows,
            "draft": next((v for v in visits if not v.is_signed), None),
            "can_write": is_clinician(request.user),
            "regions": kb.regions,
            "co_treatment_labels": dict(CoTreatment.choices),
            "chart": svg(
                render_both(
                    marks={(r["region"], r["side"]): Mark("site") for r in episode.regions},
                    id_prefix="episodemap",
                    title="Affected regions",
                )
            )
            if episode.regions
            else None,
        },
    )


@staff_required
def visit_start(request: HttpRequest, episode_id: str) -> HttpResponse:
    """POST mode=blank (an empty note) or mode=copy (from the episode's last visit)."""
    episode = services.find_episode(request.user, episode_id)  # type: ignore[arg-type]
    if request.method != "POST":  # after the lookup: outsiders get 404 whatever the method
        return HttpResponseNotAllowed(["POST"])
    mode = request.POST.get("mode", "blank")
    try:
        if mode == "copy":
            visit = services.copy_forward(request.user, episode.pk)  # type: ignore[arg-type]
        else:
            visit = services.start_visit(request.user, episode.pk)  # type: ignore[arg-type]
    except (Conflict, InvalidInput) as exc:
        messages.error(request, f"The visit could not be started: {exc.detail}")
        return redirect("episode-detail", episode_id=episode.pk)
    return redirect("visit-note", visit_id=visit.pk)
