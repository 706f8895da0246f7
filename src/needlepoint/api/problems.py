"""Errors as RFC 9457 problem details, each naming the offending field."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from needlepoint.errors import InvalidInput, ServiceError

PROBLEM = "application/problem+json"


def problem(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    title: str,
    detail: str,
    errors: list[dict[str, str]] | None = None,
    **extra: Any,
) -> HttpResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if errors is not None:
        body["errors"] = errors
    body.update(extra)
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = PROBLEM
    return response


def _field_name(loc: list[Any] | tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    # ninja prefixes with the parameter source and name: ("body", "payload", "sex") -> "sex"
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form"):
        parts = parts[1:]
        if len(parts) > 1 and parts[0] in ("payload", "data", "filters"):
            parts = parts[1:]
    return ".".join(parts) or "body"


def document_problem_responses(schema: Any) -> Any:
    """Error responses are sent as application/problem+json; say so in the OpenAPI document."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content")
                if str(status).startswith(("4", "5")) and content and "application/json" in content:
                    response["content"] = {PROBLEM: content["application/json"]}
    return schema


def install(api: NinjaAPI) -> None:
    @api.exception_handler(NinjaValidationError)
    def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [{"field": _field_name(e.get("loc", ())), "message": str(e.get("msg", "invalid"))} for e in exc.errors]
        fields = ", ".join(sorted({e["field"] for e in errors}))
        return problem(api, request, 422, "Invalid input", f"Check these fields: {fields}.", errors)

    @api.exception_handler(InvalidInput)
    def _invalid(request: HttpRequest, exc: InvalidInput) -> HttpResponse:
        errors = [{"field": f, "message": m} for f, msgs in exc.errors.items() for m in msgs]
        return problem(api, request, 422, exc.title, exc.detail, errors)

    @api.exception_handler(ServiceError)
    def _service(request: HttpRequest, exc: ServiceError) -> HttpResponse:
        return problem(api, request, exc.status, exc.title, exc.detail)

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem(api, request, 404, "Not found", "Not found.")

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = problem(api, request, 401, "Unauthorized", "Send a valid API token: Authorization: Bearer <token>.")
        response["WWW-Authenticate"] = 'Bearer realm="needlepoint"'
        return response

    @api.exception_handler(HttpError)
    def _http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return problem(api, request, exc.status_code, "Error", str(exc))
