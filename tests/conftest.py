"""Shared fixtures. Browser tests need Debian's Chromium: skipped with a message without it,
but never in CI (CI=true), where a missing browser is a failure."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("NEEDLEPOINT_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> None:
    # Argon2 is the configured hasher (tested in test_auth.py); tests hash hundreds of passwords,
    # so they use a fast one. Session scope: setUpTestData runs before function fixtures.
    from django.conf import settings

    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.path.exists(CHROMIUM) or shutil.which("chromium"):
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"CI must run the browser tests, but Chromium is missing at {CHROMIUM}")
    skip = pytest.mark.skip(reason=f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _flushable_signed_notes(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Signed notes refuse DELETE by trigger. Tests that flush the database between runs (browser
    tests on a live server) need the triggers lifted for the flush: on SQLite the flush deletes row
    by row (PostgreSQL truncates, which row triggers do not see). They are put back for each test."""
    if not {"transactional_db", "live_server"} & set(request.fixturenames):
        yield
        return
    request.getfixturevalue("transactional_db")
    from django.db import connection

    from needlepoint.visits import triggers

    triggers.install(connection)
    yield
    if connection.vendor == "sqlite":
        triggers.remove(connection)
