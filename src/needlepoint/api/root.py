"""The REST API: /api/v1/..., OpenAPI at /api/openapi.json, docs at /api/docs."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI

from needlepoint import __version__
from needlepoint.api import problems
from needlepoint.api.auth import BearerToken
from needlepoint.atlas.api import router as atlas_router
from needlepoint.atlas.api import suggest_router
from needlepoint.outcomes.api import episodes_router as outcomes_episodes_router
from needlepoint.outcomes.api import router as measurements_router
from needlepoint.patients.api import router as patients_router
from needlepoint.scheduling.api import router as scheduling_router
from needlepoint.screening.api import patient_router as screening_patient_router
from needlepoint.screening.api import router as screening_router
from needlepoint.visits.api import episodes_router, safety_router
from needlepoint.visits.api import router as visits_router


class NeedlepointAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return problems.document_problem_responses(schema)


api = NeedlepointAPI(
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
api.add_router("/v1/atlas", atlas_router)
api.add_router("/v1/suggest", suggest_router)
api.add_router("/v1/screenings", screening_router)
api.add_router("/v1/patients", screening_patient_router)
api.add_router("/v1/episodes", episodes_router)
api.add_router("/v1/visits", visits_router)
api.add_router("/v1/safety-checks", safety_router)
api.add_router("/v1/episodes", outcomes_episodes_router)
api.add_router("/v1/measurements", measurements_router)
api.add_router("/v1/appointments", scheduling_router)
