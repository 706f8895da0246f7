from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from needlepoint.errors import InvalidInput
from needlepoint.patients import services
from needlepoint.patients.forms import PatientForm
from needlepoint.patients.readiness import readiness
from needlepoint.scheduling.services import upcoming_for_patient
from needlepoint.web.access import staff_required


@staff_required
def patient_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    try:
        page_number = min(max(1, int(request.GET.get("page", "1"))), services.MAX_PAGE)
    except ValueError:
        page_number = 1
    page = services.list_patients(request.user, search=query, page=page_number, page_size=25)  # type: ignore[arg-type]
    context = {"page": page, "query": query}
    template = "patients/_results.html" if request.htmx else "patients/list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@staff_required
def patient_detail(request: HttpRequest, patient_id: str) -> HttpResponse:
    patient = services.open_chart(request.user, patient_id)  # type: ignore[arg-type]
    upcoming = upcoming_for_patient(request.user, patient.pk)  # type: ignore[arg-type]
    return render(
        request, "patients/detail.html", {"patient": patient, "upcoming": upcoming, "readiness": readiness(patient)}
    )


@staff_required
def patient_create(request: HttpRequest) -> HttpResponse:
    form = PatientForm(request.POST or None, clinic_id=request.user.clinic_id)  # type: ignore[union-attr]
    if request.method == "POST" and form.is_valid():
        try:
            patient = services.create_patient(request.user, form.service_data())  # type: ignore[arg-type]
        except InvalidInput as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"Added {patient.full_name} ({patient.chart_number}).")
            return redirect("patient-detail", patient_id=patient.pk)
    return render(request, "patients/form.html", {"form": form, "patient": None}, status=422 if form.errors else 200)


@staff_required
def patient_edit(request: HttpRequest, patient_id: str) -> HttpResponse:
    patient = services.find_patient(request.user, patient_id)  # type: ignore[arg-type]
    form = PatientForm(request.POST or None, instance=patient, clinic_id=patient.clinic_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_patient(request.user, patient.pk, form.service_data())  # type: ignore[arg-type]
        except InvalidInput as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "Saved.")
            return redirect("patient-detail", patient_id=patient.pk)
    return render(request, "patients/form.html", {"form": form, "patient": patient}, status=422 if form.errors else 200)
