"""Request and response shapes of the employers API.

The contact phone only ever leaves as its masked form (``contact_phone_masked``); the public
page carries no contact data at all.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SizeBand = Literal["1-49", "50-99", "100-499", "500-999", "1000-4999", "5000以上"]

TERMS_VERSION = "2025-01"
"""Version of the platform terms (平台服务协议) an employer accepts when registering."""


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RegistrationIn(_Input):
    """The text fields of the multipart registration form (the licence file is ``licence``)."""

    name: str = Field(min_length=2, max_length=200, description="单位名称, as on the licence")
    uscc: str = Field(min_length=1, max_length=40, description="统一社会信用代码 (18 chars)")
    employer_type: str = Field(min_length=1, max_length=32, description="ref employer type")
    industry_code: str = Field(min_length=1, max_length=4, description="GB/T 4754 section/division")
    city_code: str = Field(min_length=6, max_length=6, description="prefecture-level region")
    size: SizeBand
    description: str = Field(default="", max_length=5000)
    contact_name: str = Field(min_length=1, max_length=64, description="联系人")
    contact_phone: str = Field(min_length=7, max_length=20, description="联系电话")
    username: str = Field(min_length=1, max_length=64, description="the owner's login name")
    password: str = Field(min_length=1, max_length=128)
    accept_terms: bool = Field(description="同意《平台服务协议》 (must be true)")


class EmployerPatch(_Input):
    """Fields the owner may change; a change of ``name`` or ``uscc`` voids the verification."""

    name: str | None = Field(default=None, min_length=2, max_length=200)
    uscc: str | None = Field(default=None, min_length=1, max_length=40)
    employer_type: str | None = Field(default=None, min_length=1, max_length=32)
    industry_code: str | None = Field(default=None, min_length=1, max_length=4)
    city_code: str | None = Field(default=None, min_length=6, max_length=6)
    size: SizeBand | None = None
    description: str | None = Field(default=None, max_length=5000)
    contact_name: str | None = Field(default=None, min_length=1, max_length=64)
    contact_phone: str | None = Field(default=None, min_length=7, max_length=20)


class CodeName(BaseModel):
    code: str
    name: str


class LicenceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    content_type: str
    size_bytes: int
    filename: str
    sha256: str
    uploaded_at: datetime


class EmployerOut(BaseModel):
    """The employer as its own members see it."""

    id: int
    name: str
    uscc: str
    employer_type: CodeName
    industry: CodeName
    city: CodeName
    province: CodeName
    size: str
    description: str
    contact_name: str | None
    contact_phone_masked: str | None
    verification_status: str
    verified_at: datetime | None
    licence: LicenceOut | None
    created_at: datetime
    updated_at: datetime


class OwnerOut(BaseModel):
    user_id: int
    username: str
    employer_role: str


class RegistrationOut(BaseModel):
    employer: EmployerOut
    owner: OwnerOut
    message: str


class MemberOut(BaseModel):
    user_id: int
    username: str | None
    display_name: str
    employer_role: str | None
    status: str
    phone_masked: str | None
    last_login_at: datetime | None
    created_at: datetime


class PublicEmployerOut(BaseModel):
    """What graduates see on an employer's page (verified employers only)."""

    id: int
    name: str
    employer_type: CodeName
    industry: CodeName
    city: CodeName
    province: CodeName
    size: str
    description: str
    verified: bool = True
    badge: str = "已认证"
    verified_since: date | None
    open_jobs: int
