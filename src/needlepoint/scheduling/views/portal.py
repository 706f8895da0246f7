"""The patient's side: their own appointments, booking a free time, cancelling within the rules."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from needlepoint.accounts.models import User
from needlepoint.errors import Conflict, InvalidInput
from needlepoint.patients.models import Patient
from needlepoint.scheduling import services
from needlepoint.scheduling.forms import CancelForm, OwnBookingForm, SlotSearchForm
from needlepoint.scheduling.models import Appointment
from needlepoint.web.access import patient_required

WEEK = 7


def _own(request: HttpRequest) -> Patient | None:
    return Patient.objects.visible_to(request.user).select_related("clinic", "primary_clinician").first()


def _unlinked(request: HttpRequest, title: str) -> HttpResponse:
    return render(request, "scheduling/portal_unlinked.html", {"title": title})


@patient_required
def portal_appointments(request: HttpRequest) -> HttpResponse:
    patient = _own(request)
    if patient is None:
        return _unlinked(request, "Your appointments")
    upcoming, past = services.my_appointments(request.user)  # type: ignore[arg-type]
    booking = services.rules_for(patient.clinic)
    return render(
        request,
        "scheduling/portal_list.html",
        {
            "patient": patient,
            "upcoming": [(a, services.cancel_policy(a)) for a in upcoming],
            "past": past[:20],
            "rules": booking,
            "cancel_hours": int(booking.cancel_notice.total_seconds() // 3600),
            "can_book": bool(services.online_sites(patient)),
        },
    )


def _search(request: HttpRequest, patient: Patient) -> tuple[SlotSearchForm, dict[str, Any]]:
    """Read where, with whom, what and from which day; find the free times of that week."""
    sites = services.online_sites(patient)
    kinds = services.kinds_online(patient)
    query = request.GET if "site" in request.GET else None
    site_id = (query or {}).get("site") or (
        str(patient.home_site_id) if patient.home_site_id in {s.pk for s in sites} else str(sites[0].pk)
    )
    site = next((s for s in sites if str(s.pk) == str(site_id)), sites[0])
    people = services.online_clinicians(site)
    form = SlotSearchForm(
        query,
        initial={
            "site": str(site.pk),
            "clinician": str(patient.primary_clinician_id)
            if patient.primary_clinician_id in {c.pk for c in people}
            else "",
            "kind": Appointment.Kind.FOLLOW_UP,
            "day": timezone.localdate(timezone=services.rules_for(patient.clinic).tz),
        },
        sites=sites,
        clinicians=people,
        kinds=kinds,
    )
    booking = services.rules_for(patient.clinic)
    today = timezone.localdate(timezone=booking.tz)
    found: dict[str, Any] = {"site": site, "days": [], "today": today}
    if query is not None and not form.is_valid():
        return form, found
    data = form.cleaned_data if query is not None else {k: form.initial.get(k) for k in ("clinician", "kind")}
    clinician = data.get("clinician") or ""
    kind = data.get("kind") or Appointment.Kind.FOLLOW_UP
    start = max((data.get("day") if query is not None else None) or today, today)
    try:
        days = services.free_slots(
            request.user,  # type: ignore[arg-type]
            site_id=site.pk,
            kind=kind,
            clinician_id=clinician or None,
            start_day=start,
            days=WEEK,
        )
    except InvalidInput as exc:
        form.add_service_errors(exc.errors)
        return form, found
    params = {"site": site.pk, "clinician": clinician, "kind": kind}
    last_day = today + dt.timedelta(days=booking.days_ahead)
    found.update(
        days=days,
        closed_days=[d.day for d in days if not d.is_open],
        kind=kind,
        clinician=clinician,
        start=start,
        earlier_url=f"?{urlencode({**params, 'day': (start - dt.timedelta(days=WEEK)).isoformat()})}"
        if start > today
        else "",
        later_url=f"?{urlencode({**params, 'day': (start + dt.timedelta(days=WEEK)).isoformat()})}"
        if start + dt.timedelta(days=WEEK) <= last_day
        else "",
        query=urlencode({**params, "day": start.isoformat()}),
    )
    return form, found


@patient_required
def portal_book(request: HttpRequest) -> HttpResponse:
    """GET: choose a site, a clinician (or any), then a free time in a week; ?slot=…&with=… shows
    the confirmation. POST: book that time."""
    user: User = request.user  # type: ignore[assignment]
    patient = _own(request)
    if patient is None:
        return _unlinked(request, "Book an appointment")
    if not services.online_sites(patient):
        return render(request, "scheduling/portal_book.html", {"patient": patient, "no_sites": True})
    confirm: OwnBookingForm | None = None
    status = 200
    if request.method == "POST":
        confirm = OwnBookingForm(request.POST)
        if confirm.is_valid():
            try:
                appointment = services.book_own(user, **confirm.service_data())
            except InvalidInput as exc:
                confirm.add_service_errors(exc.errors)
            except Conflict as exc:
                confirm.add_error(None, exc.detail)
            else:
                booking = services.rules_for(patient.clinic)
                messages.success(
                    request,
                    f"Booked: {timezone.localtime(appointment.starts_at, booking.tz):%A %d %B at %H:%M} "
                    f"with {appointment.clinician.display_name} at {appointment.site.name}.",
                )
                return redirect("portal-appointments")
        status = 422
    form, found = _search(request, patient)
    chosen = _chosen_slot(request, found) if confirm is None else _posted_slot(confirm, found)
    if chosen is not None and confirm is None:
        confirm = OwnBookingForm(
            initial={
                "site": found["site"].pk,
                "clinician": chosen.clinician_id,
                "kind": found.get("kind", Appointment.Kind.FOLLOW_UP),
                "starts_at": chosen.starts_at.isoformat(),
            }
        )
    if form.errors and request.method == "GET":
        status = 422
    return render(
        request,
        "scheduling/portal_book.html",
        {
            "patient": patient,
            "form": form,
            "found": found,
            "chosen": chosen,
            "confirm": confirm,
            "rules": services.rules_for(patient.clinic),
            "cancel_hours": int(services.rules_for(patient.clinic).cancel_notice.total_seconds() // 3600),
            "list_url": reverse("portal-appointments"),
        },
        status=status,
    )


def _chosen_slot(request: HttpRequest, found: dict[str, Any]) -> services.Slot | None:
    """The free time picked from the list (?slot=ISO&with=clinician id), if it is still free."""
    slot, with_id = request.GET.get("slot", ""), request.GET.get("with", "")
    for day in found["days"]:
        for free in day.slots:
            if free.starts_at.isoformat() == slot and str(free.clinician_id) == with_id:
                return free  # type: ignore[no-any-return]
    return None


def _posted_slot(confirm: OwnBookingForm, found: dict[str, Any]) -> services.Slot | None:
    data = confirm.cleaned_data if confirm.is_valid() else {}
    start, clinician = data.get("starts_at"), data.get("clinician")
    if start is None or clinician is None:
        return None
    name = next((f.clinician_name for d in found["days"] for f in d.slots if f.clinician_id == clinician), "")
    return services.Slot(start, clinician, name)


@patient_required
def portal_cancel(request: HttpRequest, appointment_id: str) -> HttpResponse:
    """GET: are you sure (or why it cannot be done online); POST: cancel."""
    user: User = request.user  # type: ignore[assignment]
    appointment = services.find_appointment(user, appointment_id)
    policy = services.cancel_policy(appointment)
    form = CancelForm(request.POST or None, required=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_own(user, appointment.pk, reason=form.cleaned_data["reason"])
        except InvalidInput as exc:
            form.add_service_errors(exc.errors)
        except Conflict as exc:
            messages.error(request, exc.detail)
            return redirect("portal-appointments")
        else:
            messages.success(request, "Your appointment is cancelled.")
            return redirect("portal-appointments")
    return render(
        request,
        "scheduling/portal_cancel.html",
        {"a": appointment, "policy": policy, "form": form},
        status=422 if form.errors else 200,
    )
