"""Screening engine: normalisation, exceptions, highlighting, salary rules and the rule file's
schema (a malformed file fails loudly at load)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from employer_verification.screening import (
    JobPost,
    RuleFileError,
    RuleMatch,
    SalaryBand,
    default_rules,
    highlight,
    load_rules,
    normalise,
    parse_rules,
    screen_job,
)
from employer_verification.screening.rules import DEFAULT_RULES_PATH


def _raw_rules() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))
    return data


def _minimal(**rule: Any) -> dict[str, Any]:
    """A one-rule file for testing the loader and exception scopes."""
    base: dict[str, Any] = {
        "id": "test.rule",
        "category": "test",
        "severity": "review",
        "patterns": ["押金"],
        "message_zh": "测试",
        "message_en": "test",
    }
    base.update(rule)
    return {
        "version": 1,
        "categories": {"test": {"zh": "测试", "en": "Test"}},
        "text_rules": [base],
    }


def _rule_ids(post: JobPost, band: SalaryBand | None = None) -> list[str]:
    return [m.rule_id for m in screen_job(post, occupation_salary=band).matches]


# --- normalisation -------------------------------------------------------------------------


def test_normalise_full_width_to_half_width_and_lower_case() -> None:
    assert normalise("ＶＸ：ＡＢＣ１２３，ＱＱ（５）").text == "vx:abc123,qq(5)"


def test_normalise_collapses_whitespace_and_drops_it_next_to_cjk() -> None:
    assert normalise("限 男 性").text == "限男性"
    assert normalise("微信   abc123").text == "微信abc123"
    assert normalise("node.js   and \t vue").text == "node.js and vue"
    assert normalise("138 1234  5678").text == "138 1234 5678"
    assert normalise("  前后空白  ").text == "前后空白"


def test_normalise_keeps_line_breaks_as_sentence_ends() -> None:
    assert normalise("要求：\n\n 1.男").text == "要求:\n1.男"
    assert normalise("a\r\nb").text == "a\nb"


def test_normalise_drops_invisible_characters() -> None:
    assert normalise("加\u200b微\u200d信").text == "加微信"
    assert normalise("\ufeff限男性").text == "限男性"


def test_normalise_maps_offsets_back_to_the_original() -> None:
    original = "请加 ＶＸ：ａｂｃ１２３ 详聊"
    text = normalise(original)
    start = text.text.index("vx")
    end = start + len("vx:abc123")
    orig_start, orig_end = text.original_span(start, end)
    assert original[orig_start:orig_end] == "ＶＸ：ａｂｃ１２３"
    with pytest.raises(ValueError):
        text.original_span(3, 3)


def test_normalise_expanding_characters_map_to_their_source() -> None:
    original = "面积10㎡"  # NFKC expands ㎡ to "m2"
    text = normalise(original)
    assert text.text == "面积10m2"
    assert text.original_span(4, 6) == (4, 5)


def test_matches_point_into_the_original_field_text() -> None:
    post = JobPost(title="客服", description="详情请加 ＶＸ：ｊｏｂ＿２０２４ ，谢谢")
    (match,) = screen_job(post).matches
    assert match.field == "description"
    assert post.description[match.start : match.end] == match.excerpt
    assert match.excerpt == "加 ＶＸ：ｊｏｂ＿２０２４"


# --- rules and exceptions ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["性别不限，能吃苦", "男女不限", "不限性别", "男女均可", "无论男女，均可报名", "男/女不限"],
)
def test_gender_neutral_wording_is_not_flagged(text: str) -> None:
    assert not screen_job(JobPost(title="操作工", requirements=text)).flagged


@pytest.mark.parametrize(
    "text",
    ["仅限男性", "男生优先考虑", "只招女生", "性别：男", "女士优先", "要求：1、男，25岁以下"],
)
def test_gender_restrictions_block(text: str) -> None:
    result = screen_job(JobPost(title="操作工", requirements=text))
    assert result.blocked
    assert result.categories == {"discrimination.gender"}


def test_nurse_is_not_a_gender() -> None:
    assert not screen_job(JobPost(title="招聘护士", requirements="持护士执业证书")).flagged
    assert screen_job(JobPost(title="仅招女护士")).categories == {"discrimination.gender"}


def test_member_conditions_on_a_dating_platform_are_not_applicant_conditions() -> None:
    post = JobPost(title="会员运营", description="平台会员仅限单身人士注册。")
    assert not screen_job(post).flagged
    post = JobPost(title="婚恋顾问", requirements="限未婚女性。")
    assert screen_job(post).categories == {
        "discrimination.marital",
        "discrimination.gender",
    }


def test_fee_waivers_and_company_paid_costs_cancel_fee_matches() -> None:
    assert not screen_job(JobPost(title="x", description="公司不收取任何押金、培训费")).flagged
    assert not screen_job(JobPost(title="x", description="培训费由公司承担")).flagged
    assert not screen_job(JobPost(title="x", description="入职体检费用公司承担")).flagged
    assert screen_job(JobPost(title="x", description="入职需缴纳培训费800元")).blocked


def test_medical_exam_at_own_cost_reviews_unless_reimbursed_in_the_same_sentence() -> None:
    result = screen_job(JobPost(title="x", description="体检费自理。"))
    assert result.severity == "review"
    assert result.categories == {"fraud.fee"}
    assert not screen_job(JobPost(title="x", description="体检费自理，入职后凭发票报销。")).flagged
    # Reimbursement mentioned in another sentence does not cancel.
    flagged = screen_job(JobPost(title="x", description="体检费自理。餐费可报销。"))
    assert flagged.flagged


@pytest.mark.parametrize(
    ("scope", "exception", "text", "cancelled"),
    [
        ("overlap", "不收押金", "不收押金", True),
        ("overlap", "公司", "押金,公司说明", False),
        ("clause", "公司", "公司说明押金,其他", True),
        ("clause", "公司", "押金,公司说明", False),
        ("sentence", "公司", "押金,公司说明", True),
        ("sentence", "公司", "押金。公司说明", False),
        ("sentence", "公司", "押金\n公司说明", False),
    ],
)
def test_exception_scopes(scope: str, exception: str, text: str, cancelled: bool) -> None:
    rules = parse_rules(_minimal(exceptions=[{"pattern": exception, "scope": scope}]))
    result = screen_job(JobPost(title="x", description=text), rules=rules)
    assert result.flagged is not cancelled


def test_overlapping_matches_of_one_rule_merge_into_one_span() -> None:
    post = JobPost(title="x", description="请加微信abc123详聊")
    (match,) = screen_job(post).matches
    assert match.rule_id == "contact.im"
    assert match.excerpt == "加微信abc123"


def test_rule_fields_limit_where_a_rule_applies() -> None:
    rules = parse_rules(_minimal(fields=["title"]))
    assert not screen_job(JobPost(title="x", description="押金"), rules=rules).flagged
    (match,) = screen_job(JobPost(title="押金"), rules=rules).matches
    assert match.field == "title"


def test_benefit_items_are_screened_with_offsets_in_the_joined_text() -> None:
    post = JobPost(title="收银员", benefits=["五险一金", "入职需交工装费200元"])
    (match,) = screen_job(post).matches
    assert match.field == "benefits"
    assert post.field_text("benefits") == "五险一金；入职需交工装费200元"
    assert post.field_text("benefits")[match.start : match.end] == match.excerpt
    with pytest.raises(KeyError):
        post.field_text("salary")


def test_result_reports_severity_and_serialises() -> None:
    clean = screen_job(JobPost(title="软件工程师", description="负责后端开发"))
    assert (clean.flagged, clean.blocked, clean.severity, clean.matches) == (False, False, None, [])
    review = screen_job(JobPost(title="x", description="年龄18-22岁"))
    assert (review.flagged, review.blocked, review.severity) == (True, False, "review")
    mixed = screen_job(JobPost(title="x", description="男性优先，联系电话13812345678"))
    assert mixed.severity == "block"
    assert [m.field for m in mixed.for_field("description")] == ["description"] * 2
    data = mixed.to_dict()
    assert data["flagged"] is True and data["severity"] == "block"
    assert {m["rule_id"] for m in data["matches"]} == {"gender.restriction", "contact.phone"}
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


# --- highlighting --------------------------------------------------------------------------


def _match(start: int, end: int, rule_id: str = "r.one", severity: str = "review") -> RuleMatch:
    return RuleMatch(
        rule_id=rule_id,
        category="c",
        severity="block" if severity == "block" else "review",
        field="description",
        start=start,
        end=end,
        excerpt="",
        message_zh="",
        message_en="",
    )


def test_highlight_escapes_html_and_wraps_spans() -> None:
    text = '<b>男性优先</b> & "加微信"'
    post = JobPost(title="x", description=text)
    result = screen_job(post)
    html = highlight(text, result.matches, field="description")
    assert html == (
        '&lt;b&gt;<mark data-rule="gender.restriction" data-severity="block">男性优先</mark>'
        '&lt;/b&gt; &amp; &quot;<mark data-rule="contact.im" data-severity="review">加微信</mark>'
        "&quot;"
    )


def test_highlight_escapes_matched_text_and_rule_ids() -> None:
    html = highlight("a<b>c", [_match(1, 4, rule_id='x"y')])
    assert html == 'a<mark data-rule="x&quot;y" data-severity="review">&lt;b&gt;</mark>c'


def test_highlight_merges_overlapping_spans_and_keeps_the_strongest_severity() -> None:
    matches = [_match(0, 4, "a.one"), _match(2, 6, "b.two", "block"), _match(8, 9, "a.one")]
    html = highlight("0123456789", matches)
    assert html == (
        '<mark data-rule="a.one b.two" data-severity="block">012345</mark>67'
        '<mark data-rule="a.one" data-severity="review">8</mark>9'
    )


def test_highlight_ignores_empty_out_of_range_and_other_field_spans() -> None:
    other = RuleMatch("r.x", "c", "review", "title", 0, 2, "", "", "")
    html = highlight("abc", [_match(1, 1), _match(2, 10), other], field="description")
    assert html == "abc"
    assert highlight("a&b", []) == "a&amp;b"


def test_highlight_of_salary_matches_changes_nothing() -> None:
    result = screen_job(JobPost(title="x", salary_min=9000, salary_max=6000))
    assert highlight("x", result.matches) == "x"


# --- salary rules --------------------------------------------------------------------------


def test_minimum_above_maximum_blocks() -> None:
    result = screen_job(JobPost(title="x", salary_min=9000, salary_max=6000))
    (match,) = result.matches
    assert (match.rule_id, match.severity, match.field) == (
        "salary.inverted_range",
        "block",
        "salary",
    )
    assert "9000" in match.message_zh and "6000" in match.message_en
    assert match.excerpt == "9000–6000 元/月 × 12"


def test_below_the_national_floor_blocks_at_the_boundary() -> None:
    assert _rule_ids(JobPost(title="x", salary_min=1899, salary_max=2500)) == [
        "salary.below_minimum_wage"
    ]
    assert _rule_ids(JobPost(title="x", salary_min=1900, salary_max=2500)) == []
    floor = default_rules().rule("salary.below_minimum_wage")
    assert getattr(floor, "floor", None) == 1900


def test_band_rules_apply_only_with_a_band_and_at_the_documented_factors() -> None:
    band = SalaryBand(p10=5000, p90=12000)
    low = JobPost(title="x", salary_min=2000, salary_max=2499)
    assert _rule_ids(low, band) == ["salary.far_below_occupation"]
    assert _rule_ids(JobPost(title="x", salary_min=2000, salary_max=2500), band) == []
    assert _rule_ids(low) == []
    high = JobPost(title="x", salary_min=24001, salary_max=30000)
    assert _rule_ids(high, band) == ["salary.far_above_occupation"]
    assert _rule_ids(JobPost(title="x", salary_min=24000, salary_max=30000), band) == []
    (match,) = screen_job(high, occupation_salary=band).matches
    assert match.severity == "review"
    assert "12000" in match.message_zh


def test_unstated_salary_is_not_checked() -> None:
    band = SalaryBand(p10=5000, p90=12000)
    assert _rule_ids(JobPost(title="x"), band) == []
    assert _rule_ids(JobPost(title="x", salary_max=1000), band) == ["salary.far_below_occupation"]


def test_salary_band_must_be_ordered_and_positive() -> None:
    with pytest.raises(ValueError):
        SalaryBand(p10=9000, p90=5000)
    with pytest.raises(ValueError):
        SalaryBand(p10=0, p90=5000)


# --- the rule file -------------------------------------------------------------------------


def test_bundled_rule_file_loads_and_every_rule_documents_itself() -> None:
    rules = load_rules()
    assert rules is not default_rules() and default_rules() is default_rules()
    used = {r.category for r in rules.all_rules}
    assert used == set(rules.categories)
    for rule in rules.text_rules:
        assert rule.examples.match, f"{rule.id} has no matching example"
        assert rule.examples.no_match, f"{rule.id} has no non-matching example"
        assert rule.message_zh and rule.message_en
    with pytest.raises(KeyError):
        rules.rule("no.such_rule")


def test_missing_or_invalid_json_fails_loudly(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError, match="cannot read"):
        load_rules(tmp_path / "absent.json")
    broken = tmp_path / "rules.json"
    broken.write_text('{"version": 1,', encoding="utf-8")
    with pytest.raises(RuleFileError, match="not valid JSON"):
        load_rules(broken)


def test_a_custom_rule_file_is_used(tmp_path: Path) -> None:
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(_minimal(), ensure_ascii=False), encoding="utf-8")
    rules = load_rules(path)
    (match,) = screen_job(JobPost(title="需交押金"), rules=rules).matches
    assert (match.rule_id, match.excerpt) == ("test.rule", "押金")
    assert rules.source == str(path)


def _broken(mutate: Any) -> dict[str, Any]:
    data = copy.deepcopy(_raw_rules())
    mutate(data)
    return data


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(version=2), "version"),
        (lambda d: d["text_rules"][0].update(colour="red"), "colour"),
        (lambda d: d["text_rules"][0].pop("message_zh"), "message_zh"),
        (lambda d: d["text_rules"][0].update(severity="warn"), "severity"),
        (lambda d: d["text_rules"][0].update(patterns=[]), "patterns"),
        (lambda d: d["text_rules"][1].update(id=d["text_rules"][0]["id"]), "duplicate rule id"),
        (lambda d: d["text_rules"][0].update(category="nope"), "not declared"),
        (lambda d: d["text_rules"][0].update(id="NoDots"), "id"),
        (lambda d: d["text_rules"][0].update(patterns=["(unclosed"]), "invalid regular"),
        (lambda d: d["text_rules"][0].update(patterns=["VX"]), "upper-case"),
        (lambda d: d["text_rules"][0].update(patterns=["性别："]), "never matches"),
        (lambda d: d["text_rules"][0].update(patterns=["a*"]), "empty string"),
        (lambda d: d["text_rules"][0].update(patterns=["{@nowhere}"]), "unknown macro"),
        (lambda d: d["macros"].update({"Bad-Name": "x"}), "macro name"),
        (lambda d: d["text_rules"][0]["exceptions"].append({"pattern": "("}), "exception"),
        (
            lambda d: d["text_rules"][0]["exceptions"].append({"pattern": "x", "scope": "page"}),
            "scope",
        ),
        (
            lambda d: d["text_rules"][0]["examples"]["no_match"].append("男性优先"),
            "should not match",
        ),
        (
            lambda d: d["text_rules"][0]["examples"]["match"].append("性别不限"),
            "should match",
        ),
        (lambda d: d["text_rules"][0].update(fields=["salary"]), "fields"),
        (lambda d: d["salary_rules"][2].pop("factor"), "needs 'factor'"),
        (lambda d: d["salary_rules"][0].update(floor=100), "takes no 'floor'"),
        (lambda d: d["salary_rules"][1].update(floor=-1), "floor"),
        (lambda d: d["salary_rules"][0].update(check="median"), "check"),
        (lambda d: d["salary_rules"][0].update(message_en="{wage}"), "placeholder"),
        (lambda d: d.update(text_rules=[]), "text_rules"),
    ],
)
def test_malformed_rule_file_fails_at_load(mutate: Any, message: str) -> None:
    with pytest.raises(RuleFileError, match=message):
        parse_rules(_broken(mutate), source="broken.json")


def test_load_error_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(_minimal(patterns=["("])), encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"rules\.json: rule 'test\.rule' pattern 0"):
        load_rules(path)
