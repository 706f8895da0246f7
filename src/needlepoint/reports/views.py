"""Report pages: the progress report PDF (staff), the patient's own progress (portal) and the
clinic dashboard (staff). Views parse and render; the services decide and audit."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_GET

from needlepoint.errors import InvalidInput
from needlepoint.reports import services
from needlepoint.reports.progress import svg
from needlepoint.reports.services import find_patient_episode
from needlepoint.web.access import patient_required, staff_required


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
def progress_report_pdf(request: HttpRequest, patient_id: str, episode_id: str) -> HttpResponse:
    find_patient_episode(request.user, patient_id, episode_id)  # type: ignore[arg-type]  # 404 before 405
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET"})
    try:
        report = services.export_progress_report(
            request.user,  # type: ignore[arg-type]
            patient_id,
            episode_id,
            request.GET.get("audience"),
        )
    except InvalidInput as exc:
        return HttpResponseBadRequest(exc.detail, content_type="text/plain; charset=utf-8")
    return pdf_response(report.content, report.filename)


@patient_required
@require_GET
def portal_progress(request: HttpRequest) -> HttpResponse:
    patient, episodes = services.portal_progress(request.user)  # type: ignore[arg-type]
    return render(request, "reports/portal_progress.html", {"patient": patient, "episodes": episodes})


@staff_required
@require_GET
def clinic_dashboard(request: HttpRequest) -> HttpResponse:
    start, end = request.GET.get("start"), request.GET.get("end")
    errors: dict[str, list[str]] = {}
    try:
        board = services.clinic_dashboard(request.user, start=start, end=end)  # type: ignore[arg-type]
    except InvalidInput as exc:
        errors = exc.errors
        board = services.clinic_dashboard(request.user)  # type: ignore[arg-type]
    return render(
        request,
        "reports/dashboard.html",
        {
            "board": board,
            "errors": errors,
            "start": start if errors else board.start.isoformat(),
            "end": end if errors else board.end.isoformat(),
            "ae_chart": svg(board.adverse_events.chart_svg) if board.adverse_events else "",
        },
        status=422 if errors else 200,
    )
