from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from jobs_api.core.db import Base, UTCDateTime, utcnow


class University(Base):
    __tablename__ = "universities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(10), unique=True, comment="院校代码 (MoE 5 digits)")
    name: Mapped[str] = mapped_column(String(100), unique=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("ref_regions.code"), index=True)
    city_code: Mapped[str] = mapped_column(ForeignKey("ref_regions.code"), index=True)
    level: Mapped[str] = mapped_column(String(20), comment="undergraduate | vocational")
    is_double_first_class: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
