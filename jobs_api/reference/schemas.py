"""Response shapes of the reference API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

RegionLevel = Literal["province", "prefecture"]
IndustryLevel = Literal["section", "division"]


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class DisciplineOut(_Out):
    code: str = Field(examples=["08"])
    name: str = Field(examples=["工学"])


class MajorCategoryOut(_Out):
    code: str = Field(examples=["0809"])
    name: str = Field(examples=["计算机类"])
    discipline_code: str = Field(examples=["08"])


class MajorOut(_Out):
    code: str = Field(description="Official code, T/K suffix kept", examples=["080910T"])
    name: str = Field(examples=["数据科学与大数据技术"])
    category_code: str = Field(examples=["0809"])
    discipline_code: str = Field(examples=["08"])
    degree_category: str | None = Field(
        description="学位授予门类; several are joined by '/'", examples=["理学/工学"]
    )
    is_special: bool = Field(description="特设专业 (T)")
    is_controlled: bool = Field(description="国家控制布点专业 (K)")
    study_years: str | None = Field(description="修业年限, e.g. '4' or '4/5'", examples=["4"])
    year_added: int | None = Field(description="增设年度, for majors added after 2012")
    catalog_edition: str = Field(examples=["2024"])


class MajorDetailOut(MajorOut):
    category: MajorCategoryOut
    discipline: DisciplineOut
    note: str | None


class RegionOut(_Out):
    code: str = Field(examples=["320500"])
    name: str = Field(examples=["苏州市"])
    short_name: str = Field(examples=["苏州"])
    level: RegionLevel
    parent_code: str | None = Field(examples=["320000"])
    kind: str = Field(
        description=(
            "province | autonomous_region | municipality | sar (province level); city | area |"
            " autonomous_prefecture | league | municipal_city | direct_county (prefecture level)"
        )
    )
    is_mainland: bool


class IndustryOut(_Out):
    code: str = Field(examples=["I", "65"])
    name: str = Field(examples=["软件和信息技术服务业"])
    level: IndustryLevel
    parent_code: str | None


class OccupationOut(_Out):
    code: str = Field(examples=["2-02-10-03"])
    name: str = Field(examples=["计算机软件工程技术人员"])
    level: int = Field(ge=1, le=4, description="1 大类, 2 中类, 3 小类, 4 职业")
    parent_code: str | None
    definition: str | None
    is_green: bool = Field(description="绿色职业 (L)")
    is_digital: bool = Field(description="数字职业 (S)")


class DegreeLevelOut(_Out):
    code: str = Field(examples=["bachelor"])
    name_zh: str = Field(examples=["本科"])
    name_en: str = Field(examples=["Bachelor"])
    rank: int


class EmployerTypeOut(_Out):
    code: str = Field(examples=["private_enterprise"])
    name_zh: str = Field(examples=["民营企业"])
    name_en: str = Field(examples=["Private enterprise"])
    national_code: str = Field(
        description="单位性质代码 of the national graduate employment statistics", examples=["39"]
    )
    national_name_zh: str = Field(examples=["其他企业"])
