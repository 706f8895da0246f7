from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from needlepoint.audit.models import AuditEvent
from needlepoint.patients import services as patients
from needlepoint.patients.models import Patient
from needlepoint.scheduling.services import todays_appointments, upcoming_for_patient
from needlepoint.web.access import patient_required, signed_in


@signed_in
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_patient_user:  # type: ignore[union-attr]
        return redirect("portal-home")
    appointments = todays_appointments(user)  # type: ignore[arg-type]
    recent_ids = list(
        AuditEvent.objects.filter(actor_id=user.pk, action=AuditEvent.Action.READ, object_type="patients.patient")
        .order_by("-seq")
        .values_list("object_id", flat=True)[:40]
    )
    seen: list[str] = []
    for pid in recent_ids:
        if pid not in seen:
            seen.append(pid)
    recent_map = {str(p.pk): p for p in Patient.objects.visible_to(user).filter(pk__in=seen[:8])}
    recent = [recent_map[pid] for pid in seen[:8] if pid in recent_map]
    return render(
        request,
        "web/home.html",
        {
            "appointments": appointments,
            "recent": recent,
            "patient_count": Patient.objects.visible_to(user).count(),
        },
    )


@patient_required
def portal_home(request: HttpRequest) -> HttpResponse:
    record = Patient.objects.visible_to(request.user).first()
    patient = patients.open_chart(request.user, record.pk) if record else None  # type: ignore[arg-type]
    upcoming = upcoming_for_patient(request.user, patient.pk) if patient else []  # type: ignore[arg-type]
    return render(request, "web/portal_home.html", {"patient": patient, "upcoming": upcoming})


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok"})
    except Exception:  # pragma: no cover - reported, not raised
        return JsonResponse({"status": "database unavailable"}, status=503)
