"""The agreement as a PDF, in Chinese: ReportLab with its built-in CID font ``STSong-Light``
(no font file needed). Output is deterministic (``invariant``) with uncompressed page streams;
the verification code and the check URL are set in Helvetica, so they appear as plain text in
the page stream (easy to find for a test or a search tool).
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone
from typing import Final
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from jobs_api.agreements.drafting import format_code
from jobs_api.agreements.schemas import AgreementOut
from jobs_api.agreements.views import STATUS_NAMES

FONT: Final = "STSong-Light"
CHINA: Final = timezone(timedelta(hours=8))
NOTED_EVENTS: Final = frozenset({"returned", "termination_requested", "termination_rejected"})

_EVENT_NAMES: Final = {
    "drafted": "生成草稿",
    "terms_edited": "修改条款",
    "graduate_signed": "毕业生签署",
    "employer_signed": "用人单位签署",
    "approved": "学校审核通过",
    "returned": "学校退回",
    "termination_requested": "申请解约",
    "terminated": "解约生效",
    "termination_rejected": "解约未获同意",
}


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _when(value: datetime | None) -> str:
    if value is None:
        return "—"
    china = value.astimezone(CHINA)
    return china.strftime("%Y-%m-%d %H:%M")


def _event_text(action: str, note: str) -> str:
    name = _EVENT_NAMES.get(action, action)
    return f"{name}：{note}" if note and action in NOTED_EVENTS else name


def render_agreement_pdf(agreement: AgreementOut, verify_url: str) -> bytes:
    font = _font()
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=24, alignment=1)
    heading = ParagraphStyle("heading", fontName=font, fontSize=12, leading=18, spaceBefore=6)
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=15)

    def p(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(text, style)

    def table(rows: list[tuple[str, str]]) -> Table:
        data = [[p(escape(k)), p(escape(v))] for k, v in rows]
        made = Table(data, colWidths=[40 * mm, 125 * mm])
        made.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
                ]
            )
        )
        return made

    a = agreement
    code = format_code(a.verification_code)
    story = [
        p("全国普通高等学校毕业生就业协议书", title),
        p("（三方协议）", ParagraphStyle("sub", parent=title, fontSize=12, leading=18)),
        Spacer(1, 4 * mm),
        p(f"协议编号：{escape(a.agreement_number)}　　状态：{STATUS_NAMES[a.status][0]}"),
        p("甲方（毕业生）", heading),
        table(
            [
                ("姓名", a.graduate.name),
                ("身份证号", a.graduate.id_number_masked),
                ("学号", a.graduate.student_number),
            ]
        ),
        p("乙方（用人单位）", heading),
        table([("单位名称", a.employer.name), ("统一社会信用代码", a.employer.uscc)]),
        p("丙方（学校）", heading),
        table([("学校名称", a.university.name), ("院校代码", a.university.code)]),
        p("协议条款", heading),
        table(
            [
                ("岗位", a.position_title),
                ("月薪（税前）", f"{a.monthly_salary} 元 × {a.salary_months} 个月"),
                ("工作地点", a.workplace.name),
                ("报到日期", a.start_date.isoformat()),
                ("服务期", f"{a.term_months} 个月"),
                ("试用期", f"{a.probation_months} 个月"),
                ("违约金", f"{a.breach_penalty} 元"),
                ("其他约定", a.other_terms or "无"),
            ]
        ),
        p("签署与审核", heading),
        table(
            [
                ("毕业生签署", _when(a.graduate_signed_at)),
                ("用人单位签署", _when(a.employer_signed_at)),
                ("学校审核通过", _when(a.approved_at)),
                ("解约", _when(a.terminated_at)),
            ]
        ),
        p("协议记录", heading),
        table([(_when(e.created_at), _event_text(e.action, e.note)) for e in a.events]),
        Spacer(1, 6 * mm),
        p(
            f'验证码：<font name="Helvetica">{escape(code)}</font>　'
            f'查验网址：<font name="Helvetica">{escape(verify_url)}</font>'
        ),
        p("任何人可凭验证码在上述网址查验本协议的真伪与状态。"),
    ]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"三方协议 {a.agreement_number}",
        author="gradmatch",
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        invariant=1,
        pageCompression=0,
    )
    document.build(story)
    return buffer.getvalue()
