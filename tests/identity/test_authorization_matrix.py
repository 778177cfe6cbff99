"""Every route of the app × every role: who may call it, and a proof that the others cannot.

``EXPECTED`` is the authorization matrix, written down once more on purpose: a route that is
missing here, or whose declared rule disagrees with it, fails the suite. A route must declare
exactly one access rule (see ``jobs_api.identity.access``). Scope checks (which university,
province, employer or graduate) are tested per domain; here an allowed role must get past
the role check (no 401, no ``role_not_allowed``), and every other caller must not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from jobs_api.core.container import Container
from jobs_api.core.db import job_session
from jobs_api.identity.access import AccessRule
from jobs_api.identity.principal import Role
from jobs_api.reference.service import load_reference
from tests.factories.identity import Actor, make_actor
from tests.identity.matrix import ANYONE, SIGNED_IN, C, E, G, N, P, Row, area_rows

# (method, path) -> ANYONE or the roles allowed; newer areas keep theirs in tests/identity/matrix
CORE_ROWS: Row = {
    ("GET", "/health"): ANYONE,
    ("GET", "/"): ANYONE,
    ("GET", "/login"): ANYONE,
    ("GET", "/api/v1/reference/disciplines"): ANYONE,
    ("GET", "/api/v1/reference/major-categories"): ANYONE,
    ("GET", "/api/v1/reference/majors"): ANYONE,
    ("GET", "/api/v1/reference/majors/{code}"): ANYONE,
    ("GET", "/api/v1/reference/regions"): ANYONE,
    ("GET", "/api/v1/reference/industries"): ANYONE,
    ("GET", "/api/v1/reference/occupations"): ANYONE,
    ("GET", "/api/v1/reference/degree-levels"): ANYONE,
    ("GET", "/api/v1/reference/employer-types"): ANYONE,
    # identity: sign-in, sessions, passwords, own account, account administration
    ("POST", "/api/v1/auth/token"): ANYONE,
    ("POST", "/api/v1/auth/refresh"): ANYONE,
    ("POST", "/api/v1/auth/logout"): SIGNED_IN,
    ("POST", "/api/v1/auth/logout-all"): SIGNED_IN,
    ("POST", "/api/v1/auth/password"): SIGNED_IN,
    ("POST", "/api/v1/auth/password-reset/request"): ANYONE,
    ("POST", "/api/v1/auth/password-reset/confirm"): ANYONE,
    ("POST", "/api/v1/auth/activate"): ANYONE,
    ("GET", "/api/v1/me"): SIGNED_IN,
    ("POST", "/api/v1/admin/accounts"): frozenset({N, P}),
    ("POST", "/api/v1/employers/me/members"): frozenset({E}),
    ("GET", "/api/v1/dev/mailbox"): frozenset({N}),
    # graduates: activation, own profile / résumés / consents / export / deletion, the list
    ("POST", "/api/v1/graduates/activate"): ANYONE,
    ("POST", "/api/v1/graduates/activate/code"): ANYONE,
    ("POST", "/api/v1/graduates/activate/code/request"): ANYONE,
    ("POST", "/api/v1/graduates/cohorts/preactivate"): frozenset({C}),
    ("GET", "/api/v1/graduates/me/profile"): frozenset({G}),
    ("PUT", "/api/v1/graduates/me/profile"): frozenset({G}),
    ("PATCH", "/api/v1/graduates/me/profile"): frozenset({G}),
    ("GET", "/api/v1/graduates/me/resumes"): frozenset({G}),
    ("POST", "/api/v1/graduates/me/resumes"): frozenset({G}),
    ("GET", "/api/v1/graduates/me/resumes/{resume_id}/file"): frozenset({G}),
    ("POST", "/api/v1/graduates/me/resumes/{resume_id}/default"): frozenset({G}),
    ("DELETE", "/api/v1/graduates/me/resumes/{resume_id}"): frozenset({G}),
    ("GET", "/api/v1/graduates/me/consents"): frozenset({G}),
    ("POST", "/api/v1/graduates/me/consents"): frozenset({G}),
    ("GET", "/api/v1/graduates/me/export"): frozenset({G}),
    ("DELETE", "/api/v1/graduates/me"): frozenset({G}),
    ("GET", "/api/v1/graduates"): frozenset({C, P, N}),
    ("GET", "/api/v1/graduates/{record_id}"): frozenset({C, P, N}),
    # registry: 学籍 imports (career office uploads; admins read within their scope), templates
    ("POST", "/api/v1/registry/imports"): frozenset({C}),
    ("GET", "/api/v1/registry/imports"): frozenset({C, P, N}),
    ("GET", "/api/v1/registry/imports/{import_id}"): frozenset({C, P, N}),
    ("GET", "/api/v1/registry/imports/{import_id}/errors"): frozenset({C, P, N}),
    ("GET", "/api/v1/registry/imports/{import_id}/errors.csv"): frozenset({C, P, N}),
    ("GET", "/api/v1/registry/template.xlsx"): frozenset({C}),
    ("GET", "/api/v1/registry/template.csv"): frozenset({C}),
    # employer verification: reviewer queue and decisions (scope in the service), the
    # employer's own status, registry imports and blacklist (provincial + national admins)
    ("GET", "/api/v1/verification/queue"): frozenset({C, P, N}),
    ("GET", "/api/v1/verification/cases/{case_id}"): frozenset({C, P, N}),
    ("POST", "/api/v1/verification/cases/{case_id}/decision"): frozenset({C, P, N}),
    ("GET", "/api/v1/verification/employers/{employer_id}/status"): frozenset({E}),
    ("POST", "/api/v1/verification/registry/imports"): frozenset({P, N}),
    ("GET", "/api/v1/verification/registry/imports/{import_id}"): frozenset({P, N}),
    ("GET", "/api/v1/verification/blacklist"): frozenset({P, N}),
    ("POST", "/api/v1/verification/blacklist"): frozenset({P, N}),
    ("DELETE", "/api/v1/verification/blacklist/{entry_id}"): frozenset({P, N}),
    # employers and jobs: registration, own profile / licence / members, reviewer licence
    # reads, public employer page, posting behind the gate and screening, the review queue
    ("POST", "/api/v1/employers/register"): ANYONE,
    ("GET", "/api/v1/employers/me"): frozenset({E}),
    ("PATCH", "/api/v1/employers/me"): frozenset({E}),
    ("GET", "/api/v1/employers/me/licence"): frozenset({E}),
    ("PUT", "/api/v1/employers/me/licence"): frozenset({E}),
    ("GET", "/api/v1/employers/me/members"): frozenset({E}),
    ("DELETE", "/api/v1/employers/me/members/{user_id}"): frozenset({E}),
    ("GET", "/api/v1/employers/{employer_id}/licence"): frozenset({C, P, N}),
    ("GET", "/api/v1/employers/{employer_id}/public"): ANYONE,
    ("GET", "/api/v1/employers/me/jobs"): frozenset({E}),
    ("POST", "/api/v1/jobs"): frozenset({E}),
    ("GET", "/api/v1/jobs/{job_id}"): ANYONE,
    ("PATCH", "/api/v1/jobs/{job_id}"): frozenset({E}),
    ("POST", "/api/v1/jobs/{job_id}/publish"): frozenset({E}),
    ("POST", "/api/v1/jobs/{job_id}/close"): frozenset({E}),
    ("GET", "/api/v1/job-reviews"): frozenset({C, P, N}),
    ("POST", "/api/v1/job-reviews/{review_id}/decision"): frozenset({C, P, N}),
    # web pages: sign-in and the cookie session, 忘记密码, graduate activation and own pages,
    # career office / administrator pages (scope checked by the services), employer home
    ("POST", "/login"): ANYONE,
    ("POST", "/logout"): SIGNED_IN,
    ("GET", "/session/refresh"): ANYONE,
    ("POST", "/session/refresh"): ANYONE,
    ("GET", "/password/forgot"): ANYONE,
    ("POST", "/password/forgot"): ANYONE,
    ("GET", "/password/reset"): ANYONE,
    ("POST", "/password/reset"): ANYONE,
    ("GET", "/activate"): ANYONE,
    ("POST", "/activate"): ANYONE,
    ("GET", "/activate/code"): ANYONE,
    ("POST", "/activate/code"): ANYONE,
    ("POST", "/activate/code/request"): ANYONE,
    ("GET", "/me"): frozenset({G}),
    ("GET", "/me/profile"): frozenset({G}),
    ("GET", "/me/profile/edit"): frozenset({G}),
    ("POST", "/me/profile/edit"): frozenset({G}),
    ("GET", "/me/resumes"): frozenset({G}),
    ("POST", "/me/resumes"): frozenset({G}),
    ("POST", "/me/resumes/{resume_id}/default"): frozenset({G}),
    ("POST", "/me/resumes/{resume_id}/delete"): frozenset({G}),
    ("GET", "/me/resumes/{resume_id}/file"): frozenset({G}),
    ("GET", "/me/privacy"): frozenset({G}),
    ("POST", "/me/privacy/consents"): frozenset({G}),
    ("GET", "/me/privacy/export"): frozenset({G}),
    ("POST", "/me/privacy/delete"): frozenset({G}),
    ("GET", "/office"): frozenset({C, P, N}),
    ("GET", "/office/graduates"): frozenset({C, P, N}),
    ("GET", "/office/graduates/{record_id}"): frozenset({C, P, N}),
    ("GET", "/office/preactivate"): frozenset({C}),
    ("POST", "/office/preactivate"): frozenset({C}),
    ("GET", "/office/registry"): frozenset({C, P, N}),
    ("POST", "/office/registry"): frozenset({C}),
    ("GET", "/office/registry/imports/{import_id}"): frozenset({C, P, N}),
    ("GET", "/office/registry/imports/{import_id}/errors.csv"): frozenset({C, P, N}),
    ("GET", "/office/registry/template.csv"): frozenset({C}),
    ("GET", "/office/registry/template.xlsx"): frozenset({C}),
    ("GET", "/employer"): frozenset({E}),
    # employer web pages: sign-up, the public employer page graduates see
    ("GET", "/employer/register"): ANYONE,
    ("POST", "/employer/register"): ANYONE,
    ("GET", "/employers/{employer_id}"): ANYONE,
    # employer verification web pages: the reviewer queue, a case, decisions, the licence
    ("GET", "/review/employers"): frozenset({C, P, N}),
    ("GET", "/review/employers/{case_id}"): frozenset({C, P, N}),
    ("POST", "/review/employers/{case_id}"): frozenset({C, P, N}),
    ("GET", "/review/employers/{case_id}/licence"): frozenset({C, P, N}),
    ("GET", "/employer/verification"): frozenset({E}),
    ("GET", "/employer/jobs/new"): frozenset({E}),
    ("POST", "/employer/jobs/new"): frozenset({E}),
    ("POST", "/employer/jobs/{job_id}/publish"): frozenset({E}),
    ("POST", "/employer/jobs/{job_id}/close"): frozenset({E}),
    ("GET", "/review/jobs"): frozenset({C, P, N}),
    ("POST", "/review/jobs/{review_id}"): frozenset({C, P, N}),
}

# Framework routes that serve documentation and static files to anyone.


def _merged_matrix() -> Row:
    merged = dict(CORE_ROWS)
    for area, rows in area_rows().items():
        twice = sorted(set(rows) & set(merged))
        assert not twice, f"routes listed twice (again in matrix/{area}.py): {twice}"
        merged.update(rows)
    return merged


EXPECTED = _merged_matrix()

FRAMEWORK_PUBLIC = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc", "/static"}
DENIED_CODES = {"not_authenticated", "role_not_allowed", "invalid_token", "session_revoked"}


def _rules(dependant: Dependant) -> Iterator[AccessRule]:
    for sub in dependant.dependencies:
        if isinstance(sub.call, AccessRule):
            yield sub.call
        yield from _rules(sub)


@dataclass(frozen=True)
class AppRoute:
    path: str
    dependant: Dependant


def _api_routes(app: FastAPI) -> list[tuple[str, AppRoute]]:
    """Every (method, route) of the app, routers included, with its effective dependencies."""
    routes = []
    for context in iter_route_contexts(app.routes):
        dependant = getattr(context, "dependant", None)
        if dependant is None:
            continue
        for method in sorted(set(context.methods or ()) - {"HEAD", "OPTIONS"}):
            routes.append((method, AppRoute(path=context.path, dependant=dependant)))
    return routes


def _framework_paths(app: FastAPI) -> set[str]:
    return {
        context.path
        for context in iter_route_contexts(app.routes)
        if getattr(context, "dependant", None) is None
    }


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


@pytest.fixture
def actors(container: Container) -> dict[Role, Actor]:
    with job_session(container.session_factory) as session:
        load_reference(session)
        return {role: make_actor(session, role, container.settings) for role in Role}


def test_every_route_declares_exactly_one_rule_and_is_in_the_matrix(app: FastAPI) -> None:
    problems = []
    for method, route in _api_routes(app):
        rules = set(_rules(route.dependant))
        if len(rules) != 1:
            problems.append(f"{method} {route.path}: {len(rules)} access rules")
            continue
        expected = EXPECTED.get((method, route.path))
        if expected is None:
            problems.append(f"{method} {route.path}: not in the authorization matrix")
            continue
        (rule,) = rules
        declared = ANYONE if rule.roles is None else rule.roles
        if declared != expected:
            problems.append(f"{method} {route.path}: declares {declared}, matrix says {expected}")
    for path in sorted(_framework_paths(app) - FRAMEWORK_PUBLIC):
        problems.append(f"{path}: framework route not reviewed")
    stale = set(EXPECTED) - {(m, r.path) for m, r in _api_routes(app)}
    problems += [f"{m} {p}: in the matrix but not in the app" for m, p in sorted(stale)]
    assert problems == []


def test_each_role_is_allowed_or_denied_as_the_matrix_says(
    app: FastAPI, client: TestClient, actors: dict[Role, Actor]
) -> None:
    callers: list[tuple[str, dict[str, str], Role | None]] = [("anonymous", {}, None)]
    callers += [(role.value, actor.headers, role) for role, actor in actors.items()]
    failures = []
    for method, route in _api_routes(app):
        expected = EXPECTED[(method, route.path)]
        for name, headers, role in callers:
            allowed = expected == ANYONE or (role is not None and role in expected)
            response = client.request(
                method,
                _concrete(route.path),
                headers={**headers, "Accept": "application/json"},
                json={} if method in {"POST", "PUT", "PATCH"} else None,
                follow_redirects=False,
            )
            code = _error_code(response)
            denied = response.status_code in {401, 403} and code in DENIED_CODES
            if allowed and denied:
                failures.append(f"{method} {route.path} as {name}: denied ({code})")
            if not allowed and not denied:
                failures.append(f"{method} {route.path} as {name}: {response.status_code}")
    assert failures == []


def _error_code(response: object) -> str | None:
    try:
        body = response.json()  # type: ignore[attr-defined]
    except ValueError:
        return None
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return str(body["error"].get("code"))
    return None
