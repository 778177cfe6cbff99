"""The ASGI application: mounts every package's router and registers handlers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from employer_verification.api import router as verification_router
from employer_verification.web_pages import router as verification_pages_router
from jobs_api.agreements.api import api_router as agreements_router
from jobs_api.applications.api import api_router as applications_router
from jobs_api.core.container import Container, build_container
from jobs_api.core.error_handlers import install_error_handlers
from jobs_api.core.errors import error_responses
from jobs_api.core.middleware import RequestContextMiddleware
from jobs_api.core.outbox import handler_registry
from jobs_api.core.settings import Settings, get_settings
from jobs_api.employers.api import api_router as employers_router
from jobs_api.fairs.api import api_router as fairs_router
from jobs_api.graduates.api import api_router as graduates_router
from jobs_api.health.api import router as health_router
from jobs_api.health.service import service_version
from jobs_api.identity.api import build_router as build_identity_router
from jobs_api.inbox.api import router as inbox_router
from jobs_api.interviews.api import router as interviews_router
from jobs_api.jobs.api import api_router as jobs_router
from jobs_api.jobs.search_api import router as job_search_router
from jobs_api.jobs.search_index import ensure_current_job_index
from jobs_api.reference.api import router as reference_router
from jobs_api.registry.api import router as registry_router
from jobs_api.web import install_web
from jobs_api.wiring import install_services, register_event_handlers
from matching.push.api import router as push_router
from matching.push.pages import router as notification_pages_router
from matching.recommend.api import router as recommendations_router
from matching.recommend.pages import router as recommendation_pages_router


def create_app(settings: Settings | None = None, container: Container | None = None) -> FastAPI:
    """Build the app. A given ``container`` is used as is (tests); otherwise one is built at
    start-up from ``settings`` and closed at shutdown."""
    settings = settings or (container.settings if container else get_settings())
    settings.check_production_safety()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = container is None
        active = container or build_container(settings)
        register_event_handlers(handler_registry, active)
        install_services(active)
        ensure_current_job_index(active.session_factory, active.search)  # rebuilds a stale one
        app.state.container = active
        try:
            yield
        finally:
            if owned:
                active.close()

    app = FastAPI(
        title="gradmatch",
        version=service_version(),
        description="高校毕业生就业服务平台 — employment matching for university graduates",
        lifespan=lifespan,
        responses=error_responses(422),
    )
    install_error_handlers(app)
    app.add_middleware(RequestContextMiddleware)
    app.include_router(health_router)
    app.include_router(reference_router)
    app.include_router(build_identity_router(settings))
    app.include_router(graduates_router)
    app.include_router(registry_router)
    app.include_router(verification_router)
    app.include_router(employers_router)
    app.include_router(job_search_router)  # before jobs_router: /jobs/search, not /jobs/{id}
    app.include_router(jobs_router)
    app.include_router(applications_router)
    app.include_router(inbox_router)
    app.include_router(agreements_router)
    app.include_router(interviews_router)
    app.include_router(fairs_router)
    app.include_router(push_router)
    app.include_router(recommendations_router)
    app.include_router(verification_pages_router)
    app.include_router(recommendation_pages_router)
    app.include_router(notification_pages_router)
    install_web(app)
    return app
