"""Fixtures for the registry tests: reference data, universities in two provinces, career
offices, and helpers that stage a file as an import and run it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from jobs_api.core.container import Container
from jobs_api.core.db import job_session
from jobs_api.core.pii import PiiVault
from jobs_api.identity.principal import Role
from jobs_api.reference.service import load_reference
from jobs_api.registry import service
from jobs_api.registry.config import RegistryConfig
from jobs_api.registry.models import RegistryImport, RegistryImportError, StudentRecord
from jobs_api.registry.runner import RunReport, run_import
from jobs_api.registry.storage import store_upload, upload_dir
from jobs_api.universities.models import University
from tests.factories.identity import Actor, make_university, make_user, sign_in

TODAY = date(2026, 3, 1)


@dataclass
class Campus:
    zju: University  # 浙江大学 10335, Zhejiang
    zjut: University  # 浙江工业大学 10337, Zhejiang
    nju: University  # 南京大学 10284, Jiangsu
    zju_office: Actor
    zjut_office: Actor
    nju_office: Actor


@pytest.fixture
def campus(container: Container) -> Campus:
    settings = container.settings
    with job_session(container.session_factory) as session:
        load_reference(session)
        zju = make_university(session, code="10335", name="浙江大学", city="330100")
        zjut = make_university(session, code="10337", name="浙江工业大学", city="330100")
        nju = make_university(session, code="10284", name="南京大学", city="320100")

        def office(university: University) -> Actor:
            user = make_user(session, Role.CAREER_OFFICE, settings, university_id=university.id)
            return sign_in(session, user, settings)

        return Campus(zju, zjut, nju, office(zju), office(zjut), office(nju))


@pytest.fixture
def vault(container: Container) -> PiiVault:
    return PiiVault(container.settings.secret_key.get_secret_value())


@pytest.fixture
def stage(container: Container, campus: Campus) -> Callable[..., int]:
    """Store ``path`` as an upload of ``office`` (default: 浙江大学's) and queue its import."""

    def staged(path: Path, office: Actor | None = None) -> int:
        actor = office or campus.zju_office
        with path.open("rb") as handle:
            stored = store_upload(handle, upload_dir(container.settings), 10 * 2**20)
        with job_session(container.session_factory) as session:
            return service.submit_import(session, actor.principal, stored, path.name).record.id

    return staged


@pytest.fixture
def run(container: Container, vault: PiiVault) -> Callable[..., RunReport]:
    def running(import_id: int, batch_size: int = 2_000, **options: Any) -> RunReport:
        config = options.pop("config", None) or RegistryConfig(batch_size=batch_size)
        return run_import(
            container.session_factory,
            import_id,
            vault=vault,
            upload_dir=upload_dir(container.settings),
            config=config,
            today=options.pop("today", TODAY),
            **options,
        )

    return running


@pytest.fixture
def read(container: Container) -> Callable[..., Any]:
    """Small committed-state readers: import, errors, records."""

    class Reader:
        def imp(self, import_id: int) -> RegistryImport:
            with container.session_factory() as session:
                found = session.get(RegistryImport, import_id)
                assert found is not None
                return found

        def errors(self, import_id: int) -> list[tuple[int, str | None, str]]:
            with container.session_factory() as session:
                rows = session.execute(
                    select(
                        RegistryImportError.line,
                        RegistryImportError.column,
                        RegistryImportError.code,
                    )
                    .where(RegistryImportError.import_id == import_id)
                    .order_by(RegistryImportError.line, RegistryImportError.id)
                ).all()
                return [(r.line, r.column, r.code) for r in rows]

        def messages(self, import_id: int) -> list[str]:
            with container.session_factory() as session:
                return list(
                    session.scalars(
                        select(RegistryImportError.message).where(
                            RegistryImportError.import_id == import_id
                        )
                    )
                )

        def records(self, university: University | None = None) -> list[StudentRecord]:
            with container.session_factory() as session:
                query = select(StudentRecord).order_by(StudentRecord.student_number)
                if university is not None:
                    query = query.where(StudentRecord.university_id == university.id)
                return list(session.scalars(query))

    return Reader()
