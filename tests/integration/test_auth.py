from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.test import Client
from tests.base import ClinicTestCase

from needlepoint.audit.models import AuditEvent

ROOT = Path(__file__).resolve().parents[2]


class LoginTests(ClinicTestCase):
    def _attempt(self, password: str, client: Client | None = None):  # type: ignore[no-untyped-def]
        client = client or self.client
        client.get("/login/")
        token = client.cookies["csrftoken"].value
        return client.post("/login/", {"username": "alice", "password": password, "csrfmiddlewaretoken": token})

    def test_login_with_csrf_token_works_and_is_audited(self) -> None:
        response = self._attempt("correct-horse-battery")
        assert response.status_code == 302 and response["Location"] == "/"
        assert AuditEvent.objects.filter(action="login", actor_name="Alice Chen").exists()

    def test_login_without_csrf_token_is_refused(self) -> None:
        response = self.client.post("/login/", {"username": "alice", "password": "correct-horse-battery"})
        assert response.status_code == 403

    def test_wrong_password_is_refused_and_audited(self) -> None:
        response = self._attempt("wrong")
        assert response.status_code == 200 and b"Please enter a correct username" in response.content
        assert AuditEvent.objects.filter(action="login_failed", object_repr="alice").exists()

    def test_account_locks_after_repeated_failures(self) -> None:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self._attempt("wrong")
        response = self._attempt("correct-horse-battery")  # even the right password is refused now
        assert response.status_code == 429
        assert b"temporarily locked" in response.content
        # Bob is not affected by Alice's lockout
        other = Client(enforce_csrf_checks=True)
        other.get("/login/")
        ok = other.post(
            "/login/",
            {
                "username": "bob",
                "password": "correct-horse-battery",
                "csrfmiddlewaretoken": other.cookies["csrftoken"].value,
            },
        )
        assert ok.status_code == 302

    def test_logout_needs_post_with_csrf(self) -> None:
        self.login(self.alice)
        assert self.client.get("/logout/").status_code == 405
        assert self.client.post("/logout/").status_code == 403
        self.client.get("/")
        response = self.client.post("/logout/", {"csrfmiddlewaretoken": self.client.cookies["csrftoken"].value})
        assert response.status_code == 302
        assert self.client.get("/").status_code == 302  # signed out

    def test_forms_refuse_posts_without_csrf(self) -> None:
        self.login(self.alice)
        response = self.client.post("/patients/new/", {"given_name": "A", "family_name": "B"})
        assert response.status_code == 403
        assert b"form has expired" in response.content


class SessionTests(ClinicTestCase):
    def test_idle_session_expires(self) -> None:
        self.login(self.alice)
        assert self.client.get("/").status_code == 200
        session = self.client.session
        session.set_expiry(-1)  # as if the idle period had passed
        session.save()
        response = self.client.get("/")
        assert response.status_code == 302 and response["Location"].startswith("/login/")

    def test_sessions_are_short_lived_and_end_with_the_browser(self) -> None:
        assert settings.SESSION_COOKIE_AGE == settings.NEEDLEPOINT.session_idle_minutes * 60 <= 60 * 60
        assert settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_passwords_are_hashed_with_argon2_in_the_configuration() -> None:
    from needlepoint import settings as configured

    assert configured.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_production_settings_pass_check_deploy(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "NEEDLEPOINT", "DATABASE"))}
    env |= {
        "NEEDLEPOINT_ENV": "production",
        "NEEDLEPOINT_SECRET_KEY": "k7#Qz!x2Lr9@vB4m^Np8&Ws1*Ty6(Uc3)Ge5-Hf0=Jd+Ka_Lb%Mn",
        "NEEDLEPOINT_ALLOWED_HOSTS": "clinic.example.org",
        "NEEDLEPOINT_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "needlepoint.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
