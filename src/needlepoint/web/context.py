from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from needlepoint import __version__


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "np_version": __version__,
        "np_clinic": getattr(user, "clinic", None) if user is not None and user.is_authenticated else None,
    }
