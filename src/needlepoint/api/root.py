"""The REST API: /api/v1/..., OpenAPI at /api/openapi.json, docs at /api/docs."""

from __future__ import annotations

from ninja import NinjaAPI

from needlepoint import __version__
from needlepoint.api import problems
from needlepoint.api.auth import BearerToken
from needlepoint.patients.api import router as patients_router

api = NinjaAPI(
    title="Needlepoint API",
    version=f"v1 ({__version__})",
    description=(
        "Clinic data for trigger-point dry needling. Every call is scoped to the clinic of the "
        "token's user; records of other clinics answer 404. Errors are problem details "
        "(application/problem+json) naming each field."
    ),
    auth=BearerToken(),
    openapi_url="/openapi.json",
    docs_url="/docs",
    urls_namespace="api",
)
problems.install(api)
api.add_router("/v1/patients", patients_router)
