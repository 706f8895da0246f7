"""Every route is classified, and every route that shows a record refuses outsiders with 404.

Adding a URL without classifying it here fails ``test_every_route_is_classified``: a new page
cannot ship without its isolation test.
"""

from __future__ import annotations

import re

from django.urls import URLPattern, URLResolver, get_resolver
from tests.base import ClinicTestCase

from needlepoint.audit.models import AuditEvent

# Routes showing or changing one patient's record: {patient} is filled in.
PATIENT_PAGES = [
    "/patients/{patient}/",
    "/patients/{patient}/edit/",
    "/patients/{patient}/screening/new/",
    "/patients/{patient}/consent/",
    "/patients/{patient}/episodes/new/",
    "/patients/{patient}/consent/sign/",
    "/patients/{patient}/appointments/new/",
]
PATIENT_API = [("get", "/api/v1/patients/{patient}"), ("patch", "/api/v1/patients/{patient}")]
# Routes without a record in the path, open to any signed-in member of the right role.
STAFF_PAGES = [
    "/",
    "/patients/",
    "/patients/new/",
    "/clinic/team/",
    "/atlas/",
    "/atlas/finder/",
    "/screening/rules/",
    "/atlas/muscles/upper-trapezius/",
    "/atlas/conditions/neck-pain/",
    "/clinic/dashboard/",
    "/schedule/",
    "/schedule/new/",
]
ADMIN_PAGES = ["/schedule/rules/", "/clinic/audit/", "/clinic/consent-forms/", "/clinic/consent-forms/new/"]
PATIENT_ONLY_PAGES = [
    "/portal/",
    "/portal/screening/",
    "/portal/consent/",
    "/portal/exercises/",
    "/portal/questionnaires/",
    "/portal/progress/",
    "/portal/appointments/",
    "/portal/appointments/book/",
]
PUBLIC = [
    "/login/",
    "/logout/",
    "/healthz",
    "/api/openapi.json",
    "/api/docs",
    "/learn/",
    "/learn/conditions/",
    "/learn/conditions/neck-pain/",
    "/learn/risks/",
    "/learn/sources/",
    "/learn/what-is-dry-needling/",
    "/self-check/",
    "/clinics/front-range/practitioners/",
]
API_COLLECTIONS = ["/api/v1/patients", "/api/v1/appointments"]
ADMIN_PREFIX = "/admin/"

CLASSIFIED = {
    "",
    "login/",
    "logout/",
    "healthz",
    "portal/",
    "patients/",
    "patients/new/",
    "clinic/team/",
    "clinic/audit/",
    "patients/<uuid:patient_id>/screening/new/",
    "patients/<uuid:patient_id>/screening/<uuid:screening_id>/",
    "patients/<uuid:patient_id>/screening/<uuid:screening_id>/override/",
    "clinic/consent-forms/",
    "clinic/consent-forms/new/",
    "clinic/consent-forms/<id:form_id>/",
    "clinic/consent-forms/<id:form_id>/publish/",
    "clinic/consent-forms/<id:form_id>/discard/",
    "portal/consent/",
    "portal/consent/<id:record_id>/withdraw/",
    "portal/consent/<id:record_id>.pdf",
    "patients/<uuid:patient_id>/consent/",
    "patients/<uuid:patient_id>/consent/sign/",
    "patients/<uuid:patient_id>/consent/<id:record_id>/withdraw/",
    "patients/<uuid:patient_id>/consent/<id:record_id>.pdf",
    "portal/screening/",
    "portal/screening/result/",
    "self-check/",
    "screening/rules/",
    "patients/<uuid:patient_id>/episodes/new/",
    "episodes/<uuid:episode_id>/",
    "episodes/<uuid:episode_id>/visits/new/",
    # the plan, discharge and reopening: outsiders and the patient login get 404
    # (tests/integration/test_discharge_pages.py)
    "episodes/<uuid:episode_id>/plan/",
    "patients/<uuid:patient_id>/episodes/<uuid:episode_id>/discharge/",
    "patients/<uuid:patient_id>/episodes/<uuid:episode_id>/reopen/",
    "visits/<uuid:visit_id>/",
    "visits/<uuid:visit_id>/pain-drawing/",
    "visits/<uuid:visit_id>/pain-ratings/",
    "visits/<uuid:visit_id>/notes/",
    "visits/<uuid:visit_id>/findings/",
    "visits/<uuid:visit_id>/findings/<id:finding_id>/remove/",
    "visits/<uuid:visit_id>/needles/",
    "visits/<uuid:visit_id>/needles/check/",
    "visits/<uuid:visit_id>/needles/confirm/",
    "visits/<uuid:visit_id>/needles/<id:insertion_id>/",
    "visits/<uuid:visit_id>/needles/<id:insertion_id>/remove/",
    "visits/<uuid:visit_id>/co-interventions/",
    "visits/<uuid:visit_id>/co-interventions/<id:row_id>/remove/",
    "visits/<uuid:visit_id>/adverse-events/",
    "visits/<uuid:visit_id>/sign/check/",
    "visits/<uuid:visit_id>/sign/",
    "visits/<uuid:visit_id>/discard/",
    "visits/<uuid:visit_id>/addenda/",
    "visits/<uuid:visit_id>/note.pdf",
    "visits/<uuid:visit_id>/aftercare.pdf",
    "visits/<uuid:visit_id>/superbill.pdf",
    "portal/aftercare/<uuid:visit_id>/",
    "portal/aftercare/<uuid:visit_id>.pdf",
    "api/v1/episodes",
    # outsiders and the patient login: tests/api/test_episodes_api.py
    "api/v1/episodes/<episode_id>",
    "api/v1/episodes/<episode_id>/discharge",
    "api/v1/episodes/<episode_id>/reopen",
    "api/v1/visits",
    "api/v1/visits/<visit_id>",
    "api/v1/visits/<visit_id>/findings",
    "api/v1/visits/<visit_id>/insertions",
    "api/v1/visits/<visit_id>/adverse-events",
    "api/v1/visits/<visit_id>/sign",
    "api/v1/visits/<visit_id>/addenda",
    "api/v1/screenings",
    # stores and reads nothing of a patient; only clinicians: tests/api/test_safety_check_api.py
    "api/v1/safety-checks",
    "api/v1/patients/<patient_id>/screenings",
    "api/v1/patients/<patient_id>/screenings/<screening_id>",
    "learn/",
    "learn/conditions/",
    "learn/conditions/<slug:condition_id>/",
    "learn/risks/",
    "learn/sources/",
    "learn/<slug:topic_id>/",
    "atlas/",
    "atlas/finder/",
    "atlas/finder/results/",
    "atlas/muscles/<slug:muscle_id>/",
    "atlas/conditions/<slug:condition_id>/",
    "api/v1/atlas/regions",
    "api/v1/atlas/muscles",
    "api/v1/atlas/muscles/<muscle_id>",
    "api/v1/atlas/conditions",
    "api/v1/atlas/conditions/<condition_id>",
    "api/v1/suggest",
    "patients/<uuid:patient_id>/",
    "patients/<uuid:patient_id>/edit/",
    "api/",
    "api/openapi.json",
    "api/docs",
    "api/v1/patients",
    "api/v1/patients/<patient_id>",
    # home exercise programme (outsiders: tests/integration/test_homecare_access.py)
    "patients/<uuid:patient_id>/episodes/<uuid:episode_id>/exercises/",
    "patients/<uuid:patient_id>/episodes/<uuid:episode_id>/exercises/assign/",
    "patients/<uuid:patient_id>/episodes/<uuid:episode_id>/exercises/<uuid:assignment_id>/dose/",
    "patients/<uuid:patient_id>/episodes/<uuid:episode_id>/exercises/<uuid:assignment_id>/stop/",
    "patients/<uuid:patient_id>/episodes/<uuid:episode_id>/exercises.pdf",
    "portal/exercises/",
    "portal/exercises.pdf",
    # outcomes (outsiders: tests/integration/test_outcomes_*.py and tests/api/test_outcomes_api.py)
    "patients/<uuid:patient_id>/episodes/<uuid:episode_id>/outcomes/",
    "patients/<uuid:patient_id>/episodes/<uuid:episode_id>/outcomes/measurements/",
    "patients/<uuid:patient_id>/episodes/<uuid:episode_id>/outcomes/measurements/form/",
    "patients/<uuid:patient_id>/episodes/<uuid:episode_id>/outcomes/measurements/<uuid:measurement_id>/entered-in-error/",
    "patients/<uuid:patient_id>/episodes/<uuid:episode_id>/outcomes/responses/<uuid:response_id>/entered-in-error/",
    "patients/<uuid:patient_id>/episodes/<uuid:episode_id>/outcomes/questionnaires/<slug:questionnaire_id>/",
    "api/v1/episodes/<episode_id>/outcomes",
    "api/v1/episodes/<episode_id>/measurements",
    "api/v1/measurements/<measurement_id>/entered-in-error",
    # questionnaire invitations and the one-time link (public: only a valid token opens anything)
    "q/<str:token>/",
    "portal/questionnaires/",
    "portal/questionnaires/<uuid:invitation_id>/",
    "patients/<uuid:patient_id>/episodes/<uuid:episode_id>/invitations/",
    "patients/<uuid:patient_id>/episodes/<uuid:episode_id>/invitations/follow-ups/",
    "patients/<uuid:patient_id>/episodes/<uuid:episode_id>/invitations/<uuid:invitation_id>/cancel/",
    # reports (outsiders: tests/integration/test_reports_*.py)
    "patients/<uuid:patient_id>/episodes/<uuid:episode_id>/progress-report.pdf",
    "portal/progress/",
    "clinic/dashboard/",
    # appointments (outsiders: tests/integration/test_scheduling_isolation.py)
    "schedule/",
    "schedule/new/",
    "schedule/rules/",
    "schedule/appointments/<uuid:appointment_id>/",
    "schedule/appointments/<uuid:appointment_id>/status/",
    "schedule/appointments/<uuid:appointment_id>/cancel/",
    "patients/<uuid:patient_id>/appointments/new/",
    "portal/appointments/",
    "portal/appointments/book/",
    "portal/appointments/<uuid:appointment_id>/cancel/",
    "api/v1/appointments",
    "api/v1/appointments/<appointment_id>",
    "api/v1/appointments/<appointment_id>/cancel",
    # public practitioner directory (tests/integration/test_directory.py)
    "clinics/<slug:clinic_slug>/practitioners/",
}


def _walk(patterns: list, prefix: str = "") -> list[str]:  # type: ignore[type-arg]
    routes = []
    for p in patterns:
        if isinstance(p, URLResolver):
            sub = prefix + str(p.pattern)
            if sub.startswith("admin/"):
                continue  # Django admin: superusers only, covered in test_admin_is_for_superusers
            routes.extend(_walk(p.url_patterns, sub))
        elif isinstance(p, URLPattern):
            routes.append(prefix + str(p.pattern).lstrip("^").rstrip("$"))
    return routes


class RouteRegistryTests(ClinicTestCase):
    def test_every_route_is_classified(self) -> None:
        routes = set(_walk(get_resolver().url_patterns))
        unclassified = routes - CLASSIFIED
        assert not unclassified, f"classify these routes in test_isolation.py: {sorted(unclassified)}"


class OutsiderGets404Tests(ClinicTestCase):
    def _pages(self, pid: object) -> list[str]:
        return [p.format(patient=pid) for p in PATIENT_PAGES]

    def test_charlie_cannot_see_front_range_records(self) -> None:
        self.login(self.charlie)
        for path in self._pages(self.olive.pk):
            response = self.client.get(path)
            assert response.status_code == 404, path
            assert b"Olive" not in response.content and b"Brennan" not in response.content

    def test_charlie_cannot_post_to_front_range_records(self) -> None:
        self.login(self.charlie)
        self.client.get("/patients/")
        token = self.client.cookies["csrftoken"].value
        response = self.client.post(
            f"/patients/{self.olive.pk}/edit/", {"csrfmiddlewaretoken": token, "given_name": "Hacked"}
        )
        assert response.status_code == 404
        self.olive.refresh_from_db()
        assert self.olive.given_name == "Olive"

    def test_unknown_and_foreign_ids_answer_alike(self) -> None:
        self.login(self.charlie)
        foreign = self.client.get(f"/patients/{self.olive.pk}/")
        missing = self.client.get("/patients/00000000-0000-4000-8000-000000000000/")
        assert foreign.status_code == missing.status_code == 404
        strip = re.compile(rb'"X-CSRFToken": "[^"]+"|name="csrfmiddlewaretoken" value="[^"]+"')
        assert strip.sub(b"", foreign.content) == strip.sub(b"", missing.content)

    def test_patient_cannot_open_staff_pages_even_for_own_record(self) -> None:
        self.login(self.pat)
        for path in self._pages(self.pat_record.pk) + self._pages(self.olive.pk) + STAFF_PAGES[1:]:
            assert self.client.get(path).status_code == 404, path
        assert self.client.get("/").status_code == 302  # home sends patients to their portal

    def test_only_clinic_admins_open_admin_pages(self) -> None:
        for user in (self.alice, self.fran, self.pat, self.charlie):
            self.login(user)
            for path in ADMIN_PAGES:
                assert self.client.get(path).status_code == 404, (user.username, path)
        self.login(self.ada)
        for path in ADMIN_PAGES:
            assert self.client.get(path).status_code == 200, path

    def test_staff_cannot_open_the_patient_portal(self) -> None:
        self.login(self.alice)
        assert self.client.get("/portal/").status_code == 404

    def test_api_refuses_outsiders_with_404(self) -> None:
        for method, template in PATIENT_API:
            path = template.format(patient=self.olive.pk)
            for outsider in (self.charlie, self.pat):
                response = getattr(self.api(outsider), method)(path, data={}, content_type="application/json")
                assert response.status_code == 404, (outsider.username, method, path)
                assert b"Olive" not in response.content

    def test_failed_reads_leave_no_chart_read_in_the_audit(self) -> None:
        self.login(self.charlie)
        self.client.get(f"/patients/{self.olive.pk}/")
        assert not AuditEvent.objects.filter(action="read", object_id=str(self.olive.pk)).exists()


class SignedOutTests(ClinicTestCase):
    def test_pages_redirect_to_login(self) -> None:
        for path in STAFF_PAGES + ADMIN_PAGES + PATIENT_ONLY_PAGES + self_pages(self.olive.pk):
            response = self.client.get(path)
            assert response.status_code == 302 and response["Location"].startswith("/login/"), path

    def test_api_needs_a_token(self) -> None:
        for path in API_COLLECTIONS + [t.format(patient=self.olive.pk) for _, t in PATIENT_API]:
            response = self.client.get(path)
            assert response.status_code == 401, path
            assert response["Content-Type"] == "application/problem+json"

    def test_public_routes_answer(self) -> None:
        for path in PUBLIC:
            if path == "/logout/":
                continue  # POST only
            assert self.client.get(path).status_code == 200, path

    def test_admin_is_for_superusers(self) -> None:
        self.login(self.ada)
        response = self.client.get("/admin/patients/")
        assert response.status_code in (302, 404)
        assert self.client.get("/admin/").status_code == 302  # to the admin login


def self_pages(pid: object) -> list[str]:
    return [p.format(patient=pid) for p in PATIENT_PAGES]
