"""The identity API's shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from jobs_api.identity.profile import AccountView

Password = Field(min_length=1, max_length=256)
LoginName = Field(min_length=1, max_length=64, description="用户名或手机号 (username or phone)")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the access token expires")
    refresh_token: str = Field(description="Single-use; exchange it at /api/v1/auth/refresh")


class RefreshIn(Strict):
    refresh_token: str = Field(min_length=1, max_length=200)


class LogoutIn(Strict):
    refresh_token: str = Field(
        min_length=1,
        max_length=200,
        description="The refresh token of the current sign-in: proves the caller holds the "
        "session, not only a (possibly leaked) access token",
    )


class PasswordChangeIn(Strict):
    old_password: str = Password
    new_password: str = Password


class ResetRequestIn(Strict):
    username: str = LoginName


class ResetConfirmIn(Strict):
    username: str = LoginName
    code: str = Field(min_length=1, max_length=16)
    new_password: str = Password


class AcceptedOut(BaseModel):
    message: str


class ScopeOut(BaseModel):
    university_id: int | None = None
    university_name: str | None = None
    province_code: str | None = None
    province_name: str | None = None
    employer_id: int | None = None
    employer_name: str | None = None
    employer_role: str | None = None
    student_record_id: int | None = None


class AccountOut(BaseModel):
    id: int
    username: str | None
    display_name: str
    role: str
    status: str
    phone_masked: str | None
    email_masked: str | None
    scope: ScopeOut
    last_login_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, view: AccountView) -> AccountOut:
        return cls(
            id=view.id,
            username=view.username,
            display_name=view.display_name,
            role=view.role,
            status=view.status,
            phone_masked=view.phone_masked,
            email_masked=view.email_masked,
            scope=ScopeOut(
                university_id=view.scope.university_id,
                university_name=view.scope.university_name,
                province_code=view.scope.province_code,
                province_name=view.scope.province_name,
                employer_id=view.scope.employer_id,
                employer_name=view.scope.employer_name,
                employer_role=view.scope.employer_role,
                student_record_id=view.scope.student_record_id,
            ),
            last_login_at=view.last_login_at,
            created_at=view.created_at,
        )


class AccountCreatedOut(BaseModel):
    account: AccountOut
    activation_code_sent: bool = Field(
        description="An activation code went to the account's phone / e-mail (never returned)"
    )


class AdminAccountIn(Strict):
    role: Literal["provincial_admin", "career_office"]
    username: str = Field(min_length=3, max_length=64)
    display_name: str = Field(default="", max_length=64)
    phone: str | None = Field(default=None, max_length=20)
    email: str | None = Field(default=None, max_length=200)
    university_id: int | None = Field(default=None, description="career office: its university")
    province_code: str | None = Field(
        default=None, pattern=r"^\d{6}$", description="provincial admin: e.g. 330000"
    )


class MemberInviteIn(Strict):
    username: str = Field(min_length=3, max_length=64)
    display_name: str = Field(default="", max_length=64)
    phone: str | None = Field(default=None, max_length=20)
    email: str | None = Field(default=None, max_length=200)


class MailboxMessageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    user_id: int | None
    recipient: str
    channel: str
    purpose: str
    body: str
    created_at: datetime
