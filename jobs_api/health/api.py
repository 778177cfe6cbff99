"""``GET /health``: public, no personal data; names each backend, its version and state."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from jobs_api.core.deps import ContainerDep
from jobs_api.health.schemas import HealthReport
from jobs_api.health.service import check_health
from jobs_api.identity.access import PUBLIC

router = APIRouter(tags=["health"], dependencies=[Depends(PUBLIC)])


@router.get(
    "/health",
    response_model=HealthReport,
    summary="Service and backend health (public)",
    responses={503: {"model": HealthReport, "description": "At least one backend is down"}},
)
def health(container: ContainerDep) -> JSONResponse:
    report = check_health(container)
    return JSONResponse(
        report.model_dump(mode="json"), status_code=200 if report.status == "ok" else 503
    )
