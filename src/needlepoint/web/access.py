"""View decorators: who may open which page. Outsiders get 404, never a hint."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from needlepoint.errors import Forbidden, NotFound

View = Callable[..., HttpResponse]


def _guard(allowed: Callable[[Any], bool]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not allowed(request.user):
                raise Http404
            try:
                return view(request, *args, **kwargs)
            except NotFound as exc:
                raise Http404 from exc
            except Forbidden as exc:
                raise PermissionDenied(exc.detail) from exc

        return wrapper

    return decorator


staff_required = _guard(lambda u: u.is_clinic_staff)
patient_required = _guard(lambda u: u.is_patient_user)
signed_in = _guard(lambda u: u.clinic_id is not None)
clinic_admin_required = _guard(lambda u: u.is_clinic_admin)
