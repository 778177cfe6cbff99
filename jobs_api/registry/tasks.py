"""rq jobs of the registry: run an import (idempotent: a job for an import that is completed, or
being run by another worker, does nothing; a job for an interrupted one continues it)."""

from __future__ import annotations

import logging

from rq import Retry

from jobs_api.core import worker_context
from jobs_api.core.pii import PiiVault
from jobs_api.core.queue import DEFAULT_QUEUE, QueueConnection
from jobs_api.registry.config import RegistryConfig, registry_config
from jobs_api.registry.runner import run_import
from jobs_api.registry.storage import upload_dir

log = logging.getLogger(__name__)

RETRY_INTERVALS = [30, 120, 600]


def run_registry_import(import_id: int) -> str:
    container = worker_context.current()
    settings = container.settings
    report = run_import(
        container.session_factory,
        import_id,
        vault=PiiVault(settings.secret_key.get_secret_value()),
        upload_dir=upload_dir(settings),
        config=registry_config(container),
    )
    return report.status


def enqueue_import(queue: QueueConnection, import_id: int, config: RegistryConfig) -> None:
    """Queue the import's job; call only after the import row is committed."""
    try:
        queue.queue(DEFAULT_QUEUE).enqueue(
            run_registry_import,
            import_id,
            job_timeout=config.job_timeout_seconds,
            retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS),
            description=f"registry import {import_id}",
        )
    except Exception:  # the import stays queued; uploading the file again re-queues it
        log.exception("registry import %s: could not be queued", import_id)
