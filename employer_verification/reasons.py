"""Reason codes: what each check found, what reviewers decide on, and how the employer is told.

Codes are stable (stored in cases and events, used by clients); texts are Simplified Chinese.
``for_employer`` is what the employer's own members read: plain, actionable, and never the
details of a blacklist entry or another organisation's data.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    for_reviewer: str
    for_employer: str


_CONTACT = "如有疑问，请联系所在地高校就业指导中心或省级就业主管部门。"

CHECK_REASONS: Final[dict[str, Reason]] = {
    r.code: r
    for r in (
        Reason("uscc_ok", "统一社会信用代码格式与校验位正确", "统一社会信用代码格式正确"),
        Reason(
            "uscc_malformed",
            "统一社会信用代码格式错误",
            "统一社会信用代码格式不正确（应为 18 位，不含 I、O、Z、S、V），请核对营业执照后修改。",
        ),
        Reason(
            "uscc_check_digit",
            "统一社会信用代码校验位错误",
            "统一社会信用代码校验位错误，请核对营业执照上的代码后修改。",
        ),
        Reason("uscc_structure_ok", "登记管理部门、机构类别与组织机构代码有效", "代码结构有效"),
        Reason(
            "uscc_authority_invalid",
            "登记管理部门码无效",
            "统一社会信用代码的登记管理部门码无效，请核对后修改。",
        ),
        Reason(
            "uscc_org_type_invalid",
            "机构类别码与登记管理部门不符",
            "统一社会信用代码的机构类别码无效，请核对后修改。",
        ),
        Reason(
            "uscc_org_code_invalid",
            "代码中的组织机构代码（第 9–17 位）校验错误",
            "统一社会信用代码需人工核对，请耐心等待审核。",
        ),
        Reason("uscc_not_checked", "代码格式错误，未进一步检查", "请先更正统一社会信用代码。"),
        Reason("region_consistent", "登记机关所在地与单位所在地一致", "登记地与所在地一致"),
        Reason(
            "region_mismatch",
            "登记机关所在省份与单位填报的所在地不一致",
            "统一社会信用代码的登记地与填报的所在地不在同一省份，需人工核对。",
        ),
        Reason(
            "region_unknown",
            "代码中的行政区划码不在行政区划表中",
            "统一社会信用代码的登记地区码无法识别，需人工核对。",
        ),
        Reason("registry_found", "企业登记信息中查到该代码", "已查到登记信息"),
        Reason(
            "registry_not_found",
            "企业登记信息中未查到该代码",
            "暂未在企业登记信息中查到该代码，需人工核对营业执照。",
        ),
        Reason(
            "registry_unavailable",
            "企业登记信息查询服务暂不可用，无法自动核验",
            "登记信息查询暂不可用，已转人工审核，请耐心等待。",
        ),
        Reason("name_exact", "单位名称与登记名称一致", "单位名称与登记名称一致"),
        Reason(
            "name_similar",
            "单位名称与登记名称相近但不一致",
            "单位名称与登记名称不完全一致，需人工核对。",
        ),
        Reason(
            "name_mismatch",
            "单位名称与登记名称不一致",
            "单位名称与该代码的登记名称不一致，请按营业执照填写全称。",
        ),
        Reason("status_active", "登记状态为存续/在业", "登记状态正常"),
        Reason(
            "status_abnormal",
            "登记状态为经营异常",
            "该单位被列入经营异常名录，需人工核对。",
        ),
        Reason(
            "status_revoked",
            "登记状态为吊销",
            "该单位营业执照已被吊销，不能在平台招聘。" + _CONTACT,
        ),
        Reason(
            "status_cancelled",
            "登记状态为注销",
            "该单位已注销登记，不能在平台招聘。" + _CONTACT,
        ),
        Reason("status_not_checked", "未取得登记状态", "登记状态待人工核对。"),
        Reason("blacklist_clear", "未命中平台黑名单", "—"),
        Reason(
            "blacklisted_code",
            "统一社会信用代码在平台黑名单中",
            "该单位未通过平台审核，不能在平台招聘。" + _CONTACT,
        ),
        Reason(
            "blacklisted_name",
            "单位名称命中平台黑名单规则",
            "该单位未通过平台审核，不能在平台招聘。" + _CONTACT,
        ),
        Reason("no_duplicate", "未发现重复注册的单位", "—"),
        Reason(
            "duplicate_uscc",
            "该统一社会信用代码已被其他单位账号注册",
            "该统一社会信用代码已有单位注册，需人工核对；如为同一单位，请联系原账号管理员邀请您加入。",
        ),
        Reason(
            "duplicate_name",
            "已有名称相同（规范化后）的单位注册",
            "已有同名单位注册，需人工核对。",
        ),
        Reason(
            "duplicate_name_similar",
            "已有名称高度相近的单位注册",
            "已有名称相近的单位注册，需人工核对。",
        ),
        Reason(
            "details_changed",
            "单位名称或代码变更，原认证失效",
            "单位名称或代码已变更，需重新认证。",
        ),
        Reason("validity_ended", "认证已满一年，自动失效", "认证已满一年失效，需重新认证。"),
        Reason("all_checks_passed", "自动核验全部通过", "自动核验通过"),
    )
}


class DecisionReason(StrEnum):
    """Reason codes a reviewer picks for a decision (a fixed list)."""

    LICENCE_CONFIRMED = "licence_confirmed"
    REGISTRY_CONFIRMED = "registry_confirmed"
    NAME_VARIANT_ACCEPTED = "name_variant_accepted"
    REGION_EXPLAINED = "region_explained"
    NOT_A_DUPLICATE = "not_a_duplicate"
    STATUS_RESTORED = "status_restored"
    LICENCE_MISMATCH = "licence_mismatch"
    LICENCE_UNREADABLE = "licence_unreadable"
    NOT_REGISTERED = "not_registered"
    NOT_ACTIVE = "not_active"
    DUPLICATE_ORGANISATION = "duplicate_organisation"
    FALSE_INFORMATION = "false_information"
    FRAUD_SUSPECTED = "fraud_suspected"
    NOT_AN_EMPLOYER = "not_an_employer"


APPROVING: Final = frozenset(
    {
        DecisionReason.LICENCE_CONFIRMED,
        DecisionReason.REGISTRY_CONFIRMED,
        DecisionReason.NAME_VARIANT_ACCEPTED,
        DecisionReason.REGION_EXPLAINED,
        DecisionReason.NOT_A_DUPLICATE,
        DecisionReason.STATUS_RESTORED,
    }
)
REJECTING: Final = frozenset(set(DecisionReason) - APPROVING)

DECISION_REASONS: Final[dict[str, Reason]] = {
    r.code: r
    for r in (
        Reason("licence_confirmed", "营业执照与登记信息核对一致", "营业执照核对一致"),
        Reason("registry_confirmed", "经人工查询登记信息确认", "登记信息人工确认"),
        Reason(
            "name_variant_accepted", "名称差异属于写法不同，确认为同一单位", "名称写法差异已确认"
        ),
        Reason("region_explained", "登记地与所在地不同已有合理说明", "登记地差异已确认"),
        Reason("not_a_duplicate", "确认不是重复注册", "已确认非重复注册"),
        Reason("status_restored", "经营异常状态已移出或已说明", "登记状态已确认"),
        Reason(
            "licence_mismatch",
            "营业执照与填报信息不符",
            "营业执照与填报的单位信息不符，请核对后重新提交。",
        ),
        Reason(
            "licence_unreadable",
            "营业执照无法辨认",
            "上传的营业执照无法辨认，请上传清晰完整的营业执照后重新提交。",
        ),
        Reason(
            "not_registered",
            "查无登记信息",
            "未能核实该单位的登记信息，请核对统一社会信用代码。",
        ),
        Reason("not_active", "单位登记状态异常", "单位登记状态异常，暂不能在平台招聘。" + _CONTACT),
        Reason(
            "duplicate_organisation",
            "同一单位重复注册",
            "该单位已在平台注册，请联系原账号管理员邀请您加入。",
        ),
        Reason("false_information", "填报信息不实", "填报信息与实际不符，请如实填写后重新提交。"),
        Reason("fraud_suspected", "疑似虚假招聘或诈骗", "该单位未通过平台审核。" + _CONTACT),
        Reason(
            "not_an_employer", "不属于可在平台招聘的单位", "该单位不属于平台服务范围。" + _CONTACT
        ),
    )
}


def reason(code: str) -> Reason:
    """The catalogue entry of a check or decision reason (unknown codes read as themselves)."""
    return CHECK_REASONS.get(code) or DECISION_REASONS.get(code) or Reason(code, code, code)
