"""The clinician's outcomes page of an episode: each measure's series with its baseline, latest
value, change and label (with the threshold and its source), the episode's responder status, and
the forms to record a measurement, enter a questionnaire answered at the clinic, and mark a wrong
entry "entered in error".

Clinic staff see the page (the read is audited); clinicians and clinic administrators record.
Anyone else gets 404, whatever the method.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse

from needlepoint.errors import InvalidInput
from needlepoint.knowledge import load_knowledge
from needlepoint.knowledge.outcomes import load_measures, load_questionnaires
from needlepoint.outcomes.forms import QuestionnaireForm
from needlepoint.outcomes.models import QuestionnaireResponse, Timepoint
from needlepoint.outcomes.services import measurements as service
from needlepoint.outcomes.services import questionnaires as questionnaire_service
from needlepoint.outcomes.services.summary import EpisodeOutcomes, outcomes_for_episode, read_outcomes
from needlepoint.outcomes.views.measurement_form import (
    MeasurementForm,
    QuestionnaireEntryForm,
    value_hint,
)
from needlepoint.outcomes.views.outcome_table import cite, entries_of, full_reference, rows_of
from needlepoint.visits.models import Episode, Visit
from needlepoint.web.access import staff_required

#: Written by the reports app; shown when it is installed.
CHARTS_TEMPLATE = "reports/_episode_charts.html"


def episode_route(*methods: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Find the episode first, then check the method: an outsider gets 404 whatever the method, so
    a 405 never tells them the route took their ids (use under ``staff_required``)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, patient_id: Any, episode_id: Any, *args: Any, **kwargs: Any) -> HttpResponse:
            episode = service.find_patient_episode(request.user, patient_id, episode_id)
            if request.method not in methods:
                return HttpResponseNotAllowed(list(methods))
            return view(request, episode, *args, **kwargs)

        return wrapper

    return decorator


def can_record(user: Any) -> bool:
    return getattr(user, "role", None) in service.RECORDER_ROLES


def page_url(episode: Episode) -> str:
    return reverse("outcomes-episode", kwargs={"patient_id": episode.patient_id, "episode_id": episode.pk})


def chart_context(outcomes: EpisodeOutcomes) -> dict[str, Any]:
    """The reports app's charts for the page, when it is installed (the page works without it)."""
    try:
        get_template(CHARTS_TEMPLATE)
        from needlepoint.reports.services import outcome_charts
    except (TemplateDoesNotExist, ImportError):
        return {"charts_enabled": False}
    return {"charts_enabled": True, "outcome_charts": outcome_charts(outcomes)}


# --- what the page shows -----------------------------------------------------------------------


def default_timepoint(outcomes: EpisodeOutcomes, episode: Episode, measure_id: str) -> str:
    """Baseline until the measure has a value in this episode; then before-treatment, or
    discharge once the episode is closed."""
    if not any(s.measure_id == measure_id and s.points for s in outcomes.series):
        return Timepoint.BASELINE.value
    return Timepoint.DISCHARGE.value if episode.closed_on else Timepoint.VISIT_PRE.value


def episode_visits(episode: Episode) -> list[Visit]:
    return list(Visit.objects.filter(episode=episode).order_by("-visit_date", "-created_at"))


def new_measurement_form(
    episode: Episode,
    outcomes: EpisodeOutcomes,
    visits: list[Visit],
    measure: str = "",
    data: Any = None,
    *,
    keep_timepoint: bool = False,
) -> MeasurementForm:
    """A blank form (or one kept from ``data`` when the measure or joint changes), with the
    timepoint, date and visit set sensibly for the measure."""
    today = episode.clinic.today()
    visit_today = next((v for v in visits if v.visit_date == today), None)
    refresh = reverse("outcomes-measurement-form", kwargs={"patient_id": episode.patient_id, "episode_id": episode.pk})
    form = MeasurementForm(visits=visits, refresh_url=refresh)
    chosen = measure if measure in service.recordable_measures() else next(iter(service.recordable_measures()))
    initial: dict[str, Any] = {
        "measure": chosen,
        "timepoint": default_timepoint(outcomes, episode, chosen),
        "taken_on": today,
        "visit": str(visit_today.pk) if visit_today else "",
    }
    if data is not None:  # the measure or joint changed: keep what was typed
        kept = ("taken_on", "value", "joint", "movement", "site", "side", "visit", "notes")
        for name in (*kept, "timepoint") if keep_timepoint else kept:
            if data.get(name):
                initial[name] = data.get(name)
    form.initial = initial
    form.narrow_movements(str(initial.get("joint", "")))
    return form


def page_context(
    request: HttpRequest, episode: Episode, outcomes: EpisodeOutcomes, form: MeasurementForm | None = None
) -> dict[str, Any]:
    kb = load_knowledge()
    condition = kb.conditions.get(episode.condition_id)
    visits = episode_visits(episode)
    rows, footnotes = rows_of(outcomes)
    cited = dict.fromkeys(source for row in rows if row.series.change for source in row.series.change.sources)
    suggested = [m for m in (condition.outcome_measures if condition else ())]
    questionnaires = [
        (q.id, q.title, q.measure in suggested) for q in load_questionnaires().values() if q.status == "active"
    ]
    questionnaires.sort(key=lambda q: not q[2])
    measures = load_measures()
    primary = measures.get(outcomes.primary_measure)
    form = form or new_measurement_form(episode, outcomes, visits, request.GET.get("measure", ""))
    return {
        "episode": episode,
        "patient": episode.patient,
        "condition_name": condition.name if condition else episode.condition_id,
        "outcomes": outcomes,
        "primary_name": primary.name if primary else outcomes.primary_measure,
        "rows": rows,
        "footnotes": footnotes,
        "references": [(cite(source), full_reference(source)) for source in cited],
        "entries": entries_of(episode),
        "can_record": can_record(request.user),
        "form": form,
        "value_hint": value_hint(form.selected_measure),
        "questionnaires": questionnaires,
        "page_url": page_url(episode),
        "timepoint_labels": dict(Timepoint.choices),
        **chart_context(outcomes),
    }


def answer_errors(form: QuestionnaireForm, errors: dict[str, list[str]]) -> None:
    """A service's errors next to the questions they name (``answers.<item>``), others on top."""
    for key, found in errors.items():
        field = None
        if key.startswith("answers."):
            try:
                name = QuestionnaireForm.field_name(form.questionnaire.item(key.removeprefix("answers.")))
            except KeyError:
                name = ""
            field = name if name in form.fields else None
        for message in found:
            form.add_error(field, message if field else f"{key.replace('_', ' ')}: {message}")


# --- views -------------------------------------------------------------------------------------


@staff_required
@episode_route("GET")
def outcomes_page(request: HttpRequest, episode: Episode) -> HttpResponse:
    _, outcomes = read_outcomes(request.user, episode.patient_id, episode.pk)
    return render(request, "outcomes/clinician_outcomes.html", page_context(request, episode, outcomes))


@staff_required
@episode_route("GET")
def measurement_form(request: HttpRequest, episode: Episode) -> HttpResponse:
    """The form again for another measure (htmx swaps it in when the measure changes)."""
    if not can_record(request.user):
        raise PermissionDenied("Only clinicians and clinic administrators can record clinical measures.")
    visits = episode_visits(episode)
    form = new_measurement_form(
        episode,
        outcomes_for_episode(episode),
        visits,
        request.GET.get("measure", ""),
        request.GET,
        keep_timepoint=request.headers.get("HX-Trigger-Name") != "measure",
    )
    context = {"episode": episode, "form": form, "value_hint": value_hint(form.selected_measure)}
    if not request.htmx:  # type: ignore[attr-defined]
        return redirect(page_url(episode) + f"?measure={form.selected_measure.id}#record")
    return render(request, "outcomes/clinician_measurement_form.html", context)


@staff_required
@episode_route("POST")
def measurement_add(request: HttpRequest, episode: Episode) -> HttpResponse:
    if not can_record(request.user):
        raise PermissionDenied("Only clinicians and clinic administrators can record clinical measures.")
    form = MeasurementForm(request.POST, visits=episode_visits(episode))
    form.narrow_movements(request.POST.get("joint", ""))
    if form.is_valid():
        try:
            measurement = service.record_measurement(
                request.user,  # type: ignore[arg-type]
                patient_id=episode.patient_id,
                episode_id=episode.pk,
                **form.service_data(),
            )
        except InvalidInput as exc:
            form.add_service_errors(exc.errors)
        else:
            name = form.selected_measure.short_name
            messages.success(request, f"{name} {measurement.value.normalize():f} {measurement.unit} recorded.")
            return redirect(page_url(episode) + "#series")
    _, outcomes = read_outcomes(request.user, episode.patient_id, episode.pk)
    context = page_context(request, episode, outcomes, form=form)
    return render(request, "outcomes/clinician_outcomes.html", context, status=422)


@staff_required
@episode_route("POST")
def measurement_in_error(request: HttpRequest, episode: Episode, measurement_id: Any) -> HttpResponse:
    measurement = service.find_measurement(request.user, measurement_id)
    if measurement.episode_id != episode.pk:
        raise Http404
    try:
        service.mark_measurement_in_error(request.user, measurement.pk, request.POST.get("reason", ""))  # type: ignore[arg-type]
    except InvalidInput as exc:
        messages.error(request, f"Not marked as entered in error: {'; '.join(exc.errors.get('reason', [exc.detail]))}.")
    else:
        messages.success(request, "Marked as entered in error; it no longer counts in the series.")
    return redirect(page_url(episode) + "#entries")


@staff_required
@episode_route("POST")
def response_in_error(request: HttpRequest, episode: Episode, response_id: Any) -> HttpResponse:
    response = QuestionnaireResponse.objects.visible_to(request.user).filter(pk=response_id, episode=episode).first()
    if response is None:
        raise Http404
    try:
        questionnaire_service.mark_response_in_error(request.user, response.pk, request.POST.get("reason", ""))  # type: ignore[arg-type]
    except InvalidInput as exc:
        messages.error(request, f"Not marked as entered in error: {'; '.join(exc.errors.get('reason', [exc.detail]))}.")
    else:
        messages.success(request, "Marked as entered in error; it no longer counts in the series.")
    return redirect(page_url(episode) + "#entries")


@staff_required
@episode_route("GET", "POST")
def questionnaire_entry(request: HttpRequest, episode: Episode, questionnaire_id: str) -> HttpResponse:
    """Enter a questionnaire the patient answered at the clinic (on paper or a tablet)."""
    questionnaire = load_questionnaires().get(questionnaire_id)
    if questionnaire is None:
        raise Http404
    if not can_record(request.user):
        raise PermissionDenied("Only clinicians and clinic administrators can enter a patient's answers.")
    visits = episode_visits(episode)
    posted = request.POST if request.method == "POST" else None
    form = QuestionnaireForm(questionnaire, posted)
    entry = QuestionnaireEntryForm(posted, visits=visits)
    if not entry.is_bound:
        has_baseline = QuestionnaireResponse.objects.filter(
            episode=episode, questionnaire=questionnaire.id, entered_in_error=False
        ).exists()
        today = episode.clinic.today()
        visit_today = next((v for v in visits if v.visit_date == today), None)
        entry.initial = {
            "timepoint": (Timepoint.DISCHARGE if episode.closed_on else Timepoint.VISIT_PRE)
            if has_baseline
            else Timepoint.BASELINE,
            "completed_on": today,
            "visit": str(visit_today.pk) if visit_today else "",
        }
    if request.method == "POST":
        entry_ok = entry.is_valid()
        if form.is_valid() and entry_ok and not form.needs_gap_confirmation():
            try:
                questionnaire_service.submit_response(
                    request.user,  # type: ignore[arg-type]
                    patient_id=episode.patient_id,
                    episode_id=episode.pk,
                    questionnaire_id=questionnaire.id,
                    answers=form.answers(),
                    timepoint=entry.cleaned_data["timepoint"],
                    completed_on=entry.cleaned_data["completed_on"],
                    source=QuestionnaireResponse.Source.CLINIC,
                    visit_id=entry.cleaned_data.get("visit") or None,
                )
            except InvalidInput as exc:
                own = {k: v for k, v in exc.errors.items() if k in ("timepoint", "completed_on", "visit")}
                entry.add_service_errors(own)
                answer_errors(form, {k: v for k, v in exc.errors.items() if k not in own})
            else:
                messages.success(request, f"{questionnaire.title} entered.")
                return redirect(page_url(episode) + "#series")
    return render(
        request,
        "outcomes/clinician_questionnaire.html",
        {
            "episode": episode,
            "patient": episode.patient,
            "questionnaire": questionnaire,
            "form": form,
            "entry": entry,
            "page_url": page_url(episode),
        },
        status=422 if (form.errors or entry.errors) else 200,
    )
