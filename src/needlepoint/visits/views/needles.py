"""The needle log: entries with a live safety check, warnings acknowledged one by one, and
confirming the entries copied forward from the last visit (with one lot number for all)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from needlepoint.atlas import services as atlas
from needlepoint.errors import Conflict, InvalidInput
from needlepoint.visits import services
from needlepoint.visits.forms import InsertionForm
from needlepoint.visits.models import NeedleInsertion
from needlepoint.visits.services.common import refuse_if_signed, require_clinician
from needlepoint.visits.views.common import (
    conflict_response,
    full_page,
    note_context,
    section_response,
    version_of,
    visit_route,
)
from needlepoint.web.access import staff_required

REQUIRED_MESSAGE = "This field is required."
FIELD_WORDS = {
    "muscle": "the muscle",
    "side": "the side",
    "technique": "the technique",
    "needle_diameter_mm": "the needle diameter",
    "needle_length_mm": "the needle length",
    "manipulation": "the manipulation",
    "needles_used": "the number of needles used",
}


def _lot(request: HttpRequest) -> str:
    return request.POST.get("lot", "").strip()[:40]


def _form(request: HttpRequest) -> InsertionForm:
    return InsertionForm(request.POST, default_lot=_lot(request))


def muscle_guidance(muscle_id: Any) -> Any:
    return atlas.knowledge().muscles.get(muscle_id) if isinstance(muscle_id, str) else None


def safety_context(
    request: HttpRequest, visit_id: Any, form: InsertionForm, *, editing: NeedleInsertion | None = None
) -> dict[str, Any]:
    """The live safety check of the entry being typed: blocks, warnings (with the acknowledgements
    ticked so far) or what is still missing; and the atlas's guidance for the muscle."""
    data = form.partial_data()
    context: dict[str, Any] = {
        "acked": set(request.POST.getlist("ack")),
        "muscle_info": muscle_guidance(data.get("muscle")),
        "kept": {a["code"]: a for a in (editing.acknowledgements if editing else [])},
    }
    missing = [FIELD_WORDS[f] for f in FIELD_WORDS if data.get(f) in (None, "")]
    if missing:
        context["missing"] = missing
        return context
    try:
        found = services.check_insertion(request.user, visit_id, data)  # type: ignore[arg-type]
    except Conflict as exc:
        context["not_ready"] = exc.detail
        return context
    except InvalidInput as exc:
        duplicate = editing is not None and (editing.muscle_id, editing.side) == (data["muscle"], data["side"])
        if duplicate and set(exc.errors) == {"muscle"}:
            context["on_save"] = True  # the checks of a changed entry run when it is saved
        else:
            context["input_errors"] = [m for messages in exc.errors.values() for m in messages]
        return context
    context["blocks"] = [f for f in found if f.level == "block"]
    context["warnings"] = [f for f in found if f.level == "warning"]
    context["notes"] = [f for f in found if f.level == "note"]
    context["checked"] = True
    return context


def _entry_response(
    request: HttpRequest,
    visit_id: Any,
    form: InsertionForm,
    *,
    editing: NeedleInsertion | None,
    status: int,
    unacknowledged: bool = False,
) -> HttpResponse:
    safety = safety_context(request, visit_id, form, editing=editing)
    safety["unacknowledged"] = unacknowledged
    return section_response(
        request, visit_id, "needles", status=status, entry_form=form, safety=safety, editing=editing, lot=_lot(request)
    )


def _save_entry(request: HttpRequest, visit_id: Any, editing: NeedleInsertion | None) -> HttpResponse:
    form = _form(request)
    if not form.is_valid():
        return _entry_response(request, visit_id, form, editing=editing, status=422)
    acks = request.POST.getlist("ack")
    try:
        if editing is None:
            services.add_insertion(
                request.user,  # type: ignore[arg-type]
                visit_id,
                version_of(request),
                form.service_data(),
                acknowledged_warnings=acks,
            )
        else:
            services.update_insertion(
                request.user,  # type: ignore[arg-type]
                visit_id,
                version_of(request),
                editing.pk,
                form.service_data(),
                acknowledged_warnings=acks,
            )
    except Conflict as exc:
        return conflict_response(request, visit_id, exc)
    except services.UnacknowledgedWarnings:
        return _entry_response(request, visit_id, form, editing=editing, status=422, unacknowledged=True)
    except InvalidInput as exc:
        safety = safety_context(request, visit_id, form, editing=editing)
        codes = [f.code for f in safety.get("blocks", []) + safety.get("warnings", [])]
        form.add_service_errors(exc.errors, shown_elsewhere=codes)
        return section_response(
            request, visit_id, "needles", status=422, entry_form=form, safety=safety, editing=editing, lot=_lot(request)
        )
    return section_response(
        request,
        visit_id,
        "needles",
        message="Entry saved" if editing else "Entry logged",
        lot=_lot(request),
        entry_form=InsertionForm(default_lot=_lot(request)),
    )


@staff_required
@visit_route("POST")
def insertion_add(request: HttpRequest, visit_id: str) -> HttpResponse:
    return _save_entry(request, visit_id, None)


@staff_required
def insertion_edit(request: HttpRequest, visit_id: str, insertion_id: int) -> HttpResponse:
    """GET: the entry in the form (htmx: just the form). POST: save it, running the checks again."""
    visit = services.find_visit(request.user, visit_id)  # type: ignore[arg-type]
    entry = NeedleInsertion.objects.filter(visit=visit, pk=insertion_id).first()
    if entry is None:
        raise Http404
    if request.method == "POST":
        return _save_entry(request, visit_id, entry)
    form = InsertionForm(initial=InsertionForm.initial_from(entry))
    if request.htmx:  # type: ignore[attr-defined]
        context = note_context(request, visit, entry_form=form, editing=entry)
        return render(request, "visits/_entry_form.html", context)
    return full_page(request, visit, entry_form=form, editing=entry)


@staff_required
@visit_route("POST")
def insertion_check(request: HttpRequest, visit_id: str) -> HttpResponse:
    """The live safety check (nothing is saved)."""
    visit = services.find_visit(request.user, visit_id)  # type: ignore[arg-type]
    editing = None
    if request.POST.get("entry", "").isdigit():
        editing = NeedleInsertion.objects.filter(visit=visit, pk=int(request.POST["entry"])).first()
    safety = safety_context(request, visit.pk, _form(request), editing=editing)
    return render(request, "visits/_safety.html", {"safety": safety, "visit": visit})


@staff_required
@visit_route("POST")
def insertion_remove(request: HttpRequest, visit_id: str, insertion_id: int) -> HttpResponse:
    try:
        services.remove_insertion(request.user, visit_id, version_of(request), insertion_id)  # type: ignore[arg-type]
    except Conflict as exc:
        return conflict_response(request, visit_id, exc)
    return section_response(request, visit_id, "needles", message="Entry removed", lot=_lot(request))


@staff_required
@visit_route("POST")
def insertion_confirm(request: HttpRequest, visit_id: str) -> HttpResponse:
    """Confirm the entries copied forward (the checks run today): the lot number typed for this
    visit goes on each entry without one. Warnings of an entry need its own acknowledgements
    (``ack-<entry id>``); an entry refused stays unconfirmed with its reasons shown."""
    visit = services.find_visit(request.user, visit_id)  # type: ignore[arg-type]
    try:
        require_clinician(request.user)  # type: ignore[arg-type]
        refuse_if_signed(visit)
    except Conflict as exc:
        return conflict_response(request, visit_id, exc)
    lot = _lot(request)
    only = request.POST.get("only", "")
    entries = [e for e in visit.insertions.all() if e.checked_at is None and (not only or str(e.pk) == only)]
    version: Any = version_of(request)
    row_warnings: dict[int, list[Any]] = {}
    row_errors: dict[int, list[str]] = {}
    for entry in entries:
        data: dict[str, Any] = {}
        if lot and not entry.needle_lots:
            data["needle_lots"] = [lot]
        try:
            result = services.update_insertion(
                request.user,  # type: ignore[arg-type]
                visit_id,
                version,
                entry.pk,
                data,
                acknowledged_warnings=request.POST.getlist(f"ack-{entry.pk}"),
            )
        except Conflict as exc:
            return conflict_response(request, visit_id, exc)
        except services.UnacknowledgedWarnings as exc:
            row_warnings[entry.pk] = exc.warnings
        except InvalidInput as exc:
            row_errors[entry.pk] = [m for messages in exc.errors.values() for m in messages]
        else:
            version = result.insertion.visit.version
    refused = bool(row_warnings or row_errors)
    done = len(entries) - len(row_warnings) - len(row_errors)
    message = f"{done} entr{'y' if done == 1 else 'ies'} confirmed" if done else ""
    return section_response(
        request,
        visit_id,
        "needles",
        status=422 if refused else 200,
        message=message,
        row_warnings=row_warnings,
        row_errors=row_errors,
        lot=lot,
        acked_rows={k: set(request.POST.getlist(k)) for k in request.POST if k.startswith("ack-")},
    )
