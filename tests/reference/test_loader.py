"""Loading the reference data into a real SQLite database: counts, idempotence, facts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import ColumnElement, Engine, delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from jobs_api.core.db import Base, build_engine, build_session_factory, job_session
from jobs_api.reference.models import (
    DegreeLevel,
    Discipline,
    EmployerType,
    Industry,
    Major,
    MajorCategory,
    Occupation,
    Region,
)
from jobs_api.reference.service import LoadReport, load_reference

REFERENCE_TABLES = [t for t in Base.metadata.sorted_tables if t.name.startswith("ref_")]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path: Path = tmp_path_factory.mktemp("reference") / "reference.db"
    built = build_engine(f"sqlite:///{path}")
    Base.metadata.create_all(built, tables=REFERENCE_TABLES)
    yield built
    built.dispose()


@pytest.fixture(scope="module")
def factory(engine: Engine) -> sessionmaker[Session]:
    return build_session_factory(engine)


@pytest.fixture(scope="module")
def first_report(factory: sessionmaker[Session]) -> LoadReport:
    with job_session(factory) as session:
        return load_reference(session)


@pytest.fixture
def session(factory: sessionmaker[Session], first_report: LoadReport) -> Iterator[Session]:
    """A session on the loaded database whose changes are rolled back."""
    s = factory()
    try:
        yield s
    finally:
        s.rollback()
        s.close()


def _count(session: Session, *criteria: ColumnElement[bool], model: type[Base]) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*criteria)) or 0


def test_first_load_inserts_every_row(first_report: LoadReport) -> None:
    counts = first_report.tables
    assert set(counts) == {t.name for t in REFERENCE_TABLES}
    assert counts["ref_disciplines"].inserted == 12
    assert counts["ref_major_categories"].inserted == 93
    assert counts["ref_majors"].inserted == 816
    assert counts["ref_industries"].inserted == 20 + 97
    assert counts["ref_degree_levels"].inserted == 4
    assert counts["ref_occupations"].inserted >= 2000
    for name, table_counts in counts.items():
        assert table_counts.updated == 0, name
        assert table_counts.unchanged == 0, name
        assert table_counts.stale == 0, name
    assert first_report.changed
    assert first_report.seconds < 10


def test_second_load_changes_nothing(
    factory: sessionmaker[Session], first_report: LoadReport
) -> None:
    with job_session(factory) as session:
        report = load_reference(session)
    assert not report.changed
    for name, counts in report.tables.items():
        assert counts.inserted == counts.updated == counts.stale == 0, name
        assert counts.unchanged == first_report.tables[name].inserted, name


def test_reload_repairs_changed_and_missing_rows_and_counts_stale_ones(session: Session) -> None:
    session.execute(update(Major).where(Major.code == "080902").values(name="软件"))
    session.execute(delete(Region).where(Region.code == "320500"))
    session.add(Discipline(code="11", name="军事学"))
    session.flush()

    report = load_reference(session)

    assert report.tables["ref_majors"].updated == 1
    assert report.tables["ref_majors"].unchanged == 815
    assert report.tables["ref_regions"].inserted == 1
    assert report.tables["ref_disciplines"].stale == 1
    assert session.scalar(select(Major.name).where(Major.code == "080902")) == "软件工程"
    assert session.scalar(select(Region.name).where(Region.code == "320500")) == "苏州市"
    # stale keys are reported, never deleted (other tables may still point at them)
    assert session.get(Discipline, "11") is not None


def test_loader_does_not_commit(factory: sessionmaker[Session], session: Session) -> None:
    session.execute(update(Major).where(Major.code == "050201").values(name="英文"))
    load_reference(session)
    session.rollback()
    with factory() as other:
        assert other.scalar(select(Major.name).where(Major.code == "050201")) == "英语"


@pytest.mark.parametrize(
    ("code", "name", "category", "special", "controlled"),
    [
        ("080901", "计算机科学与技术", "0809", False, False),
        ("080902", "软件工程", "0809", False, False),
        ("020301K", "金融学", "0203", False, True),
        ("100201K", "临床医学", "1002", False, True),
        ("101101K", "护理学", "1011", False, True),
        ("050201", "英语", "0502", False, False),
        ("120203K", "会计学", "1202", False, True),
        ("081001", "土木工程", "0810", False, False),
        ("080717T", "人工智能", "0807", True, False),
        ("080911TK", "网络空间安全", "0809", True, True),
        ("0502100T", "语言学", "0502", True, False),
    ],
)
def test_well_known_majors(
    session: Session, code: str, name: str, category: str, special: bool, controlled: bool
) -> None:
    major = session.get(Major, code)
    assert major is not None
    assert (major.name, major.category_code, major.discipline_code) == (
        name,
        category,
        category[:2],
    )
    assert (major.is_special, major.is_controlled) == (special, controlled)
    assert major.catalog_edition == "2024"


def test_major_details(session: Session) -> None:
    cs = session.get(Major, "080901")
    assert cs is not None
    assert cs.degree_category == "理学/工学"
    assert cs.study_years == "4"
    assert session.get(Major, "100201K").study_years == "5"  # type: ignore[union-attr]
    ai = session.get(Major, "080717T")
    assert ai is not None and ai.year_added == 2018
    nursing = session.get(Major, "101101K")
    assert nursing is not None and nursing.note == "2024年起调整为国控"


def test_catalog_structure(session: Session) -> None:
    assert session.get(Discipline, "08").name == "工学"  # type: ignore[union-attr]
    assert session.get(MajorCategory, "0809").name == "计算机类"  # type: ignore[union-attr]
    assert _count(session, model=Discipline) == 12
    assert _count(session, model=MajorCategory) == 93
    assert _count(session, model=Major) >= 700
    # every major's category and discipline exist and agree with each other
    rows = session.execute(
        select(Major.code, Major.discipline_code, MajorCategory.discipline_code, Discipline.code)
        .join(MajorCategory, Major.category_code == MajorCategory.code)
        .join(Discipline, Major.discipline_code == Discipline.code)
    ).all()
    assert len(rows) == _count(session, model=Major)
    for code, discipline, category_discipline, known in rows:
        assert discipline == category_discipline == known == code[:2]
    # every category has at least one major
    empty = session.scalars(
        select(MajorCategory.code).where(
            ~select(Major.code).where(Major.category_code == MajorCategory.code).exists()
        )
    ).all()
    assert empty == []
    # catalog order is the 1..n serial number of the catalog
    orders = session.scalars(select(Major.catalog_order).order_by(Major.catalog_order)).all()
    assert list(orders) == list(range(1, len(orders) + 1))


def test_regions(session: Session) -> None:
    provinces = session.scalars(select(Region).where(Region.level == "province")).all()
    assert len([p for p in provinces if p.is_mainland]) == 31
    assert {p.code for p in provinces if not p.is_mainland} == {"710000", "810000", "820000"}
    assert all(p.parent_code is None for p in provinces)

    prefecture_level = _count(
        session,
        Region.level == "prefecture",
        Region.kind.in_(["city", "area", "autonomous_prefecture", "league"]),
        model=Region,
    )
    assert prefecture_level == 333
    assert _count(session, Region.level == "prefecture", model=Region) >= 330

    suzhou = session.get(Region, "320500")
    assert suzhou is not None
    assert (suzhou.name, suzhou.short_name, suzhou.parent_code, suzhou.kind) == (
        "苏州市",
        "苏州",
        "320000",
        "city",
    )
    assert session.get(Region, "440300").name == "深圳市"  # type: ignore[union-attr]
    assert session.get(Region, "330782") is None  # 义乌市 is a county, not prefecture level
    assert session.get(Region, "371200") is None  # 莱芜市 was merged into 济南市 in 2019
    assert session.get(Region, "540600").name == "那曲市"  # type: ignore[union-attr]
    assert session.get(Region, "460400").kind == "city"  # type: ignore[union-attr]
    xiantao = session.get(Region, "429004")
    assert xiantao is not None
    assert (xiantao.kind, xiantao.parent_code) == ("direct_county", "420000")
    for city, province in [("110100", "110000"), ("120100", "120000"), ("310100", "310000")]:
        row = session.get(Region, city)
        assert row is not None
        assert (row.kind, row.parent_code, row.level) == ("municipal_city", province, "prefecture")
    assert session.get(Region, "500100").name == "重庆市"  # type: ignore[union-attr]
    # every prefecture-level row hangs under a province
    parents = {r.parent_code for r in session.scalars(select(Region)).all() if r.parent_code}
    assert parents <= {p.code for p in provinces}


def test_industries(session: Session) -> None:
    sections = session.scalars(
        select(Industry).where(Industry.level == "section").order_by(Industry.sort_order)
    ).all()
    assert [s.code for s in sections] == [chr(c) for c in range(ord("A"), ord("T") + 1)]
    assert sections[0].name == "农、林、牧、渔业"
    assert session.get(Industry, "I").name == "信息传输、软件和信息技术服务业"  # type: ignore[union-attr]
    assert session.get(Industry, "T").name == "国际组织"  # type: ignore[union-attr]
    divisions = session.scalars(select(Industry).where(Industry.level == "division")).all()
    assert sorted(d.code for d in divisions) == [f"{n:02d}" for n in range(1, 98)]
    assert {d.parent_code for d in divisions} == {s.code for s in sections}
    software = session.get(Industry, "65")
    assert software is not None
    assert (software.name, software.parent_code) == ("软件和信息技术服务业", "I")
    assert session.get(Industry, "39").parent_code == "C"  # type: ignore[union-attr]


def test_occupations(session: Session) -> None:
    assert _count(session, Occupation.level == 1, model=Occupation) == 8
    assert _count(session, Occupation.level == 4, model=Occupation) >= 1600
    programmer = session.get(Occupation, "2-02-10-03")
    assert programmer is not None
    assert programmer.name == "计算机软件工程技术人员"  # the "S" mark moved into the flag
    assert programmer.is_digital and not programmer.is_green
    assert programmer.level == 4 and programmer.parent_code == "2-02-10-00"
    assert programmer.definition and "软件" in programmer.definition
    group = session.get(Occupation, "2-02-10-00")
    assert group is not None and group.level == 3 and group.parent_code == "2-02-00-00"
    assert session.get(Occupation, "2-00-00-00").name == "专业技术人员"  # type: ignore[union-attr]
    levels = {
        code: level for code, level in session.execute(select(Occupation.code, Occupation.level))
    }
    for code, parent in session.execute(select(Occupation.code, Occupation.parent_code)).all():
        if levels[code] == 1:
            assert parent is None
        else:
            assert parent is not None and levels[parent] < levels[code], code
    marked = session.scalars(
        select(Occupation.name).where(Occupation.name.like("%S") | Occupation.name.like("%L"))
    ).all()
    assert marked == []
    assert _count(session, Occupation.is_green.is_(True), model=Occupation) >= 100


def test_degree_levels_and_employer_types(session: Session) -> None:
    levels = session.scalars(select(DegreeLevel).order_by(DegreeLevel.rank)).all()
    assert [(d.code, d.rank) for d in levels] == [
        ("junior_college", 1),
        ("bachelor", 2),
        ("master", 3),
        ("doctor", 4),
    ]
    types = {e.code: e for e in session.scalars(select(EmployerType)).all()}
    assert types["state_owned_enterprise"].national_code == "31"
    assert types["private_enterprise"].name_zh == "民营企业"
    assert types["private_enterprise"].national_code == "39"
    assert types["sino_foreign_joint_venture"].national_code == "32"
    assert {e.national_code for e in types.values()} == {
        "10",
        "20",
        "21",
        "22",
        "23",
        "29",
        "31",
        "32",
        "39",
        "40",
        "55",
        "56",
        "99",
    }
