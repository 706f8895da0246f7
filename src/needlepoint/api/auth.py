from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from needlepoint.accounts.services import user_for_token


class BearerToken(HttpBearer):
    """``Authorization: Bearer np_…``; tokens come from ``needlepoint token create``."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is None:
            return None
        request.user = user
        return user
