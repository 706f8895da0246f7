"""Who may open the home-programme routes: every route answers 404 to another clinic's staff, to
patients on staff routes, to staff on portal routes, and for a patient/episode/exercise that do not
belong together, exactly as for an id that never existed; nothing changes. Signed-out users are sent
to the login."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.test import Client
from tests.base import make_user
from tests.integration.test_homecare_helpers import ZERO, HomecareTestCase, dose_data

from needlepoint.accounts.models import User
from needlepoint.audit.models import AuditEvent
from needlepoint.homecare.models import ExerciseAssignment

HTMX = {"HX-Request": "true"}
STAFF_GET = [
    "/patients/{patient}/episodes/{episode}/exercises/",
    "/patients/{patient}/episodes/{episode}/exercises/?partial=library",
    "/patients/{patient}/episodes/{episode}/exercises/?add=chin-tuck",
    "/patients/{patient}/episodes/{episode}/exercises.pdf",
]
STAFF_POST = [
    "/patients/{patient}/episodes/{episode}/exercises/assign/",
    "/patients/{patient}/episodes/{episode}/exercises/{assignment}/dose/",
    "/patients/{patient}/episodes/{episode}/exercises/{assignment}/stop/",
]
PORTAL_GET = ["/portal/exercises/", "/portal/exercises.pdf"]


class AccessTests(HomecareTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.assignment = self.give("upper-trapezius-stretch", notes="Keep the shoulder down.")
        self.ids = {"patient": self.pat_record.pk, "episode": self.episode.pk, "assignment": self.assignment.pk}
        self.snapshot = list(ExerciseAssignment.objects.values())

    def paths(self, templates: list[str], **ids: Any) -> list[str]:
        return [t.format(**{**self.ids, **ids}) for t in templates]

    def refused(self, user: Any, *, gets: list[str], posts: list[str]) -> None:
        self.client = Client(enforce_csrf_checks=True)
        self.login(user)
        token = self.token()
        reads = AuditEvent.objects.filter(object_type="homecare.programme").count()
        for path in gets:
            for headers in ({}, HTMX):
                response = self.client.get(path, headers=headers)
                assert response.status_code == 404, (user.username, path, response.status_code)
                assert b"Upper trapezius" not in response.content and b"Keep the shoulder" not in response.content
            response = self.client.post(path, {"csrfmiddlewaretoken": token})
            assert response.status_code == 404, (user.username, "POST", path, response.status_code)
        for path in posts:
            data = {
                "csrfmiddlewaretoken": token,
                "assign-exercise_id": "chin-tuck",
                **dose_data(self.assignment, reps=9),
            }
            for headers in ({}, HTMX):
                response = self.client.post(path, data, headers=headers)
                assert response.status_code == 404, (user.username, path, response.status_code)
            # The wrong method too: 404, never a 405 that would confirm the ids.
            assert self.client.get(path).status_code == 404, (user.username, "GET", path)
        assert list(ExerciseAssignment.objects.values()) == self.snapshot
        assert AuditEvent.objects.filter(object_type="homecare.programme").count() == reads

    def test_another_clinics_staff_get_404_everywhere(self) -> None:
        self.refused(self.charlie, gets=self.paths(STAFF_GET), posts=self.paths(STAFF_POST))

    def test_patients_get_404_on_staff_routes_even_for_their_own_record(self) -> None:
        self.refused(self.pat, gets=self.paths(STAFF_GET), posts=self.paths(STAFF_POST))

    def test_staff_get_404_in_the_portal(self) -> None:
        for user in (self.alice, self.ada, self.fran, self.charlie):
            self.refused(user, gets=PORTAL_GET, posts=[])

    def test_mismatched_ids_answer_404(self) -> None:
        self.login(self.alice)
        olive_assignment = self.give("glute-bridge", episode=self.olive_episode)
        self.snapshot = list(ExerciseAssignment.objects.values())
        mismatched = [
            # Olive's episode under Pat's id, and the reverse.
            *self.paths(STAFF_GET, episode=self.olive_episode.pk),
            *self.paths(STAFF_GET, patient=self.olive.pk),
            # Another clinic's episode and patient, and ids that never existed.
            *self.paths(STAFF_GET, patient=self.bruno.pk, episode=self.bruno_episode.pk),
            *self.paths(STAFF_GET, episode=ZERO),
        ]
        posts = [
            *self.paths(STAFF_POST, assignment=olive_assignment.pk),  # Olive's exercise under Pat's episode
            *self.paths(STAFF_POST, assignment=ZERO),
            *self.paths(STAFF_POST, patient=self.olive.pk),
        ]
        posts = [p for p in posts if "assign/" not in p or str(self.olive.pk) in p]
        self.refused(self.alice, gets=mismatched, posts=posts)

    def test_unknown_and_foreign_ids_answer_alike(self) -> None:
        self.login(self.charlie)
        strip = re.compile(rb'"X-CSRFToken": "[^"]+"|name="csrfmiddlewaretoken" value="[^"]+"')
        foreign = self.client.get(self.url())
        missing = self.client.get(f"/patients/{ZERO}/episodes/{ZERO}/exercises/")
        assert foreign.status_code == missing.status_code == 404
        assert strip.sub(b"", foreign.content) == strip.sub(b"", missing.content)

    def test_signed_out_users_go_to_the_login(self) -> None:
        self.client = Client()
        for path in self.paths(STAFF_GET) + PORTAL_GET:
            response = self.client.get(path)
            assert response.status_code == 302 and response["Location"].startswith("/login/"), path

    def test_the_clinics_own_staff_may_read(self) -> None:
        for user in (self.alice, self.bob, self.ada, self.fran):
            self.client.force_login(user)
            assert self.client.get(self.url()).status_code == 200, user.username
            assert self.client.get(self.pdf_url()).status_code == 200, user.username

    def test_another_patient_sees_only_their_own_programme(self) -> None:
        olive_login = make_user("olive", self.clinic, "patient", "Olive", "Brennan")
        self.olive.user = olive_login
        self.olive.save()
        self.give("glute-bridge", episode=self.olive_episode)
        self.client.force_login(olive_login)
        page = self.client.get("/portal/exercises/")
        assert [a.exercise_id for a, _ in page.context["items"]] == ["glute-bridge"]
        assert b"Upper trapezius" not in page.content and b"Keep the shoulder" not in page.content

    def test_the_queryset_is_scoped_like_every_patient_record(self) -> None:
        olive = self.give("glute-bridge", episode=self.olive_episode)
        bruno = self.give("chin-tuck", episode=self.bruno_episode, actor=self.charlie)
        visible = ExerciseAssignment.objects.visible_to
        assert set(visible(self.fran)) == {self.assignment, olive}
        assert set(visible(self.charlie)) == {bruno}
        assert set(visible(self.pat)) == {self.assignment}
        assert not visible(AnonymousUser()).exists()
        User.objects.filter(pk=self.pat.pk).update(is_active=False)
        self.pat.refresh_from_db()
        assert not visible(self.pat).exists()
