"""Reference tables: public classifications the rest of the platform points at by code.

Every table is keyed by the official code of its standard (or a stable slug where the
standard has none), so other domains can store a plain code column with a foreign key.
The rows are loaded and kept current by :func:`jobs_api.reference.service.load_reference`.
"""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobs_api.core.db import Base


class Discipline(Base):
    """学科门类 of the undergraduate major catalog (e.g. ``08`` 工学)."""

    __tablename__ = "ref_disciplines"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(16))


class MajorCategory(Base):
    """专业类 (e.g. ``0809`` 计算机类)."""

    __tablename__ = "ref_major_categories"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    name: Mapped[str] = mapped_column(String(32))
    discipline_code: Mapped[str] = mapped_column(
        String(2), ForeignKey("ref_disciplines.code"), index=True
    )


class Major(Base):
    """本科专业 of 普通高等学校本科专业目录; ``code`` keeps its T/K suffix (``080910T``)."""

    __tablename__ = "ref_majors"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    category_code: Mapped[str] = mapped_column(
        String(4), ForeignKey("ref_major_categories.code"), index=True
    )
    discipline_code: Mapped[str] = mapped_column(
        String(2), ForeignKey("ref_disciplines.code"), index=True
    )
    # 学位授予门类: one or more discipline names joined by "/" (e.g. "理学/工学").
    degree_category: Mapped[str | None] = mapped_column(String(32))
    is_special: Mapped[bool] = mapped_column(Boolean, default=False)  # 特设专业 (T)
    is_controlled: Mapped[bool] = mapped_column(Boolean, default=False)  # 国家控制布点 (K)
    study_years: Mapped[str | None] = mapped_column(String(8))  # 修业年限: "4", "5", "4/5"
    year_added: Mapped[int | None] = mapped_column(SmallInteger)  # 增设年度 (after 2012)
    note: Mapped[str | None] = mapped_column(String(64))
    catalog_order: Mapped[int] = mapped_column(SmallInteger)  # 序号 in the catalog
    catalog_edition: Mapped[str] = mapped_column(String(8))

    category: Mapped[MajorCategory] = relationship(lazy="raise")
    discipline: Mapped[Discipline] = relationship(lazy="raise")


class Region(Base):
    """Province-level and prefecture-level divisions, keyed by 6-digit 行政区划代码."""

    __tablename__ = "ref_regions"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(32))
    short_name: Mapped[str] = mapped_column(String(32))
    level: Mapped[str] = mapped_column(String(16), index=True)  # "province" | "prefecture"
    parent_code: Mapped[str | None] = mapped_column(
        String(6), ForeignKey("ref_regions.code"), index=True
    )
    # province, autonomous_region, municipality, sar | city, area, autonomous_prefecture,
    # league, municipal_city, direct_county (see data/SOURCES.md)
    kind: Mapped[str] = mapped_column(String(24))
    is_mainland: Mapped[bool] = mapped_column(Boolean, default=True)


class Industry(Base):
    """GB/T 4754-2017 sections (门类, ``A``..``T``) and divisions (大类, ``01``..``97``)."""

    __tablename__ = "ref_industries"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(16), index=True)  # "section" | "division"
    parent_code: Mapped[str | None] = mapped_column(
        String(4), ForeignKey("ref_industries.code"), index=True
    )
    sort_order: Mapped[int] = mapped_column(SmallInteger)


class DegreeLevel(Base):
    """Degree / education levels a graduate can hold or a job can require."""

    __tablename__ = "ref_degree_levels"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(16))
    name_en: Mapped[str] = mapped_column(String(32))
    rank: Mapped[int] = mapped_column(SmallInteger, unique=True)


class EmployerType(Base):
    """Employer types (单位性质), each mapped to its national employment-statistics code."""

    __tablename__ = "ref_employer_types"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(32))
    name_en: Mapped[str] = mapped_column(String(64))
    national_code: Mapped[str] = mapped_column(String(2), index=True)
    national_name_zh: Mapped[str] = mapped_column(String(32))
    sort_order: Mapped[int] = mapped_column(SmallInteger)


class Occupation(Base):
    """国家职业分类大典 (2022): 大类 (1), 中类 (2), 小类 (3), 细类/职业 (4)."""

    __tablename__ = "ref_occupations"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)  # "2-02-10-03"
    name: Mapped[str] = mapped_column(String(128), index=True)
    level: Mapped[int] = mapped_column(SmallInteger, index=True)
    parent_code: Mapped[str | None] = mapped_column(
        String(10), ForeignKey("ref_occupations.code"), index=True
    )
    definition: Mapped[str | None] = mapped_column(Text)
    tasks: Mapped[str | None] = mapped_column(Text)
    is_green: Mapped[bool] = mapped_column(Boolean, default=False)  # 绿色职业 (L)
    is_digital: Mapped[bool] = mapped_column(Boolean, default=False)  # 数字职业 (S)
