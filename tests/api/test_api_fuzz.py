"""Property-based API tests (schemathesis): every operation, fed generated input, answers
within its documented contract and never with a server error."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from needlepoint.accounts.models import Clinic, Role, User
from needlepoint.accounts.services import issue_token
from needlepoint.wsgi import application


@pytest.fixture
def api_schema(db: None) -> Iterator[schemathesis.BaseSchema]:
    # As Django's test client does: keep the test transaction's connection open across requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(db: None) -> dict[str, str]:
    clinic = Clinic.objects.create(name="Fuzz Clinic", slug="fuzz")
    User.objects.create_user("fuzzer", password="x-long-password", clinic=clinic, role=Role.CLINICIAN)
    return {"Authorization": f"Bearer {issue_token(username='fuzzer').secret}"}


def test_api_honours_its_schema(api_schema: schemathesis.BaseSchema, bearer: dict[str, str]) -> None:
    # schemathesis' own pytest plugin does not support pytest 9 yet; drive it through Hypothesis.
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 4
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case: schemathesis.Case) -> None:
            # A request can be valid by the schema yet refused by a clinical rule (a date of birth
            # in the future): 422 naming the field is the right answer, so that check is off.
            case.call_and_validate(headers=bearer, excluded_checks=[positive_data_acceptance])

        check()
