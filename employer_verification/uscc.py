"""The Unified Social Credit Code (统一社会信用代码, GB 32100-2015), taken apart.

``AB CCCCCC DDDDDDDDD E``: A registration authority (登记管理部门), B organisation type
(机构类别, meaning depends on A), C the 6-digit administrative region of the registering office,
D the 9-character organisation code (GB 11714: 8 characters + its own check character), E the
MOD 31 check character over the alphabet without I, O, S, V, Z. The check character is
computed with python-stdnum (``stdnum.cn.uscc``); stdnum requires the first 8 characters to be
digits, which refuses the legal authority codes ``A``, ``N`` and ``Y``, so the format rules
here are our own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from stdnum.cn import uscc as stdnum_uscc

ALPHABET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
FORBIDDEN_LETTERS: Final = "IOZSV"

AUTHORITIES: Final[dict[str, tuple[str, dict[str, str]]]] = {
    "1": ("机构编制", {"1": "机关", "2": "事业单位", "3": "群众团体", "9": "其他"}),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": (
        "司法行政",
        {
            "1": "律师执业机构",
            "2": "公证处",
            "3": "基层法律服务所",
            "4": "司法鉴定机构",
            "5": "仲裁委员会",
            "9": "其他",
        },
    ),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
    "6": (
        "旅游",
        {"1": "外国旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻代表机构", "9": "其他"},
    ),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "9": "其他"}),
    "9": ("工商（市场监管）", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": (
        "农业",
        {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"},
    ),
    "Y": ("其他", {"1": "其他"}),
}
"""Registration authority -> (name, {organisation type -> name}), per GB 32100-2015."""

NATIONAL_REGION: Final = "100000"
"""Region part of codes issued by national offices (e.g. central enterprises)."""

_ORG_WEIGHTS: Final = (3, 7, 9, 10, 5, 8, 4, 2)


def compact(code: str) -> str:
    """Upper case without spaces or hyphens (how people type it)."""
    return "".join(code.split()).replace("-", "").upper()


@dataclass(frozen=True, slots=True)
class ParsedUscc:
    code: str
    authority: str
    org_type: str
    region: str
    org_code: str
    check: str


def format_problem(code: str) -> str | None:
    """Why ``code`` (compacted) is not a well-formed USCC, or ``None`` (check digit aside)."""
    if len(code) != 18:
        return f"应为 18 位，实际 {len(code)} 位"
    bad = sorted({c for c in code if c not in ALPHABET})
    if bad:
        forbidden = [c for c in bad if c in FORBIDDEN_LETTERS]
        if forbidden:
            return f"含有不允许的字母 {''.join(forbidden)}（代码不使用 I、O、Z、S、V）"
        return f"含有不允许的字符 {''.join(bad)}"
    if not code[2:8].isdigit():
        return "第 3–8 位（登记管理机关行政区划码）应为数字"
    return None


def check_digit(first17: str) -> str:
    return str(stdnum_uscc.calc_check_digit(first17))


def parse(code: str) -> ParsedUscc | None:
    """The parts of a well-formed code with a correct check digit, else ``None``."""
    code = compact(code)
    if format_problem(code) is not None or check_digit(code[:17]) != code[17]:
        return None
    return ParsedUscc(code, code[0], code[1], code[2:8], code[8:17], code[17])


def _char_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def org_code_valid(org_code: str) -> bool:
    """GB 11714 check character of the 9-character organisation code."""
    total = sum(_char_value(c) * w for c, w in zip(org_code[:8], _ORG_WEIGHTS, strict=True))
    remainder = 11 - total % 11
    expected = {10: "X", 11: "0"}.get(remainder, str(remainder))
    return org_code[8] == expected


def make_uscc(authority: str, org_type: str, region: str, org_body8: str) -> str:
    """A valid code from its parts (the organisation code's check character is computed)."""
    total = sum(_char_value(c) * w for c, w in zip(org_body8, _ORG_WEIGHTS, strict=True))
    remainder = 11 - total % 11
    org = org_body8 + {10: "X", 11: "0"}.get(remainder, str(remainder))
    first17 = f"{authority}{org_type}{region}{org}"
    return first17 + check_digit(first17)
