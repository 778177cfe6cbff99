"""Fixtures of the verification tests: a platform with reference data loaded."""

from __future__ import annotations

import pytest

from jobs_api.core.container import Container
from jobs_api.core.db import job_session
from jobs_api.reference.service import load_reference


@pytest.fixture
def platform_with_reference(container: Container) -> Container:
    with job_session(container.session_factory) as session:
        load_reference(session)
    return container
