"""The inbox messages of interviews: to the graduate (invited, new times, cancelled,
reminders) and to the employer member who created the interview (confirmed, asked to
reschedule, declined). Times are written in Beijing time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from jobs_api.inbox.service import Notice, deliver
from jobs_api.interviews.models import Interview
from jobs_api.interviews.slots import Span, beijing_range

GRADUATE_LINK = "/me/interviews"
EMPLOYER_LINK = "/employer/interviews"


@dataclass(frozen=True, slots=True)
class Names:
    """What a message may name: the job, the employer and the candidate."""

    job_title: str
    employer_name: str
    candidate_name: str = ""


def _stamp(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%S%f")


def _payload(interview: Interview, **extra: object) -> dict[str, object]:
    return {
        "interview_id": interview.id,
        "application_id": interview.application_id,
        "status": interview.status,
        **extra,
    }


def _to_graduate(
    session: Session, interview: Interview, kind: str, key: str, texts: tuple[str, str, str, str]
) -> None:
    title_zh, title_en, body_zh, body_en = texts
    deliver(
        session,
        interview.user_id,
        Notice(
            kind=f"interview.{kind}",
            title_zh=title_zh,
            title_en=title_en,
            body_zh=body_zh,
            body_en=body_en,
            link=GRADUATE_LINK,
            payload=_payload(interview),
            dedupe_key=f"interview:{interview.id}:{key}",
        ),
    )


def _to_employer(
    session: Session, interview: Interview, kind: str, key: str, texts: tuple[str, str, str, str]
) -> None:
    title_zh, title_en, body_zh, body_en = texts
    deliver(
        session,
        interview.created_by,
        Notice(
            kind=f"interview.{kind}",
            title_zh=title_zh,
            title_en=title_en,
            body_zh=body_zh,
            body_en=body_en,
            link=EMPLOYER_LINK,
            payload=_payload(interview),
            dedupe_key=f"interview:{interview.id}:{key}",
        ),
    )


def invited(session: Session, interview: Interview, names: Names, slots: int) -> None:
    _to_graduate(
        session,
        interview,
        "proposed",
        "proposed",
        (
            f"面试邀请：{names.employer_name}",
            f"Interview invitation: {names.employer_name}",
            f"{names.employer_name}邀请你参加“{names.job_title}”第 {interview.round} 轮面试，"
            f"提供了 {slots} 个可选时段，请在“我的面试”中确认。",
            f"{names.employer_name} invites you to round {interview.round} of the interview for "
            f"{names.job_title} and offers {slots} time slot(s); please choose one.",
        ),
    )


def new_times(session: Session, interview: Interview, names: Names, now: datetime) -> None:
    _to_graduate(
        session,
        interview,
        "rescheduled",
        f"rescheduled:{_stamp(now)}",
        (
            f"面试时间已更新：{names.employer_name}",
            f"New interview times: {names.employer_name}",
            f"{names.employer_name}为“{names.job_title}”的面试提供了新的时段，请重新确认。",
            f"{names.employer_name} offers new times for the {names.job_title} interview; "
            "please choose one.",
        ),
    )


def cancelled_by_employer(
    session: Session, interview: Interview, names: Names, now: datetime
) -> None:
    _to_graduate(
        session,
        interview,
        "cancelled",
        f"cancelled:{_stamp(now)}",
        (
            f"面试已取消：{names.employer_name}",
            f"Interview cancelled: {names.employer_name}",
            f"{names.employer_name}取消了“{names.job_title}”的面试。原因：{interview.cancel_reason}",
            f"{names.employer_name} cancelled the {names.job_title} interview. "
            f"Reason: {interview.cancel_reason}",
        ),
    )


def confirmed(session: Session, interview: Interview, names: Names, now: datetime) -> None:
    assert interview.starts_at is not None and interview.ends_at is not None
    when = beijing_range(Span(interview.starts_at, interview.ends_at))
    _to_employer(
        session,
        interview,
        "confirmed",
        f"confirmed:{_stamp(now)}",
        (
            f"面试已确认：{names.candidate_name}",
            f"Interview confirmed: {names.candidate_name}",
            f"{names.candidate_name}确认了“{names.job_title}”的面试时间：{when}（北京时间）。",
            f"{names.candidate_name} confirmed the {names.job_title} interview: "
            f"{when} (Beijing time).",
        ),
    )


def reschedule_requested(
    session: Session, interview: Interview, names: Names, now: datetime
) -> None:
    _to_employer(
        session,
        interview,
        "reschedule_requested",
        f"reschedule-requested:{_stamp(now)}",
        (
            f"申请改期：{names.candidate_name}",
            f"Reschedule requested: {names.candidate_name}",
            f"{names.candidate_name}希望调整“{names.job_title}”的面试时间。"
            f"{interview.reschedule_reason}",
            f"{names.candidate_name} asks for other times for the {names.job_title} interview. "
            f"{interview.reschedule_reason}",
        ),
    )


def declined(session: Session, interview: Interview, names: Names, now: datetime) -> None:
    _to_employer(
        session,
        interview,
        "declined",
        f"declined:{_stamp(now)}",
        (
            f"面试已被谢绝：{names.candidate_name}",
            f"Interview declined: {names.candidate_name}",
            f"{names.candidate_name}谢绝了“{names.job_title}”的面试。原因：{interview.cancel_reason}",
            f"{names.candidate_name} declined the {names.job_title} interview. "
            f"Reason: {interview.cancel_reason}",
        ),
    )


def reminder(session: Session, interview: Interview, names: Names, kind: str) -> None:
    """A reminder of a confirmed interview; ``kind`` is ``24h`` or ``1h``. The key names the
    kind and the confirmed start, so a rerun never sends it twice and a new time gets new
    reminders."""
    assert interview.starts_at is not None and interview.ends_at is not None
    when = beijing_range(Span(interview.starts_at, interview.ends_at))
    soon_zh, soon_en = ("1 小时内", "within the hour")
    if kind != "1h":
        soon_zh, soon_en = "24 小时内", "within 24 hours"
    where_zh = interview.location or ("线上" if interview.meeting_url else "")
    _to_graduate(
        session,
        interview,
        "reminder",
        f"reminder:{kind}:{interview.starts_at.astimezone(UTC).strftime('%Y%m%dT%H%MZ')}",
        (
            f"面试提醒：{names.employer_name}",
            f"Interview reminder: {names.employer_name}",
            f"你的“{names.job_title}”面试将于{soon_zh}开始：{when}（北京时间）"
            + (f"，{where_zh}" if where_zh else "")
            + "。",
            f"Your {names.job_title} interview starts {soon_en}: {when} (Beijing time).",
        ),
    )
