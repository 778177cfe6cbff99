"""Graduates' account pages: activation (self-claim and pre-activated with a code) and the
graduate's home ``/me``.

Who may open what: the activation pages are public; ``/me`` is for graduates. The pages call
:mod:`jobs_api.graduates.activation` and the graduates' read services; ID numbers and phones
are never written back into a page (a re-shown form asks for them again).
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Form
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from jobs_api.core.deps import SessionDep
from jobs_api.core.errors import DomainError
from jobs_api.graduates import activation, consent, resumes
from jobs_api.graduates.errors import GraduateNotVerified
from jobs_api.graduates.models import ConsentPurpose
from jobs_api.graduates.profile import get_my_profile
from jobs_api.graduates.schemas import CodeActivationIn, ProfileOut, SelfActivationIn
from jobs_api.identity.access import PUBLIC, OptionalPrincipal
from jobs_api.identity.api import KitDep, client_ip
from jobs_api.identity.principal import Principal
from jobs_api.identity.profile import describe_account
from jobs_api.web.csrf import CsrfChecked
from jobs_api.web.i18n import N_
from jobs_api.web.messages import (
    FormErrors,
    field_errors_from_domain,
    field_errors_from_validation,
)
from jobs_api.web.page_support import (
    GraduatePage,
    add_retry_after,
    page,
    rollback_unless_recorded,
    translate,
)

public_router = APIRouter(include_in_schema=False, dependencies=[Depends(PUBLIC)])
router = APIRouter(include_in_schema=False)

FormText = Annotated[str, Form()]
FormList = Annotated[list[str] | None, Form()]


# What each consent is for, in plain words (shown when activating and on the privacy page).
CONSENT_TEXTS: Final[dict[ConsentPurpose, tuple[str, str]]] = {
    ConsentPurpose.PROFILE_MATCHING: (
        N_("个性化职位推荐"),
        N_("使用你的专业、技能和求职意向，为你推荐更合适的职位。"),
    ),
    ConsentPurpose.SHARE_WITH_EMPLOYERS: (
        N_("向用人单位展示个人资料"),
        N_(
            "允许通过平台认证的用人单位查看你的个人资料和默认简历，以便主动联系你。"
            "不同意时，用人单位看不到你的资料。"
        ),
    ),
    ConsentPurpose.PUSH_NOTIFICATIONS: (
        N_("职位与招聘会提醒"),
        N_("通过站内消息或短信向你推送新职位、招聘会和申请进度。"),
    ),
    ConsentPurpose.STATISTICS: (
        N_("就业统计"),
        N_("把你的毕业去向以去标识化方式用于就业统计和专业设置参考，不会公开任何个人信息。"),
    ),
}

SELF_CLAIM_MESSAGES: Final = {
    "name": N_("请输入与学籍一致的姓名。"),
    "student_number": N_("请输入学号。"),
    "university_code": N_("院校代码为 5 位数字，例如 10335。"),
    "phone": N_("请输入 11 位中国大陆手机号。"),
    "password": N_("密码需为 8–128 位。"),
    "new_password": N_("密码需为 8–128 位。"),
    "code": N_("激活码为 4–12 位字母或数字。"),
}
INVALID_VALUE: Final = N_("格式不正确。")


def consent_options(request: Request, chosen: list[str] | None = None) -> list[dict[str, Any]]:
    picked = set(chosen or [])
    return [
        {
            "value": purpose.value,
            "title": title,
            "text": text,
            "checked": purpose.value in picked,
        }
        for purpose, (title, text) in CONSENT_TEXTS.items()
    ]


def _translated(request: Request, messages: dict[str, str]) -> dict[str, str]:
    return {key: translate(request, value) for key, value in messages.items()}


def _validation_errors(request: Request, error: ValidationError) -> FormErrors:
    fields = field_errors_from_validation(
        error, _translated(request, SELF_CLAIM_MESSAGES), translate(request, INVALID_VALUE)
    )
    return FormErrors(fields=fields)


def _consents(values: list[str] | None) -> list[str]:
    known = {p.value for p in ConsentPurpose}
    return [v for v in values or [] if v in known]


# --- self-claim ---------------------------------------------------------------------------


def _self_claim_page(
    request: Request,
    session: Session,
    principal: Principal | None,
    *,
    values: dict[str, str] | None = None,
    consents: list[str] | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = {
        "values": values or {},
        "consents": consent_options(request, consents),
        "errors": errors or FormErrors(),
    }
    return page(request, session, principal, "activate.html", context, status_code=status_code)


@public_router.get("/activate", response_class=HTMLResponse)
def activate_form(request: Request, session: SessionDep, principal: OptionalPrincipal) -> Response:
    return _self_claim_page(request, session, principal, consents=[p.value for p in CONSENT_TEXTS])


@public_router.post("/activate", response_class=HTMLResponse)
def activate_submit(
    request: Request,
    session: SessionDep,
    kit: KitDep,
    principal: OptionalPrincipal,
    _: CsrfChecked,
    name: FormText = "",
    id_number: FormText = "",
    student_number: FormText = "",
    university_code: FormText = "",
    phone: FormText = "",
    password: FormText = "",
    confirm_password: FormText = "",
    consents: FormList = None,
) -> Response:
    chosen = _consents(consents)
    # Name, student number and university come back into the form; the ID number, the phone
    # and the password never do.
    kept = {"name": name, "student_number": student_number, "university_code": university_code}
    errors = FormErrors()
    try:
        data = SelfActivationIn.model_validate(
            {
                "name": name,
                "id_number": id_number,
                "student_number": student_number,
                "university_code": university_code.strip(),
                "phone": phone,
                "password": password,
                "consents": chosen,
            }
        )
    except ValidationError as error:
        errors = _validation_errors(request, error)
        data = None
    if password != confirm_password:
        errors.add("confirm_password", translate(request, N_("两次输入的密码不一致。")))
    if data is None or errors:
        return _self_claim_page(
            request,
            session,
            principal,
            values=kept,
            consents=chosen,
            errors=errors,
            status_code=422,
        )
    try:
        result = activation.activate_self(session, kit, data, client_ip=client_ip(request))
    except DomainError as error:
        rollback_unless_recorded(session, error)
        failed = FormErrors(error.message, field_errors_from_domain(error))
        response = _self_claim_page(
            request,
            session,
            principal,
            values=kept,
            consents=chosen,
            errors=failed,
            status_code=error.status_code,
        )
        return add_retry_after(response, error)
    return page(request, session, principal, "activate_done.html", {"result": result})


# --- pre-activated accounts ---------------------------------------------------------------


def _code_page(
    request: Request,
    session: Session,
    principal: Principal | None,
    *,
    values: dict[str, str] | None = None,
    consents: list[str] | None = None,
    errors: FormErrors | None = None,
    request_errors: FormErrors | None = None,
    code_sent: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = {
        "values": values or {},
        "consents": consent_options(request, consents),
        "errors": errors or FormErrors(),
        "request_errors": request_errors or FormErrors(),
        "code_sent": code_sent,
    }
    return page(request, session, principal, "activate_code.html", context, status_code=status_code)


@public_router.get("/activate/code", response_class=HTMLResponse)
def code_form(request: Request, session: SessionDep, principal: OptionalPrincipal) -> Response:
    return _code_page(request, session, principal, consents=[p.value for p in CONSENT_TEXTS])


@public_router.post("/activate/code", response_class=HTMLResponse)
def code_submit(
    request: Request,
    session: SessionDep,
    kit: KitDep,
    principal: OptionalPrincipal,
    _: CsrfChecked,
    student_number: FormText = "",
    university_code: FormText = "",
    code: FormText = "",
    phone: FormText = "",
    new_password: FormText = "",
    confirm_password: FormText = "",
    consents: FormList = None,
) -> Response:
    chosen = _consents(consents)
    kept = {"student_number": student_number, "university_code": university_code}
    errors = FormErrors()
    try:
        data = CodeActivationIn.model_validate(
            {
                "student_number": student_number,
                "university_code": university_code.strip(),
                "code": code.strip(),
                "phone": phone,
                "new_password": new_password,
                "consents": chosen,
            }
        )
    except ValidationError as error:
        errors = _validation_errors(request, error)
        data = None
    if new_password != confirm_password:
        errors.add("confirm_password", translate(request, N_("两次输入的密码不一致。")))
    if data is None or errors:
        return _code_page(
            request,
            session,
            principal,
            values=kept,
            consents=chosen,
            errors=errors,
            status_code=422,
        )
    try:
        result = activation.activate_with_code(session, kit, data, client_ip=client_ip(request))
    except DomainError as error:
        rollback_unless_recorded(session, error)
        failed = FormErrors(error.message, field_errors_from_domain(error))
        response = _code_page(
            request,
            session,
            principal,
            values=kept,
            consents=chosen,
            errors=failed,
            status_code=error.status_code,
        )
        return add_retry_after(response, error)
    return page(request, session, principal, "activate_done.html", {"result": result})


@public_router.post("/activate/code/request", response_class=HTMLResponse)
def code_request(
    request: Request,
    session: SessionDep,
    kit: KitDep,
    principal: OptionalPrincipal,
    _: CsrfChecked,
    student_number: FormText = "",
    university_code: FormText = "",
) -> Response:
    kept = {"student_number": student_number, "university_code": university_code}
    consents = [p.value for p in CONSENT_TEXTS]
    problems = FormErrors()
    if not student_number.strip():
        problems.add("request_student_number", translate(request, N_("请输入学号。")))
    if not university_code.strip().isdigit() or len(university_code.strip()) != 5:
        problems.add(
            "request_university_code",
            translate(request, SELF_CLAIM_MESSAGES["university_code"]),
        )
    if problems:
        return _code_page(
            request,
            session,
            principal,
            values=kept,
            consents=consents,
            request_errors=problems,
            status_code=422,
        )
    try:
        activation.request_activation_code(
            session,
            kit,
            university_code.strip(),
            student_number.strip()[:32],
            client_ip=client_ip(request),
        )
    except DomainError as error:
        rollback_unless_recorded(session, error)
        response = _code_page(
            request,
            session,
            principal,
            values=kept,
            consents=consents,
            request_errors=FormErrors(error.message),
            status_code=error.status_code,
        )
        return add_retry_after(response, error)
    return _code_page(
        request,
        session,
        principal,
        values=kept,
        consents=consents,
        code_sent=activation.CODE_REQUEST_ACCEPTED,
    )


# --- the graduate's home ------------------------------------------------------------------


@router.get("/me", response_class=HTMLResponse)
def graduate_home(request: Request, principal: GraduatePage, session: SessionDep) -> Response:
    account = describe_account(session, principal.user_id)
    profile: ProfileOut | None = None
    not_verified: str | None = None
    try:
        profile = get_my_profile(session, principal)
    except GraduateNotVerified as error:
        not_verified = error.message
    stored = resumes.list_resumes(session, principal.user_id)
    consents = consent.consents_out(session, principal.user_id)
    granted = {state.purpose for state in consents.consents if state.granted}
    steps = []
    if profile is not None:
        steps = [
            (N_("填写技能标签"), bool(profile.skills), "/me/profile/edit"),
            (N_("选择意向城市"), bool(profile.intended_city_codes), "/me/profile/edit"),
            (N_("填写期望薪资"), profile.expected_salary is not None, "/me/profile/edit"),
            (N_("上传简历"), bool(stored), "/me/resumes"),
            (
                N_("允许认证单位查看资料"),
                ConsentPurpose.SHARE_WITH_EMPLOYERS in granted,
                "/me/privacy",
            ),
        ]
    context = {
        "account": account,
        "profile": profile,
        "not_verified": not_verified,
        "resume_count": len(stored),
        "steps": steps,
        "steps_done": sum(1 for _, done, _ in steps if done),
        "area": "graduate",
    }
    return page(request, session, principal, "me/home.html", context, private=True)
