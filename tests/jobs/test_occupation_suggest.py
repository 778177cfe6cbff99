"""Occupation suggestion: obvious titles land in the right family (our own examples, not the
evaluation set), the description helps a vague title, phrases match on word boundaries, the
evaluation counts hits under level-2/3 codes, and the API serves employer members from an index
built once per process on first use."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from jobs_api.cli import app
from jobs_api.core.container import Container
from jobs_api.core.settings import get_settings
from jobs_api.employers.models import VerificationStatus
from jobs_api.identity.principal import Role
from jobs_api.jobs.occupation_suggest import (
    EXTRAS_KEY,
    LabelledTitle,
    OccupationSuggester,
    build_suggester_from_file,
    code_prefix,
    evaluate,
    is_hit,
    strip_mark,
)
from tests.employers.fixtures import member_of
from tests.factories.identity import make_user, sign_in
from tests.factories.jobs import make_employer

SUGGEST = "/api/v1/jobs/occupation-suggestions"


@pytest.fixture(scope="module")
def suggester() -> OccupationSuggester:
    return build_suggester_from_file()


@pytest.mark.parametrize(
    ("title", "family"),
    [
        ("Java开发工程师", "2-02-10-"),  # 信息和通信工程技术人员 (software engineering)
        ("Python后端开发", "2-02-10-"),
        ("小学语文教师", "2-08-02-04"),
        ("会计", "2-06-03-"),
        ("机械设计工程师", "2-02-07-01"),
        ("新媒体运营", "4-13-01-05"),
        ("电工", "6-31-01-03"),
        ("幼儿园老师", "2-08-03-"),
    ],
)
def test_obvious_titles_land_in_their_family(
    suggester: OccupationSuggester, title: str, family: str
) -> None:
    result = suggester.suggest(title, k=5)
    assert result.top is not None
    assert result.top.code.startswith(family), [(s.code, s.name) for s in result.items]
    assert result.confident


def test_suggestions_carry_parents_and_scores_in_order(suggester: OccupationSuggester) -> None:
    result = suggester.suggest("Java开发工程师", k=4)
    assert len(result.items) == 4
    top = result.items[0]
    assert (top.code, top.name) == ("2-02-10-03", "计算机软件工程技术人员")
    assert [p.code for p in top.parents] == ["2-00-00-00", "2-02-00-00", "2-02-10-00"]
    assert top.parents[-1].name == "信息和通信工程技术人员"
    assert top.phrase == "java开发"
    scores = [s.score for s in result.items]
    assert scores == sorted(scores, reverse=True)
    assert len({s.code for s in result.items}) == 4
    assert all(s.code.count("-") == 3 for s in result.items)


def test_the_description_moves_a_vague_title(suggester: OccupationSuggester) -> None:
    vague = suggester.suggest("工程师", k=3)
    assert not vague.confident
    described = suggester.suggest(
        "工程师", "负责Java后端服务开发，设计、编码和测试计算机软件，编写软件设计文档。", k=3
    )
    assert described.top is not None and described.top.code == "2-02-10-03"
    assert described.top.code not in {s.code for s in vague.items[:1]}


def test_phrases_match_on_word_boundaries(suggester: OccupationSuggester) -> None:
    civil = suggester.suggest("土木工程师", k=3)
    assert civil.top is not None
    assert civil.top.code == "2-02-18-02"  # 土木建筑工程技术人员, not 木工 found inside the title
    assert all(s.phrase != "木工" for s in civil.items)
    plugin = suggester.suggest("phpstorm插件开发", k=5)
    assert all(s.phrase != "php" for s in plugin.items)


def test_nothing_to_match_gives_nothing(suggester: OccupationSuggester) -> None:
    for title in ("", "！！！", "zzqxv"):
        result = suggester.suggest(title)
        assert result.items == () and not result.confident and result.top is None


def test_k_is_bounded(suggester: OccupationSuggester) -> None:
    assert len(suggester.suggest("工程师", k=50).items) == 20
    assert len(suggester.suggest("工程师", k=0).items) == 1


def test_marks_are_stripped_only_after_chinese() -> None:
    assert strip_mark("计算机软件工程技术人员S") == "计算机软件工程技术人员"
    assert strip_mark("地理信息系统工程技术人员L/S") == "地理信息系统工程技术人员"
    assert strip_mark("IOS") == "IOS"


def test_hits_count_under_higher_level_codes() -> None:
    assert code_prefix("2-02-00-00") == "2-02-"
    assert code_prefix("2-02-10-00") == "2-02-10-"
    assert code_prefix("2-02-10-03") == "2-02-10-03"
    assert is_hit("2-02-10-03", "2-02-00-00")
    assert is_hit("2-02-10-03", "2-02-10-00")
    assert is_hit("2-02-10-03", "2-02-10-03")
    assert not is_hit("2-02-10-03", "2-02-10-04")
    assert not is_hit("2-02-10-13", "2-02-10-1")  # no partial groups
    assert not is_hit("2-03-10-03", "2-02-00-00")
    assert is_hit("1-06-02-00", "1-06-02-00")  # a 小类 that is itself an occupation


def test_evaluate_counts_top1_and_top10(suggester: OccupationSuggester) -> None:
    cases = [
        LabelledTitle("Java开发工程师", "2-02-10-03"),  # top-1 hit
        LabelledTitle("Java开发工程师", "2-02-00-00"),  # top-1 hit under a 中类
        LabelledTitle("Java开发工程师", "2-02-10-08"),  # second place: a top-10 hit only
        LabelledTitle("Java开发工程师", "8-00-00-00"),  # a miss
    ]
    seen: list[tuple[int, int]] = []
    report = evaluate(suggester, cases, progress=lambda _s, done, total: seen.append((done, total)))
    assert (report.cases, report.top1, report.top10) == (4, 2, 3)
    assert report.top1_accuracy == 0.5 and report.top10_accuracy == 0.75
    assert report.ms_per_title > 0
    assert seen == [(0, 4), (4, 4)]


# --- the API (both platforms: the index comes from ref_occupations) ------------------------


def test_members_get_suggestions_built_once(
    api: TestClient, db: Session, container: Container
) -> None:
    owner = member_of(db, make_employer(db).id, container.settings)
    db.commit()
    assert EXTRAS_KEY not in container.extras  # nothing is built before the first use
    response = api.post(
        SUGGEST,
        json={"title": "Java开发工程师", "description": "负责后端服务开发", "k": 3},
        headers=owner.headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["confident"] is True
    assert body["items"][0]["code"] == "2-02-10-03"
    assert len(body["items"]) == 3
    first = body["items"][0]
    assert first["name"] == "计算机软件工程技术人员"
    assert first["parents"][-1] == {"code": "2-02-10-00", "name": "信息和通信工程技术人员"}
    assert first["matched_phrase"] == "java开发"
    built = container.extras[EXTRAS_KEY]
    again = api.post(SUGGEST, json={"title": "会计"}, headers=owner.headers)
    assert again.status_code == 200
    assert again.json()["items"][0]["code"].startswith("2-06-03-")
    assert len(again.json()["items"]) == 5  # default k
    assert container.extras[EXTRAS_KEY] is built


def test_an_unverified_employer_may_ask_too(
    api: TestClient, db: Session, container: Container
) -> None:
    pending = make_employer(db, status=VerificationStatus.NEEDS_REVIEW)
    member = member_of(db, pending.id, container.settings)
    db.commit()
    assert api.post(SUGGEST, json={"title": "会计"}, headers=member.headers).status_code == 200


@pytest.mark.parametrize(
    "body", [{"title": ""}, {"title": "会计", "k": 0}, {"title": "会计", "x": 1}]
)
def test_bad_input_is_422(
    api: TestClient, db: Session, container: Container, body: dict[str, object]
) -> None:
    owner = member_of(db, make_employer(db).id, container.settings)
    db.commit()
    response = api.post(SUGGEST, json=body, headers=owner.headers)
    assert response.status_code == 422


def test_only_employer_members(api: TestClient, db: Session, container: Container) -> None:
    assert api.post(SUGGEST, json={"title": "会计"}).status_code == 401
    admin = sign_in(db, make_user(db, Role.NATIONAL_ADMIN, container.settings), container.settings)
    db.commit()
    assert api.post(SUGGEST, json={"title": "会计"}, headers=admin.headers).status_code == 403


# --- the command -------------------------------------------------------------------------------


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    for name in ("DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL"):
        monkeypatch.delenv(f"GRADMATCH_{name}", raising=False)
    monkeypatch.setenv("GRADMATCH_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("GRADMATCH_ENVIRONMENT", "test")
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_the_command_prints_codes_and_measures(cli_env: Path) -> None:
    runner = CliRunner()
    shown = runner.invoke(app, ["classify-occupation", "Java开发工程师", "--k", "3"])
    assert shown.exit_code == 0, shown.output
    assert "2-02-10-03" in shown.output and "计算机软件工程技术人员" in shown.output
    assert "confident" in shown.output

    labelled = cli_env / "mine.csv"
    labelled.write_text(
        "job_name,expected_code,expected_name\n"
        "Java开发工程师,2-02-10-00,信息和通信工程技术人员\n"
        "小学语文教师,2-08-02-04,小学教师\n"
        "会计,8-00-00-00,不便分类的其他从业人员\n",
        encoding="utf-8",
    )
    measured = runner.invoke(app, ["classify-occupation", "--eval", str(labelled)])
    assert measured.exit_code == 0, measured.output
    assert "3 titles" in measured.output
    assert "top-1 accuracy  66.7% (2)" in measured.output
    assert "top-10 accuracy 66.7% (2)" in measured.output

    assert runner.invoke(app, ["classify-occupation"]).exit_code == 2
