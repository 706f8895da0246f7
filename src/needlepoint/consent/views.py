"""Consent pages: forms for the clinic administrator, signing in the portal and on a clinic tablet."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from needlepoint.consent import services
from needlepoint.consent.forms import ConsentFormEditForm, PublishForm, SignForm, WithdrawForm
from needlepoint.consent.models import ConsentForm, ConsentRecord
from needlepoint.errors import Conflict, InvalidInput
from needlepoint.patients.models import Patient
from needlepoint.patients.services import find_patient
from needlepoint.web.access import clinic_admin_required, patient_required, staff_required

# --- clinic administrators: the versioned form ------------------------------------------


@clinic_admin_required
def form_list(request: HttpRequest) -> HttpResponse:
    forms = services.list_forms(request.user)  # type: ignore[arg-type]
    return render(
        request,
        "consent/form_list.html",
        {
            "forms": forms,
            "published": next((f for f in forms if f.status == "published"), None),
            "drafts": [f for f in forms if f.is_draft],
            "issued": [f for f in forms if not f.is_draft],
        },
    )


@clinic_admin_required
def form_new(request: HttpRequest) -> HttpResponse:
    clinic_id = request.user.clinic_id  # type: ignore[union-attr]
    if request.method == "POST":
        form = ConsentFormEditForm(request.POST)
        if form.is_valid():
            try:
                draft = services.create_draft(request.user, form.service_data())  # type: ignore[arg-type]
            except InvalidInput as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, "Draft saved. Check it, then publish it when it is ready.")
                return redirect("consent-form-detail", form_id=draft.pk)
    else:
        form = ConsentFormEditForm(initial=services.starting_content(clinic_id))
    latest = ConsentForm.objects.filter(clinic_id=clinic_id).issued().first()
    return render(
        request,
        "consent/form_edit.html",
        {"edit_form": form, "consent_form": None, "based_on": latest},
        status=422 if form.errors else 200,
    )


def _detail(request: HttpRequest, consent_form: ConsentForm, **extra: Any) -> HttpResponse:
    has_published = services.published_form(consent_form.clinic_id) is not None
    context: dict[str, Any] = {
        "consent_form": consent_form,
        "edit_form": None,
        "publish_form": PublishForm(has_published=has_published) if consent_form.is_draft else None,
        "has_published": has_published,
        "next_minor": services.next_version(consent_form.clinic_id, "minor"),
        "next_major": services.next_version(consent_form.clinic_id, "major"),
        "signed_count": consent_form.records.count() if not consent_form.is_draft else 0,
    }
    if consent_form.is_draft:
        context["edit_form"] = ConsentFormEditForm(initial=services.form_content(consent_form))
    context.update(extra)
    has_errors = any(f is not None and f.is_bound and f.errors for f in (context["edit_form"], context["publish_form"]))
    return render(request, "consent/form_detail.html", context, status=422 if has_errors else 200)


@clinic_admin_required
def form_detail(request: HttpRequest, form_id: int) -> HttpResponse:
    consent_form = services.find_form(request.user, form_id)  # type: ignore[arg-type]
    if request.method != "POST":
        return _detail(request, consent_form)
    edit = ConsentFormEditForm(request.POST)
    if edit.is_valid():
        try:
            services.update_draft(request.user, consent_form.pk, edit.service_data())  # type: ignore[arg-type]
        except InvalidInput as exc:
            edit.add_service_errors(exc)
        except Conflict as exc:
            messages.error(request, exc.detail)
            return redirect("consent-form-detail", form_id=consent_form.pk)
        else:
            messages.success(request, "Draft saved.")
            return redirect("consent-form-detail", form_id=consent_form.pk)
    return _detail(request, consent_form, edit_form=edit)


@clinic_admin_required
@require_POST
def form_publish(request: HttpRequest, form_id: int) -> HttpResponse:
    consent_form = services.find_form(request.user, form_id)  # type: ignore[arg-type]
    has_published = services.published_form(consent_form.clinic_id) is not None
    publish_form = PublishForm(request.POST, has_published=has_published)
    if publish_form.is_valid():
        try:
            published = services.publish(request.user, consent_form.pk, publish_form.cleaned_data["level"])  # type: ignore[arg-type]
        except InvalidInput as exc:
            for field, problems in exc.errors.items():
                for problem in problems:
                    publish_form.add_error(None, f"{field}: {problem}")
        except Conflict as exc:
            messages.error(request, exc.detail)
            return redirect("consent-form-detail", form_id=consent_form.pk)
        else:
            note = " Every patient must sign it before their next needling." if published.minor == 0 else ""
            messages.success(request, f"Published {published.version_label.lower()}.{note}")
            return redirect("consent-form-list")
    return _detail(request, consent_form, publish_form=publish_form)


@clinic_admin_required
@require_POST
def form_discard(request: HttpRequest, form_id: int) -> HttpResponse:
    try:
        services.discard_draft(request.user, form_id)  # type: ignore[arg-type]
    except Conflict as exc:
        messages.error(request, exc.detail)
        return redirect("consent-form-detail", form_id=form_id)
    messages.success(request, "Draft discarded.")
    return redirect("consent-form-list")


# --- signing (shared by the portal and the tablet) --------------------------------------


def _sign(request: HttpRequest, patient: Patient, sign_form: SignForm) -> ConsentRecord | None:
    if not sign_form.is_valid():
        return None
    try:
        return services.sign(request.user, patient.pk, **sign_form.service_kwargs())  # type: ignore[arg-type]
    except InvalidInput as exc:
        sign_form.add_service_errors(exc)
    except Conflict as exc:
        sign_form.add_error(None, exc.detail)
    return None


def _sign_form(request: HttpRequest) -> SignForm:
    # The template writes the current form's id itself, so after "a newer version was published"
    # the patient reads the new text and the next submission signs that version.
    return SignForm(request.POST if request.method == "POST" else None)


def _pdf_response(record: ConsentRecord) -> HttpResponse:
    response = HttpResponse(bytes(record.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{services.pdf_filename(record)}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- the patient portal -----------------------------------------------------------------


def _own_patient(request: HttpRequest) -> Patient | None:
    return Patient.objects.visible_to(request.user).select_related("clinic").first()


@patient_required
def portal_consent(request: HttpRequest) -> HttpResponse:
    patient = _own_patient(request)
    if patient is None:
        return render(request, "consent/portal.html", {"patient": None})
    consent_form = services.published_form(patient.clinic_id)
    sign_form = _sign_form(request)
    if request.method == "POST":
        record = _sign(request, patient, sign_form)
        if record is not None:
            messages.success(request, f"Thank you. Your consent to {record.form.version_label.lower()} is saved.")
            return redirect("portal-consent")
    _, records = services.consent_history(request.user, patient.pk)  # type: ignore[arg-type]
    summary = services.consent_summary(patient)
    show_form = request.method == "POST" or not summary.is_current or request.GET.get("sign") == "again"
    return render(
        request,
        "consent/portal.html",
        {
            "patient": patient,
            "summary": summary,
            "records": records,
            "consent_form": consent_form,
            "sign_form": sign_form,
            "show_form": show_form and consent_form is not None,
            "newer_form": summary.is_current
            and summary.record
            and consent_form
            and summary.record.form_id != consent_form.pk,
        },
        status=422 if sign_form.errors else 200,
    )


@patient_required
def portal_consent_withdraw(request: HttpRequest, record_id: int) -> HttpResponse:
    record = services.find_record(request.user, record_id)  # type: ignore[arg-type]
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw(request.user, record.pk, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
        except InvalidInput as exc:
            form.add_service_errors(exc)
        except Conflict as exc:
            messages.error(request, exc.detail)
            return redirect("portal-consent")
        else:
            messages.success(
                request, "Your consent is withdrawn. No further dry needling will be done unless you sign again."
            )
            return redirect("portal-consent")
    return render(
        request,
        "consent/withdraw.html",
        {
            "record": record,
            "form": form,
            "patient": record.patient,
            "for_staff": False,
            "back": reverse("portal-consent"),
        },
        status=422 if form.errors else 200,
    )


@patient_required
def portal_consent_pdf(request: HttpRequest, record_id: int) -> HttpResponse:
    return _pdf_response(services.open_pdf(request.user, record_id))  # type: ignore[arg-type]


# --- clinic staff: the patient's consent, signing on a tablet ---------------------------


@staff_required
def patient_consent(request: HttpRequest, patient_id: str) -> HttpResponse:
    patient, records = services.consent_history(request.user, patient_id)  # type: ignore[arg-type]
    return render(
        request,
        "consent/patient_consent.html",
        {"patient": patient, "records": records, "summary": services.consent_summary(patient)},
    )


@staff_required
def patient_consent_sign(request: HttpRequest, patient_id: str) -> HttpResponse:
    patient = find_patient(request.user, patient_id)  # type: ignore[arg-type]
    consent_form = services.published_form(patient.clinic_id)
    sign_form = _sign_form(request)
    if request.method == "POST":
        record = _sign(request, patient, sign_form)
        if record is not None:
            messages.success(
                request,
                f"{patient.full_name} signed {record.form.version_label.lower()}, witnessed by you. The PDF is saved.",
            )
            return redirect("patient-consent", patient_id=patient.pk)
    return render(
        request,
        "consent/tablet_sign.html",
        {"patient": patient, "consent_form": consent_form, "sign_form": sign_form},
        status=422 if sign_form.errors else 200,
    )


@staff_required
def patient_consent_withdraw(request: HttpRequest, patient_id: str, record_id: int) -> HttpResponse:
    record = services.find_record(request.user, record_id, patient_id=patient_id)  # type: ignore[arg-type]
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw(
                request.user,  # type: ignore[arg-type]
                record.pk,
                reason=form.cleaned_data["reason"],
                patient_id=record.patient_id,
            )
        except InvalidInput as exc:
            form.add_service_errors(exc)
        except Conflict as exc:
            messages.error(request, exc.detail)
            return redirect("patient-consent", patient_id=record.patient_id)
        else:
            messages.success(request, f"Consent withdrawn for {record.patient.full_name}.")
            return redirect("patient-consent", patient_id=record.patient_id)
    return render(
        request,
        "consent/withdraw.html",
        {
            "record": record,
            "form": form,
            "patient": record.patient,
            "for_staff": True,
            "back": reverse("patient-consent", kwargs={"patient_id": record.patient_id}),
        },
        status=422 if form.errors else 200,
    )


@staff_required
def patient_consent_pdf(request: HttpRequest, patient_id: str, record_id: int) -> HttpResponse:
    return _pdf_response(services.open_pdf(request.user, record_id, patient_id=patient_id))  # type: ignore[arg-type]
