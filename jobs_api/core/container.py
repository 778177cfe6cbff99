"""The process-wide resources built once at start-up (lifespan or worker start)."""

from __future__ import annotations

from dataclasses import dataclass, field

from redis import Redis
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from jobs_api.core.db import build_engine, build_session_factory
from jobs_api.core.queue import QueueConnection, connect_queue
from jobs_api.core.search import SearchBackend, build_search_backend
from jobs_api.core.settings import Settings


@dataclass
class Container:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    queue: QueueConnection
    search: SearchBackend
    extras: dict[str, object] = field(default_factory=dict)

    @property
    def redis(self) -> Redis | None:
        return self.queue.redis

    def close(self) -> None:
        self.search.close()
        self.queue.close()
        self.engine.dispose()


def build_container(settings: Settings) -> Container:
    engine = build_engine(settings.resolved_database_url())
    return Container(
        settings=settings,
        engine=engine,
        session_factory=build_session_factory(engine),
        queue=connect_queue(settings),
        search=build_search_backend(settings),
    )
