"""Alembic migrations build exactly the schema the models declare, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select

from jobs_api.core.container import Container
from jobs_api.core.db import Base, job_session
from jobs_api.core.schema import alembic_config, upgrade_schema
from jobs_api.graduates.models import GraduateProfile
from jobs_api.model_registry import import_all_models
from jobs_api.reference.service import load_reference
from matching.models import MatchGraduateProvince, MatchVector
from tests.factories.graduates import make_record
from tests.factories.identity import make_university


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


def test_upgrading_to_0002_fills_the_provinces_of_graduates_with_a_vector(
    container: Container,
) -> None:
    settings = container.settings
    command.downgrade(alembic_config(container.engine), "0001")
    with job_session(container.session_factory) as session:
        load_reference(session)
        university = make_university(session)
        indexed, unindexed = (
            make_record(session, university, settings, student_number=f"2026{n}").record.id
            for n in (1, 2)
        )
        for record_id in (indexed, unindexed):
            session.add(
                GraduateProfile(
                    student_record_id=record_id,
                    intended_city_codes=["330100", "330200", "110105", "bad"],
                )
            )
        session.add(
            MatchVector(
                kind="graduate", entity_id=indexed, model="m", content_hash="h", vector=b"\0\0"
            )
        )

    upgrade_schema(container.engine)

    with container.session_factory() as session:
        rows = session.execute(
            select(MatchGraduateProvince.student_record_id, MatchGraduateProvince.province_code)
        ).all()
    assert sorted(rows) == [(indexed, "110000"), (indexed, "330000")]
