"""Screening pages: at the clinic, in the portal, the public self-check, and the rule set."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString, mark_safe

from needlepoint.atlas import services as atlas
from needlepoint.bodymap import Mark, render_both
from needlepoint.clinical.screening import RULES, Result
from needlepoint.errors import InvalidInput
from needlepoint.patients.models import Patient
from needlepoint.patients.services import find_patient, open_chart
from needlepoint.screening import services
from needlepoint.screening.forms import IntakeForm
from needlepoint.screening.models import Screening
from needlepoint.screening.questionnaire import QUESTIONS, VERSION
from needlepoint.web.access import patient_required, staff_required


def _avoid_chart(result: Result, prefix: str) -> SafeString | None:
    if not result.avoid_regions:
        return None
    marks = {(code, side): Mark("avoid") for code, side in result.avoid_regions}
    svg = render_both(marks=marks, legend=True, id_prefix=prefix, title="Regions not to needle")
    return mark_safe(svg)  # noqa: S308 - built by needlepoint.bodymap, which escapes every text


def _submit(request: HttpRequest, form: IntakeForm, save: Any) -> Any:
    """Validate the form and the contract; on success return what ``save(answers)`` returns."""
    if not form.is_valid():
        return None
    try:
        return save(form.answers())
    except InvalidInput as exc:
        from needlepoint.clinical.screening import ScreeningInputError

        form.add_contract_errors(ScreeningInputError(exc.errors))
        return None


def _answer_rows(answers: dict[str, Any]) -> list[tuple[str, str]]:
    kb = atlas.knowledge()
    rows = []
    for qid, value in answers.items():
        q = QUESTIONS.get(qid)
        label = (q.staff_text or q.text) if q else qid
        if value is None:
            shown = "not answered"
        elif value is True:
            shown = "yes"
        elif value is False:
            shown = "no"
        elif isinstance(value, list):
            parts = []
            for item in value:
                if isinstance(item, dict):
                    code = item.get("region") or item.get("group", "")
                    name = (
                        kb.regions[code].label
                        if code in kb.regions
                        else kb.region_groups[code].label
                        if code in kb.region_groups
                        else code
                    )
                    parts.append(f"{name}{', ' + item['side'] if item.get('side') else ''}")
                else:
                    parts.append(str(item).replace("_", " "))
            shown = "; ".join(parts) or "none"
        else:
            choice = dict(q.choices).get(str(value)) if q and q.choices else None
            shown = choice or str(value)
        rows.append((label, shown))
    return rows


def _blocked_groups(result: Result) -> list[tuple[str, list[str]]]:
    """Blocked targets grouped by reason: [(reason, ["Psoas major (both sides)", ...])]."""
    muscles = atlas.knowledge().muscles
    groups: dict[str, list[str]] = {}
    for block in result.blocked:
        side = block.side or "both sides"
        groups.setdefault(block.reason, []).append(f"{muscles[block.muscle].name} ({side})")
    return list(groups.items())


def _result_context(result: Result, prefix: str) -> dict[str, Any]:
    return {
        "result": result,
        "findings": [(f, f.rule) for f in result.findings],
        "avoid_chart": _avoid_chart(result, prefix),
        "blocked_groups": _blocked_groups(result),
        "unanswered": [QUESTIONS[q].text if q in QUESTIONS else q for q in result.unanswered_questions],
    }


# --- at the clinic ---------------------------------------------------------------------------


@staff_required
def clinic_new(request: HttpRequest, patient_id: str) -> HttpResponse:
    patient = find_patient(request.user, patient_id)  # type: ignore[arg-type]
    form = IntakeForm(request.POST or None, staff=True)
    if request.method == "POST":
        screening = _submit(
            request,
            form,
            lambda answers: services.record_screening(
                request.user, patient.pk, answers, channel=Screening.Channel.CLINIC
            ),
        )  # type: ignore[arg-type]
        if screening is not None:
            messages.success(request, f"Screening saved: {screening.get_status_display().lower()}.")
            return redirect("screening-detail", patient_id=patient.pk, screening_id=screening.pk)
    return render(
        request,
        "screening/form.html",
        {"form": form, "patient": patient, "staff": True, "version": VERSION},
        status=422 if form.errors else 200,
    )


@staff_required
def clinic_detail(request: HttpRequest, patient_id: str, screening_id: str) -> HttpResponse:
    screening = services.open_screening(request.user, patient_id, screening_id)  # type: ignore[arg-type]
    return _render_detail(request, screening, None)


def _render_detail(
    request: HttpRequest, screening: Screening, override_errors: dict[str, list[str]] | None, status: int = 200
) -> HttpResponse:
    effective = services.effective_result(screening)
    overrides = {o.rule_id: o for o in screening.overrides.all().select_related("decided_by")}
    context = _result_context(effective, "avoid") | {
        "screening": screening,
        "patient": screening.patient,
        "current": services.is_current(screening),
        "overrides": overrides,
        "answers": _answer_rows(screening.answers),
        "can_override": request.user.role in services.OVERRIDE_ROLES,  # type: ignore[union-attr]
        "override_errors": override_errors or {},
        "history": services.history(request.user, screening.patient),  # type: ignore[arg-type]
    }
    return render(request, "screening/detail.html", context, status=status)


@staff_required
def clinic_override(request: HttpRequest, patient_id: str, screening_id: str) -> HttpResponse:
    if request.method != "POST":
        return redirect("screening-detail", patient_id=patient_id, screening_id=screening_id)
    rule_id = request.POST.get("rule", "")[:60]
    try:
        services.override_finding(
            request.user,
            patient_id,
            screening_id,
            rule_id,  # type: ignore[arg-type]
            request.POST.get("reason", "")[:2000],
        )
    except InvalidInput as exc:
        screening = services.open_screening(request.user, patient_id, screening_id)  # type: ignore[arg-type]
        return _render_detail(request, screening, {rule_id: [m for msgs in exc.errors.values() for m in msgs]}, 422)
    messages.success(request, "Override recorded with your reason.")
    return redirect("screening-detail", patient_id=patient_id, screening_id=screening_id)


# --- in the portal ---------------------------------------------------------------------------


def _own_record(request: HttpRequest) -> Patient:
    record = Patient.objects.visible_to(request.user).first()
    if record is None:
        from django.http import Http404

        raise Http404
    return record


@patient_required
def portal_form(request: HttpRequest) -> HttpResponse:
    patient = _own_record(request)
    form = IntakeForm(request.POST or None)
    if request.method == "POST":
        screening = _submit(
            request,
            form,
            lambda answers: services.record_screening(
                request.user, patient.pk, answers, channel=Screening.Channel.PORTAL
            ),
        )  # type: ignore[arg-type]
        if screening is not None:
            return redirect("portal-screening-result")
    return render(
        request,
        "screening/form.html",
        {"form": form, "portal": True, "version": VERSION},
        status=422 if form.errors else 200,
    )


@patient_required
def portal_result(request: HttpRequest) -> HttpResponse:
    patient = open_chart(request.user, _own_record(request).pk)  # type: ignore[arg-type]
    screening = services.latest(patient)
    if screening is None:
        return redirect("portal-screening")
    context = _result_context(services.effective_result(screening), "avoid") | {
        "screening": screening,
        "current": services.is_current(screening, patient),
        "audience": "patient",
    }
    return render(request, "screening/patient_result.html", context)


# --- public self-check -----------------------------------------------------------------------


def self_check(request: HttpRequest) -> HttpResponse:
    """'Is dry needling right for me?' No login; nothing is stored."""
    form = IntakeForm(request.POST or None)
    if request.method == "POST":
        result = _submit(request, form, services.evaluate_stateless)
        if result is not None:
            return render(
                request,
                "screening/patient_result.html",
                _result_context(result, "avoid") | {"public": True, "audience": "patient"},
            )
    return render(
        request,
        "screening/form.html",
        {"form": form, "public": True, "version": VERSION},
        status=422 if form.errors else 200,
    )


# --- the rule set ----------------------------------------------------------------------------


@staff_required
def rules(request: HttpRequest) -> HttpResponse:
    kb = atlas.knowledge()
    return render(
        request,
        "screening/rules.html",
        {
            "rules": RULES,
            "sources": atlas.references(r.source for r in RULES),
            "references": kb.references,
        },
    )
