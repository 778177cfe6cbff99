"""The container a worker process runs its jobs with.

rq jobs are module-level functions that take ids; they reach the database, search and queue
through the container that the worker's start-up (``gradmatch worker``) installed here.
"""

from __future__ import annotations

from jobs_api.core.container import Container

_current: Container | None = None


def install(container: Container) -> None:
    global _current
    _current = container


def uninstall() -> None:
    global _current
    _current = None


def current() -> Container:
    if _current is None:
        raise RuntimeError("no worker container installed; start jobs with `gradmatch worker`")
    return _current
