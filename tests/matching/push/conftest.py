"""Fixtures of the push tests: reference data and universities, the app with the outbox
wiring (``tests/employers/fixtures.py``), and verified graduates made by the real activation
service (with every consent unless told otherwise)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from jobs_api.core.container import Container
from jobs_api.graduates.models import ConsentPurpose
from jobs_api.identity.kit import IdentityKit
from jobs_api.identity.models import User
from tests.employers.fixtures import Campus, api, campus, db, kit, outbox
from tests.factories.graduates import make_graduate, make_record

__all__ = ["api", "campus", "db", "kit", "outbox"]

MakeGraduate = Callable[..., User]


@pytest.fixture
def graduate(db: Session, kit: IdentityKit, campus: Campus, container: Container) -> MakeGraduate:
    def make(
        *, consents: list[ConsentPurpose] | None = None, email: str | None = None, **flags: bool
    ) -> User:
        made = make_record(db, campus.zju, container.settings, **flags)
        user = make_graduate(db, kit, made, campus.zju, consents=consents)
        if email is not None:
            user.email = email
        db.flush()
        return user

    return make
