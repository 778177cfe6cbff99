"""Imports every package's models so that ``Base.metadata`` knows all tables (Alembic, tests).

Part of the composition root: domain packages never import this module.
"""

from __future__ import annotations

import importlib

MODEL_MODULES = (
    "jobs_api.core.outbox.models",
    "jobs_api.core.audit",
    "jobs_api.identity.models",
    "jobs_api.reference.models",
    "jobs_api.universities.models",
    "jobs_api.registry.models",
    "jobs_api.graduates.models",
    "jobs_api.employers.models",
    "jobs_api.jobs.models",
    "jobs_api.inbox.models",
    "jobs_api.fairs.models",
    "jobs_api.applications.models",
    "jobs_api.interviews.models",
    "jobs_api.agreements.models",
    "employer_verification.models",
    "matching.models",
    "matching.push.models",
)


def import_all_models() -> None:
    for module in MODEL_MODULES:
        importlib.import_module(module)
