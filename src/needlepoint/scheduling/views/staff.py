"""The clinic's side: the day view, booking (from the schedule or from a patient, with the plan of
care's suggested dates), moving and cancelling, and arrivals and missed visits (htmx)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from needlepoint.accounts.models import Site, User
from needlepoint.errors import Conflict, InvalidInput
from needlepoint.patients.models import Patient
from needlepoint.patients.services import find_patient
from needlepoint.scheduling import rules, services
from needlepoint.scheduling.forms import BookingForm, BookingRulesForm, CancelForm, RescheduleForm
from needlepoint.scheduling.models import Appointment
from needlepoint.scheduling.services.common import clinic_of, clinicians
from needlepoint.web.access import clinic_admin_required, staff_required


def parse_day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def parse_time(value: str | None) -> dt.time | None:
    try:
        return dt.time.fromisoformat(value) if value else None
    except ValueError:
        return None


def schedule_url(day: dt.date, **params: Any) -> str:
    query = {"day": day.isoformat(), **{k: v for k, v in params.items() if v not in (None, "")}}
    return f"{reverse('schedule')}?{urlencode(query)}"


def local_day(appointment: Appointment) -> dt.date:
    return appointment.starts_at.astimezone(services.rules_for(appointment.clinic).tz).date()


def warn_outside_hours(request: HttpRequest, booking: rules.BookingRules, appointment: Appointment) -> None:
    """Staff may book outside opening hours (a Saturday clinic, an early start); say so, so that a
    slip of the date or time is caught while it is easy to move."""
    if not rules.within_hours(booking, appointment.starts_at, appointment.duration_minutes):
        messages.warning(
            request, f"This is outside opening hours (open {booking.hours_text()}): check the clinician will be in."
        )


@staff_required
def schedule_day(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    who = request.GET.get("who", "")
    schedule = services.day_schedule(user, parse_day(request.GET.get("day")), who=who, site_id=request.GET.get("site"))
    site = schedule.site.pk if schedule.site else ""
    return render(
        request,
        "scheduling/day.html",
        {
            "schedule": schedule,
            "who": who,
            "people": list(clinicians(user.clinic_id)),  # type: ignore[arg-type]
            "own_column": user.is_clinician and len(schedule.columns) == 1 and schedule.columns[0].pk == user.pk,
            "prev_url": schedule_url(schedule.previous_day, who=who, site=site),
            "next_url": schedule_url(schedule.next_day, who=who, site=site),
            "today_url": schedule_url(schedule.today, who=who, site=site),
            "all_url": schedule_url(schedule.day, who="all", site=site),
            "mine_url": schedule_url(schedule.day, who="mine", site=site),
        },
    )


def _who_for(user: User, appointment: Appointment) -> str:
    """After booking or moving: the day with the appointment's column in view."""
    return "" if appointment.clinician_id == user.pk or not user.is_clinician else "all"


def _last_appointment(actor: User, patient: Patient) -> Appointment | None:
    return (
        Appointment.objects.visible_to(actor)
        .filter(patient=patient)
        .holding_time()
        .select_related("clinician")
        .order_by("-starts_at")
        .first()
    )


def _booking_page(request: HttpRequest, patient: Patient | None) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    clinic = clinic_of(user)
    booking = services.rules_for(clinic)
    people = list(clinicians(clinic.pk))
    sites = list(Site.objects.filter(clinic=clinic, is_active=True))
    plan = services.plan_of_care(user, patient.pk) if patient is not None else None
    last = _last_appointment(user, patient) if patient is not None else None
    query = request.GET
    initial: dict[str, Any] = {
        "patient": str(patient.pk) if patient is not None else query.get("patient", ""),
        "clinician": query.get("clinician")
        or (str(patient.primary_clinician_id) if patient is not None and patient.primary_clinician_id else "")
        or (str(last.clinician_id) if last else "")
        or (str(user.pk) if user.is_clinician else ""),
        "site": query.get("site")
        or (str(patient.home_site_id) if patient is not None and patient.home_site_id else "")
        or (str(sites[0].pk) if sites else ""),
        "kind": query.get("kind") if query.get("kind") in Appointment.Kind.values else Appointment.Kind.FOLLOW_UP,
        "day": parse_day(query.get("day"))
        or (plan.suggestions[0] if plan is not None and plan.suggestions else None)
        or rules.next_open_day(booking, timezone.localdate(timezone=booking.tz)),
        "time": parse_time(query.get("time"))
        or (timezone.localtime(last.starts_at, booking.tz).time() if last else booking.opens_at),
    }
    if patient is None and not initial["patient"]:
        initial.pop("patient")
    patients = (
        [patient] if patient is not None else Patient.objects.visible_to(user).order_by("family_name", "given_name")
    )
    form = BookingForm(request.POST or None, initial=initial, patients=patients, clinicians=people, sites=sites)
    if request.method == "POST" and form.is_valid():
        data = form.service_data(booking)
        try:
            appointment = services.book_appointment(user, **data)
        except InvalidInput as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(
                request,
                f"Booked: {appointment.patient.full_name} with {appointment.clinician.display_name}, "
                f"{timezone.localtime(appointment.starts_at, booking.tz):%a %d %b %H:%M}.",
            )
            warn_outside_hours(request, booking, appointment)
            if patient is not None:
                return redirect("patient-detail", patient_id=patient.pk)
            return redirect(schedule_url(local_day(appointment), who=_who_for(user, appointment)))
    suggestion_links = []
    if plan is not None:
        for day in plan.suggestions:
            params = {"day": day.isoformat(), "clinician": form["clinician"].value(), "site": form["site"].value()}
            params["time"] = f"{initial['time']:%H:%M}"
            suggestion_links.append((day, f"?{urlencode({k: v for k, v in params.items() if v})}"))
    return render(
        request,
        "scheduling/book.html",
        {
            "form": form,
            "patient": patient,
            "plan": plan,
            "suggestions": suggestion_links,
            "chosen_day": initial["day"],
            "rules": booking,
            "lengths": rules.DEFAULT_MINUTES,
        },
        status=422 if form.errors else 200,
    )


@staff_required
def appointment_new(request: HttpRequest) -> HttpResponse:
    patient_id = request.GET.get("patient")
    if patient_id and request.method == "GET":
        find_patient(request.user, patient_id)  # type: ignore[arg-type]  # 404 for someone else's patient
    return _booking_page(request, None)


@staff_required
def patient_appointment_new(request: HttpRequest, patient_id: str) -> HttpResponse:
    patient = find_patient(request.user, patient_id)  # type: ignore[arg-type]
    return _booking_page(request, patient)


def _back(request: HttpRequest, appointment: Appointment) -> str:
    return schedule_url(local_day(appointment), who=request.POST.get("who") or request.GET.get("who", ""))


@staff_required
def appointment_detail(request: HttpRequest, appointment_id: str) -> HttpResponse:
    """One appointment: what it is, and moving it (POST) to another time, clinician or site."""
    user: User = request.user  # type: ignore[assignment]
    appointment = services.find_appointment(user, appointment_id)
    booking = services.rules_for(appointment.clinic)
    local = timezone.localtime(appointment.starts_at, booking.tz)
    form = RescheduleForm(
        request.POST or None,
        initial={
            "day": local.date(),
            "time": local.time(),
            "clinician": str(appointment.clinician_id),
            "site": str(appointment.site_id),
            "duration_minutes": appointment.duration_minutes,
        },
        clinicians=clinicians(appointment.clinic_id),
        sites=Site.objects.filter(clinic_id=appointment.clinic_id, is_active=True),
    )
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.reschedule(user, appointment.pk, **form.service_data(booking))
        except InvalidInput as exc:
            form.add_service_errors(exc.errors)
        except Conflict as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, f"Moved to {timezone.localtime(moved.starts_at, booking.tz):%a %d %b %H:%M}.")
            warn_outside_hours(request, booking, moved)
            return redirect(schedule_url(local_day(moved), who=_who_for(user, moved)))
    return render(
        request,
        "scheduling/appointment.html",
        {
            "a": appointment,
            "form": form,
            "cancel_form": CancelForm(),
            "back_url": schedule_url(local_day(appointment)),
        },
        status=422 if form.errors else 200,
    )


def _after_action(request: HttpRequest, appointment_id: Any, error: str = "", status: int = 200) -> HttpResponse:
    """The appointment's card for htmx; without htmx, back to the day (with the message)."""
    appointment = services.find_appointment(request.user, appointment_id)  # type: ignore[arg-type]
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "scheduling/_appointment.html", {"a": appointment, "error": error}, status=status)
    if error:
        messages.error(request, error)
    return redirect(_back(request, appointment))


@staff_required
def appointment_status(request: HttpRequest, appointment_id: str) -> HttpResponse:
    """POST status=arrived|no_show|completed|booked."""
    appointment = services.find_appointment(request.user, appointment_id)  # type: ignore[arg-type]
    if request.method != "POST":  # after the lookup: outsiders get 404 whatever the method
        return HttpResponseNotAllowed(["POST"])
    try:
        services.set_status(request.user, appointment.pk, request.POST.get("status", ""))  # type: ignore[arg-type]
    except InvalidInput as exc:
        return _after_action(request, appointment.pk, "; ".join(m for ms in exc.errors.values() for m in ms), 422)
    except Conflict as exc:
        return _after_action(request, appointment.pk, exc.detail, 409)
    return _after_action(request, appointment.pk)


@staff_required
def appointment_cancel(request: HttpRequest, appointment_id: str) -> HttpResponse:
    """POST reason=… (or htmx's prompt answer, the HX-Prompt header)."""
    appointment = services.find_appointment(request.user, appointment_id)  # type: ignore[arg-type]
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    reason = request.POST.get("reason") or request.headers.get("HX-Prompt", "")
    try:
        services.cancel(request.user, appointment.pk, reason=reason)  # type: ignore[arg-type]
    except InvalidInput as exc:
        message = "; ".join(m for ms in exc.errors.values() for m in ms)
        if not request.htmx:  # type: ignore[attr-defined]
            messages.error(request, f"Not cancelled: {message}.")
            return redirect("appointment-detail", appointment_id=appointment.pk)
        return _after_action(request, appointment.pk, f"Not cancelled: {message}.", 422)
    except Conflict as exc:
        return _after_action(request, appointment.pk, exc.detail, 409)
    if not request.htmx:  # type: ignore[attr-defined]
        messages.success(request, f"Cancelled: {appointment.patient.full_name}, {appointment}.")
    return _after_action(request, appointment.pk)


@clinic_admin_required
def booking_rules(request: HttpRequest) -> HttpResponse:
    """The clinic's booking rules (administrators)."""
    user: User = request.user  # type: ignore[assignment]
    clinic = clinic_of(user)
    sites = list(Site.objects.filter(clinic=clinic, is_active=True))
    form = BookingRulesForm(request.POST or None, initial=BookingRulesForm.initial_for(clinic, sites), sites=sites)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_booking_rules(user, form.service_data(), online_site_ids=form.online_site_ids())
        except InvalidInput as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, "Booking rules saved.")
            return redirect("booking-rules")
    return render(
        request,
        "scheduling/booking_rules.html",
        {"form": form, "rules": services.rules_for(clinic)},
        status=422 if form.errors else 200,
    )
