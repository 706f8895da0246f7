"""The needlepoint command: clear errors, never a traceback."""

from __future__ import annotations

import pytest
from tests.base import ClinicTestCase
from tests.cli import run

from needlepoint.accounts.models import User


class CliTests(ClinicTestCase):
    @pytest.fixture(autouse=True)
    def _capsys(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys

    def test_createuser(self) -> None:
        code, out, _ = run(
            self.capsys,
            "createuser",
            "--username",
            "dora",
            "--clinic",
            "front-range",
            "--role",
            "clinician",
            "--first-name",
            "Dora",
            "--password",
            "long-enough-pass",
        )
        assert code == 0 and "created dora" in out
        dora = User.objects.get(username="dora")
        assert dora.clinic == self.clinic and dora.role == "clinician" and hasattr(dora, "practitioner")

    def test_createuser_names_every_bad_argument(self) -> None:
        code, _, err = run(
            self.capsys,
            "createuser",
            "--username",
            "alice",
            "--clinic",
            "nowhere",
            "--role",
            "wizard",
            "--password",
            "short",
        )
        assert code == 1
        assert "clinic: no clinic 'nowhere'" in err and "role: unknown role 'wizard'" in err
        assert "username: 'alice' is taken" in err and "password:" in err
        assert "Traceback" not in err

    def test_missing_option_is_a_usage_error(self) -> None:
        code, _, err = run(self.capsys, "createuser", "--username", "x")
        assert code == 2 and "Missing option" in err and "Traceback" not in err

    def test_token_create_prints_a_working_token(self) -> None:
        code, out, _ = run(self.capsys, "token", "create", "--user", "alice")
        token = out.strip()
        assert code == 0 and token.startswith("np_")
        from django.test import Client

        response = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/patients")
        assert response.status_code == 200 and response.json()["count"] == 2

    def test_token_for_unknown_user(self) -> None:
        code, _, err = run(self.capsys, "token", "create", "--user", "nobody")
        assert code == 1 and "no active user 'nobody'" in err

    def test_check_reports_health(self) -> None:
        code, out, _ = run(self.capsys, "check")
        assert code == 0
        assert "database connection" in out and "migrations" in out


def test_unknown_command_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "frobnicate")
    assert code == 2 and "No such command" in err


def test_bad_configuration_is_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import subprocess
    import sys

    env = {**os.environ, "DATABASE_URL": "mysql://nope/db", "NEEDLEPOINT_DATA_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-m", "needlepoint.cli", "check"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "DATABASE_URL: unsupported scheme 'mysql'" in result.stderr and "Traceback" not in result.stderr
