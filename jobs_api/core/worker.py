"""The background worker: the outbox relay in a thread and an rq worker in the main thread."""

from __future__ import annotations

import logging
import threading

from rq import SimpleWorker

from jobs_api.core import worker_context
from jobs_api.core.container import Container
from jobs_api.core.outbox.relay import run_relay
from jobs_api.core.queue import ALL_QUEUES

log = logging.getLogger(__name__)


def start_relay_thread(container: Container, stop: threading.Event) -> threading.Thread:
    settings = container.settings
    thread = threading.Thread(
        target=run_relay,
        args=(container.session_factory, container.queue, stop),
        kwargs={
            "batch_size": settings.outbox_batch_size,
            "lease_seconds": settings.outbox_lease_seconds,
        },
        name="outbox-relay",
        daemon=True,
    )
    thread.start()
    return thread


def run_worker(container: Container, *, burst: bool = False, with_relay: bool = True) -> None:
    """Process queued jobs until stopped (or, with ``burst``, until the queues are empty)."""
    worker_context.install(container)
    stop = threading.Event()
    relay = start_relay_thread(container, stop) if with_relay else None
    try:
        queues = [container.queue.queue(name) for name in ALL_QUEUES]
        # Jobs run in this process (no fork per job), so what the container loads once — the
        # embedding model, the in-memory vector indexes — serves every job and its changes
        # persist between jobs (a forked work-horse would lose them).
        worker = SimpleWorker(queues, connection=container.queue.redis)
        log.info("worker listening on %s", ", ".join(ALL_QUEUES))
        worker.work(burst=burst, with_scheduler=not burst, logging_level="WARNING")
    finally:
        stop.set()
        if relay is not None:
            relay.join(timeout=5)
        worker_context.uninstall()
