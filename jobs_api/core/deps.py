"""FastAPI dependencies shared by every router.

``get_session`` is the one commit point of a request: it commits after the route returns and
before the response is sent (``scope="function"``), so a failed commit is reported to the
client instead of a false success.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from jobs_api.core.container import Container
from jobs_api.core.search import SearchBackend
from jobs_api.core.settings import Settings


def get_container(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


def _session(request: Request) -> Iterator[Session]:
    session = get_container(request).session_factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


get_session = _session
SessionDep = Annotated[Session, Depends(_session, scope="function")]


def get_settings_dep(request: Request) -> Settings:
    return get_container(request).settings


def get_search(request: Request) -> SearchBackend:
    return get_container(request).search


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
SearchDep = Annotated[SearchBackend, Depends(get_search)]
ContainerDep = Annotated[Container, Depends(get_container)]
