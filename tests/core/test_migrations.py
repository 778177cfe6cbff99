"""Alembic migrations build exactly the schema the models declare, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from jobs_api.core.container import Container
from jobs_api.core.db import Base
from jobs_api.core.schema import upgrade_schema
from jobs_api.model_registry import import_all_models


def test_migrated_schema_matches_models(container: Container) -> None:
    import_all_models()
    with container.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_every_model_table_exists(container: Container) -> None:
    import_all_models()
    tables = set(inspect(container.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_upgrade_is_idempotent(container: Container) -> None:
    upgrade_schema(container.engine)
    upgrade_schema(container.engine)
    with container.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() is not None
