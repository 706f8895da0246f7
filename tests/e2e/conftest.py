from __future__ import annotations

import os
from typing import Any

import pytest
from tests.conftest import CHROMIUM

# Playwright's sync API runs an event loop in this thread; the live server's database calls are
# still synchronous and thread-safe for tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(pytest.mark.e2e)


@pytest.fixture
def sign_in(page: Any, live_server: Any) -> Any:
    """Sign in through the login form, then land on ``next`` (default: home)."""

    def do(username: str, password: str = "correct-horse-battery", next_path: str = "/") -> None:
        page.goto(f"{live_server.url}/login/?next={next_path}")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()

    return do
