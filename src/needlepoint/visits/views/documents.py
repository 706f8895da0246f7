"""The note's PDFs for clinic staff, and the aftercare handout in the patient portal."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from needlepoint.accounts.models import Role
from needlepoint.audit import services as audit
from needlepoint.documents.render import aftercare_context
from needlepoint.patients.models import Patient
from needlepoint.visits import documents, services
from needlepoint.visits.models import Visit
from needlepoint.web.access import patient_required, staff_required


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
def note_pdf(request: HttpRequest, visit_id: str) -> HttpResponse:
    visit = services.open_visit(request.user, visit_id)  # type: ignore[arg-type]
    summary = services.visit_summary(visit)
    return pdf_response(documents.note_pdf(visit, summary), documents.note_filename(summary, "visit-note"))


@staff_required
def aftercare_pdf(request: HttpRequest, visit_id: str) -> HttpResponse:
    visit = services.open_visit(request.user, visit_id)  # type: ignore[arg-type]
    summary = services.visit_summary(visit)
    return pdf_response(documents.aftercare_pdf(visit, summary), documents.note_filename(summary, "aftercare"))


@staff_required
def superbill_pdf(request: HttpRequest, visit_id: str) -> HttpResponse:
    """Only for a signed note: the billing codes are those frozen at signing."""
    visit = services.open_visit(request.user, visit_id)  # type: ignore[arg-type]
    if not visit.is_signed:
        messages.error(request, "The superbill is made from the signed note: sign the note first.")
        return redirect("visit-note", visit_id=visit.pk)
    summary = services.visit_summary(visit)
    try:
        content = documents.superbill_pdf(visit, summary)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("visit-note", visit_id=visit.pk)
    return pdf_response(content, documents.note_filename(summary, "superbill"))


# --- the patient portal -----------------------------------------------------------------------


def portal_visits(user: object) -> QuerySet[Visit]:
    """The signed visits of the signed-in patient's own record, newest first.

    Visit.objects.visible_to() shows notes to staff only, so the portal applies the patient rule
    of ``patients.scoping`` itself: an active patient login, their own record, their clinic, and
    signed notes only (a draft's aftercare may still change).
    """
    if getattr(user, "role", None) != Role.PATIENT or not getattr(user, "is_active", False):
        return Visit.objects.none()
    record = Patient.objects.visible_to(user).first()
    if record is None:
        return Visit.objects.none()
    return (
        Visit.objects.filter(clinic_id=record.clinic_id, patient=record, status=Visit.Status.SIGNED)
        .select_related("clinic", "episode", "patient", "clinician")
        .order_by("-visit_date", "-created_at")
    )


def _own_visit(request: HttpRequest, visit_id: object) -> Visit:
    """One of the patient's own signed visits, its read audited; anything else is 404."""
    visit = portal_visits(request.user).filter(pk=visit_id).first()
    if visit is None:
        raise Http404
    with transaction.atomic():
        audit.record(audit.Action.READ, visit, actor=request.user, clinic_id=visit.clinic_id)
    return visit


@patient_required
def portal_aftercare(request: HttpRequest, visit_id: str) -> HttpResponse:
    visit = _own_visit(request, visit_id)
    summary = services.visit_summary(visit)
    context = aftercare_context(documents.aftercare_document(visit, summary))
    return render(request, "visits/portal_aftercare.html", {**context, "visit": visit})


@patient_required
def portal_aftercare_pdf(request: HttpRequest, visit_id: str) -> HttpResponse:
    visit = _own_visit(request, visit_id)
    summary = services.visit_summary(visit)
    return pdf_response(documents.aftercare_pdf(visit, summary), documents.note_filename(summary, "aftercare"))
