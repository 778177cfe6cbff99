"""Identity routes: sign-in (OAuth2 password flow), refresh, sign-out, passwords, activation,
the caller's own account, account administration and (outside production) the development
mailbox.

:func:`build_router` is called once by the app factory: it refuses to build a production app
that would deliver one-time codes to the development mailbox, and mounts
``GET /api/v1/dev/mailbox`` only outside production.

Refusals that carry state (failed-login counters, lockouts, wrong-code attempts, the
revocation after refresh-token reuse, their audit rows) are rendered here as responses
instead of raised, so the request's one commit point keeps them (see
:class:`jobs_api.identity.errors.RecordedRefusal`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2PasswordRequestFormStrict
from sqlalchemy.orm import Session

from jobs_api.core.container import Container
from jobs_api.core.deps import SessionDep, get_container
from jobs_api.core.error_handlers import error_payload
from jobs_api.core.errors import DomainError, error_responses
from jobs_api.core.settings import Settings
from jobs_api.identity import accounts, codes, login, profile, reset, sessions
from jobs_api.identity.access import PUBLIC, allow, authenticated
from jobs_api.identity.config import IdentitySettings, check_code_sender, dev_mailbox_exposed
from jobs_api.identity.errors import InvalidRefreshToken, RecordedRefusal, Throttled
from jobs_api.identity.kit import IdentityKit, identity_kit
from jobs_api.identity.models import AuthSession
from jobs_api.identity.principal import EmployerRole, Principal, Role
from jobs_api.identity.schemas import (
    AcceptedOut,
    AccountCreatedOut,
    AccountOut,
    AdminAccountIn,
    LogoutIn,
    MailboxMessageOut,
    MemberInviteIn,
    PasswordChangeIn,
    RefreshIn,
    ResetConfirmIn,
    ResetRequestIn,
    TokenOut,
)

T = TypeVar("T")


def get_identity_kit(container: Annotated[Container, Depends(get_container)]) -> IdentityKit:
    return identity_kit(container)


KitDep = Annotated[IdentityKit, Depends(get_identity_kit)]
SignedIn = Annotated[Principal, Depends(authenticated())]


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def refusal_response(error: DomainError) -> JSONResponse:
    response = JSONResponse(
        error_payload(error.code, error.message, error.fields), status_code=error.status_code
    )
    if isinstance(error, Throttled):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def keeping_changes(call: Callable[[], T]) -> T | JSONResponse:
    """Run a service call; a recorded refusal becomes the response (and the request commits)."""
    try:
        return call()
    except DomainError as error:
        if isinstance(error, RecordedRefusal):
            return refusal_response(error)
        raise


def _tokens(pair: sessions.TokenPair) -> TokenOut:
    return TokenOut(
        access_token=pair.access_token,
        expires_in=pair.expires_in,
        refresh_token=pair.refresh_token,
    )


auth = APIRouter(prefix="/api/v1/auth", tags=["auth"])


@auth.post(
    "/token",
    response_model=TokenOut,
    dependencies=[Depends(PUBLIC)],
    responses=error_responses(401, 403, 422, 423, 429),
    summary="Sign in (OAuth2 password grant); username may be the mobile number",
)
def token(
    form: Annotated[OAuth2PasswordRequestFormStrict, Depends()],
    request: Request,
    session: SessionDep,
    kit: KitDep,
) -> TokenOut | JSONResponse:
    result = keeping_changes(
        lambda: login.password_login(
            session,
            kit,
            form.username,
            form.password,
            client_ip=client_ip(request),
            user_agent=request.headers.get("user-agent", ""),
        )
    )
    return result if isinstance(result, JSONResponse) else _tokens(result)


@auth.post(
    "/refresh",
    response_model=TokenOut,
    dependencies=[Depends(PUBLIC)],
    responses=error_responses(401, 422),
    summary="Exchange a refresh token for a new pair (each refresh token works once)",
)
def refresh_tokens(body: RefreshIn, session: SessionDep, kit: KitDep) -> TokenOut | JSONResponse:
    result = keeping_changes(
        lambda: sessions.refresh(session, body.refresh_token, secret=kit.secret)
    )
    return result if isinstance(result, JSONResponse) else _tokens(result)


def _own_session_token(session: Session, principal: Principal, raw: str) -> None:
    auth_session = sessions.session_for_refresh_token(session, raw)
    if auth_session is None or auth_session.id != principal.session_id:
        raise InvalidRefreshToken("刷新令牌与当前登录不匹配 (refresh token of another session)")


@auth.post(
    "/logout",
    status_code=204,
    response_class=Response,
    responses=error_responses(401, 422),
    summary="Sign out: revoke the current session (its refresh and access tokens)",
)
def logout(body: LogoutIn, principal: SignedIn, session: SessionDep) -> Response:
    _own_session_token(session, principal, body.refresh_token)
    auth_session = session.get(AuthSession, principal.session_id)
    if auth_session is not None:
        sessions.revoke_session(
            session,
            auth_session,
            sessions.RevokeReason.LOGOUT,
            actor_user_id=principal.user_id,
            actor_role=principal.role.value,
        )
    return Response(status_code=204)


@auth.post(
    "/logout-all",
    status_code=204,
    response_class=Response,
    responses=error_responses(401, 422),
    summary="Sign out everywhere: revoke every session of the account",
)
def logout_all(body: LogoutIn, principal: SignedIn, session: SessionDep) -> Response:
    _own_session_token(session, principal, body.refresh_token)
    sessions.revoke_user_sessions(
        session,
        principal.user_id,
        sessions.RevokeReason.LOGOUT_ALL,
        actor_user_id=principal.user_id,
        actor_role=principal.role.value,
    )
    return Response(status_code=204)


@auth.post(
    "/password",
    status_code=204,
    response_class=Response,
    responses=error_responses(400, 401, 422, 423),
    summary="Change the password (current one required); other sessions are revoked",
)
def change_password(
    body: PasswordChangeIn,
    principal: SignedIn,
    request: Request,
    session: SessionDep,
    kit: KitDep,
) -> Response:
    result = keeping_changes(
        lambda: reset.change_password(
            session,
            kit,
            principal,
            body.old_password,
            body.new_password,
            client_ip=client_ip(request),
        )
    )
    return result if isinstance(result, JSONResponse) else Response(status_code=204)


@auth.post(
    "/password-reset/request",
    status_code=202,
    response_model=AcceptedOut,
    dependencies=[Depends(PUBLIC)],
    responses=error_responses(422, 429),
    summary="Send a password-reset code (same answer whether or not the account exists)",
)
def request_password_reset(
    body: ResetRequestIn, request: Request, session: SessionDep, kit: KitDep
) -> AcceptedOut | JSONResponse:
    result = keeping_changes(
        lambda: reset.request_password_reset(
            session, kit, body.username, client_ip=client_ip(request)
        )
    )
    if isinstance(result, JSONResponse):
        return result
    return AcceptedOut(message=reset.RESET_ACCEPTED_MESSAGE)


@auth.post(
    "/password-reset/confirm",
    status_code=204,
    response_class=Response,
    dependencies=[Depends(PUBLIC)],
    responses=error_responses(400, 422, 429),
    summary="Set a new password with the reset code; every session is revoked",
)
def confirm_password_reset(
    body: ResetConfirmIn, request: Request, session: SessionDep, kit: KitDep
) -> Response:
    result = keeping_changes(
        lambda: reset.confirm_password_reset(
            session,
            kit,
            body.username,
            body.code,
            body.new_password,
            client_ip=client_ip(request),
        )
    )
    return result if isinstance(result, JSONResponse) else Response(status_code=204)


@auth.post(
    "/activate",
    status_code=204,
    response_class=Response,
    dependencies=[Depends(PUBLIC)],
    responses=error_responses(400, 422, 429),
    summary="Activate an invited account with its code and choose a password",
)
def activate(body: ResetConfirmIn, request: Request, session: SessionDep, kit: KitDep) -> Response:
    result = keeping_changes(
        lambda: reset.activate_account(
            session,
            kit,
            body.username,
            body.code,
            body.new_password,
            client_ip=client_ip(request),
        )
    )
    return result if isinstance(result, JSONResponse) else Response(status_code=204)


me = APIRouter(prefix="/api/v1", tags=["accounts"])


@me.get(
    "/me",
    response_model=AccountOut,
    responses=error_responses(401),
    summary="The signed-in account: role, scope, masked phone, status",
)
def read_me(principal: SignedIn, session: SessionDep) -> AccountOut:
    return AccountOut.of(profile.describe_account(session, principal.user_id))


@me.post(
    "/admin/accounts",
    status_code=201,
    response_model=AccountCreatedOut,
    responses=error_responses(401, 403, 409, 422),
    summary="Create a provincial-admin or career-office account (activation code sent)",
)
def create_admin_account(
    body: AdminAccountIn,
    principal: Annotated[Principal, Depends(allow(Role.NATIONAL_ADMIN, Role.PROVINCIAL_ADMIN))],
    session: SessionDep,
    kit: KitDep,
) -> AccountCreatedOut:
    created = accounts.create_account(
        session,
        kit,
        accounts.NewAccount(
            role=Role(body.role),
            username=body.username,
            display_name=body.display_name,
            phone=body.phone,
            email=body.email,
            university_id=body.university_id,
            province_code=body.province_code,
        ),
        actor=principal,
    )
    return AccountCreatedOut(
        account=AccountOut.of(profile.view_of(session, created.user)),
        activation_code_sent=created.activation_code_sent,
    )


@me.post(
    "/employers/me/members",
    status_code=201,
    response_model=AccountCreatedOut,
    responses=error_responses(401, 403, 409, 422),
    summary="Employer owner invites a recruiter of their own employer (activation code sent)",
)
def invite_member(
    body: MemberInviteIn,
    principal: Annotated[Principal, Depends(allow(Role.EMPLOYER_MEMBER))],
    session: SessionDep,
    kit: KitDep,
) -> AccountCreatedOut:
    created = accounts.create_account(
        session,
        kit,
        accounts.NewAccount(
            role=Role.EMPLOYER_MEMBER,
            username=body.username,
            display_name=body.display_name,
            phone=body.phone,
            email=body.email,
            employer_id=principal.employer_id,
            employer_role=EmployerRole.RECRUITER,
        ),
        actor=principal,
    )
    return AccountCreatedOut(
        account=AccountOut.of(profile.view_of(session, created.user)),
        activation_code_sent=created.activation_code_sent,
    )


dev = APIRouter(prefix="/api/v1/dev", tags=["development"])


@dev.get(
    "/mailbox",
    response_model=list[MailboxMessageOut],
    responses=error_responses(401, 403, 422),
    summary="Messages the development mailbox 'sent' (not mounted in production)",
)
def read_mailbox(
    principal: Annotated[Principal, Depends(allow(Role.NATIONAL_ADMIN))],
    session: SessionDep,
    user_id: Annotated[int | None, Query(ge=1)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[MailboxMessageOut]:
    messages = codes.list_mailbox(session, user_id=user_id, limit=limit)
    return [MailboxMessageOut.model_validate(m) for m in messages]


def build_router(settings: Settings, identity: IdentitySettings | None = None) -> APIRouter:
    """The identity routes for this deployment; raises at start-up when production would
    deliver one-time codes to the development mailbox."""
    check_code_sender(settings, identity or IdentitySettings())
    router = APIRouter()
    router.include_router(auth)
    router.include_router(me)
    if dev_mailbox_exposed(settings):
        router.include_router(dev)
    return router
