from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jobs_api.core.db import Base, UTCDateTime, utcnow


class OfferStatus(StrEnum):
    ISSUED = "issued"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"  # by the employer, before the graduate answered
    EXPIRED = "expired"


class Offer(Base):
    """An employer's offer on an application (录用通知). One open or accepted offer per
    application."""

    __tablename__ = "offers"
    __table_args__ = (
        Index("ix_offers_user", "user_id", "id"),
        Index("ix_offers_employer_status", "employer_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), index=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), comment="the graduate")
    position_title: Mapped[str] = mapped_column(String(100))
    monthly_salary: Mapped[int] = mapped_column(Integer, comment="RMB before tax")
    salary_months: Mapped[int] = mapped_column(Integer, default=12)
    workplace_city_code: Mapped[str] = mapped_column(ForeignKey("ref_regions.code"))
    start_date: Mapped[date] = mapped_column(Date)
    probation_months: Mapped[int] = mapped_column(Integer, default=0)
    respond_by: Mapped[date] = mapped_column(Date, comment="the offer expires after this day")
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default=OfferStatus.ISSUED)
    issued_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    decline_reason: Mapped[str] = mapped_column(Text, default="")


class AgreementStatus(StrEnum):
    DRAFT = "draft"  # drafted from the accepted offer; neither party signed yet
    SIGNING = "signing"  # one of graduate / employer signed
    PENDING_APPROVAL = "pending_approval"  # both signed; the career office decides
    SIGNED = "signed"  # 已签约: approved by the career office
    RETURNED = "returned"  # the career office sent it back with a reason (re-draft, re-sign)
    TERMINATION_REQUESTED = "termination_requested"  # 解约 asked for, awaiting approval
    TERMINATED = "terminated"  # 已解约


class Agreement(Base):
    """The tripartite employment agreement (三方协议) between graduate, employer and
    university, drafted from an accepted offer. ``verification_code`` is printed on the PDF;
    anyone can check it on the public verification page."""

    __tablename__ = "agreements"
    __table_args__ = (
        Index("ix_agreements_university_status", "university_id", "status", "id"),
        Index("ix_agreements_employer_status", "employer_id", "status", "id"),
        Index("ix_agreements_user", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_number: Mapped[str] = mapped_column(String(24), unique=True, comment="协议编号")
    verification_code: Mapped[str] = mapped_column(String(16), unique=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"), unique=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"))
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), comment="the graduate")
    student_record_id: Mapped[int] = mapped_column(ForeignKey("student_records.id"))
    university_id: Mapped[int] = mapped_column(ForeignKey("universities.id"))
    position_title: Mapped[str] = mapped_column(String(100))
    monthly_salary: Mapped[int] = mapped_column(Integer)
    salary_months: Mapped[int] = mapped_column(Integer, default=12)
    workplace_city_code: Mapped[str] = mapped_column(ForeignKey("ref_regions.code"))
    start_date: Mapped[date] = mapped_column(Date)
    term_months: Mapped[int] = mapped_column(Integer, comment="contract term (服务期)")
    probation_months: Mapped[int] = mapped_column(Integer, default=0)
    breach_penalty: Mapped[int] = mapped_column(Integer, default=0, comment="违约金, RMB")
    other_terms: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(24), default=AgreementStatus.DRAFT)
    graduate_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    employer_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    employer_signed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    return_reason: Mapped[str] = mapped_column(Text, default="")
    termination_reason: Mapped[str] = mapped_column(Text, default="")
    termination_requested_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id"), nullable=True
    )
    termination_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    terminated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class AgreementEvent(Base):
    """Who did what to an agreement, and when (the trail printed under the PDF's terms)."""

    __tablename__ = "agreement_events"
    __table_args__ = (Index("ix_agreement_events_agreement", "agreement_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"))
    action: Mapped[str] = mapped_column(String(32), comment="drafted, graduate_signed, ...")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    actor_role: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
