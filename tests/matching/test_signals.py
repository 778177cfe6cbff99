"""Hard signals: each a value in [0, 1] with a reason that says what matched or did not."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from matching.documents import JobDoc, ProfileDoc
from matching.signals import (
    certificate_signal,
    city_signal,
    deadline_signal,
    degree_signal,
    hard_signals,
    major_fit,
    major_signal,
    occupation_signal,
    resolve_major,
    salary_signal,
    skills_signal,
)

NURSE = ProfileDoc(
    id="nurse",
    major="护理学",
    degree_level="bachelor",
    skills=("基础护理", "静脉输液"),
    certificates=("护士执业资格",),
    intended_cities=("济南", "青岛"),
    expected_salary=6000,
)
PET_NURSE = JobDoc(
    id="pet",
    title="宠物护士/宠物护理师",
    city="济南",
    degree_level="junior_college",
    majors=("动物医学", "动物科学"),
    skills=("宠物护理", "宠物美容"),
    salary_min=4000,
    salary_max=6000,
)
WARD_NURSE = JobDoc(
    id="ward",
    title="护士（外科）",
    city="济南",
    degree_level="bachelor",
    majors=("护理学", "助产学"),
    skills=("基础护理", "静脉输液", "专科护理"),
    description="具有护士执业资格证者优先。",
    salary_min=6000,
    salary_max=9000,
)


def test_pet_nurse_is_a_major_misfit_for_a_nursing_graduate() -> None:
    signal = major_signal(NURSE, PET_NURSE)
    assert signal.value == 0.0
    assert not signal.reason.matched
    assert signal.reason.text_zh == "专业不符：要求动物医学、动物科学"
    assert "动物医学" in signal.reason.text_en


def test_an_accepted_major_fits_exactly() -> None:
    signal = major_signal(NURSE, WARD_NURSE)
    assert signal.value == 1.0 and signal.reason.matched
    assert signal.reason.text_zh == "专业对口：护理学"


@pytest.mark.parametrize(
    ("vocational", "undergraduate", "category"),
    [
        ("护理", "护理学", "护理学类"),
        ("软件技术", "软件工程", "计算机类"),
        ("大数据技术", "数据科学与大数据技术", "计算机类"),
        ("计算机应用技术", "计算机科学与技术", "计算机类"),
    ],
)
def test_vocational_names_map_to_their_undergraduate_counterpart(
    vocational: str, undergraduate: str, category: str
) -> None:
    major = resolve_major(vocational)
    assert major is not None
    assert (major.name, major.category_name, major.mapped_from) == (
        undergraduate,
        category,
        vocational,
    )


def test_a_catalogue_name_resolves_to_itself_and_nonsense_to_nothing() -> None:
    major = resolve_major("软件工程")
    assert major is not None and major.code == "080902" and major.mapped_from == ""
    assert resolve_major("量子烹饪") is None


def test_a_vocational_graduate_fits_the_undergraduate_major_listed() -> None:
    junior_nurse = ProfileDoc(id="jn", major="护理", degree_level="junior_college")
    assert major_fit(junior_nurse, WARD_NURSE).level == "exact"
    assert major_fit(junior_nurse, PET_NURSE).level == "none"


def test_a_major_of_the_same_category_is_adjacent() -> None:
    software = ProfileDoc(id="sw", major="软件工程", degree_level="bachelor")
    job = JobDoc(id="net", title="网络工程师", majors=("网络工程",))
    fit = major_fit(software, job)
    assert (fit.level, fit.value, fit.matched) == ("adjacent", 0.5, "网络工程")
    signal = major_signal(software, job, major_values={"adjacent": 0.3})
    assert signal.value == 0.3 and signal.reason.matched
    assert signal.reason.text_zh.startswith("专业相近：软件工程")


def test_any_major_takes_the_callers_open_fit() -> None:
    job = JobDoc(id="any", title="社区工作者", majors=())
    weak = major_signal(NURSE, job, major_values={"open": 0.2})
    strong = major_signal(NURSE, job, major_values={"open": 0.9})
    assert (weak.value, strong.value) == (0.2, 0.9)
    assert not weak.reason.matched and strong.reason.matched
    assert weak.reason.text_zh.startswith("专业不限")


def test_major_codes_count_like_names() -> None:
    job = JobDoc(id="c", title="开发", majors=(), major_codes=("080902",))
    software = ProfileDoc(id="sw", major="软件工程", degree_level="bachelor")
    computer = ProfileDoc(id="cs", major="计算机科学与技术", degree_level="bachelor")
    assert major_fit(software, job).level == "exact"
    assert major_fit(computer, job).level == "adjacent"


def test_degree_higher_meets_lower_falls_short_with_a_hint() -> None:
    master = ProfileDoc(id="m", major="护理学", degree_level="master")
    assert degree_signal(master, WARD_NURSE).value == 1.0
    junior = ProfileDoc(id="j", major="护理", degree_level="junior_college")
    short = degree_signal(junior, WARD_NURSE)
    assert short.value == 0.0
    assert short.reason.text_zh == "学历不足：要求本科及以上"
    assert short.reason.text_en == "Degree below the minimum (bachelor's)"
    assert short.gaps and short.gaps[0].code == "degree"


def test_city_preference() -> None:
    assert city_signal(NURSE, WARD_NURSE).reason.text_zh == "城市符合：济南"
    anywhere = ProfileDoc(id="a", major="护理学", degree_level="bachelor")
    assert city_signal(anywhere, JobDoc(id=1, title="护士", city="广州")).value == 1.0
    away = city_signal(NURSE, JobDoc(id=2, title="护士", city="广州"))
    assert away.value == 0.0 and away.reason.text_zh == "不在意向城市：广州"
    assert away.gaps[0].link.startswith("/jobs?q=")
    assert "city=" not in away.gaps[0].link  # names only: the city goes into the keywords
    coded = ProfileDoc(
        id="c",
        major="护理学",
        degree_level="bachelor",
        intended_cities=("杭州",),
        intended_city_codes=("330100",),
    )
    same_province = city_signal(coded, JobDoc(id=3, title="护士", city="宁波", city_code="330200"))
    assert same_province.value == 0.5 and same_province.reason.matched
    elsewhere = city_signal(coded, JobDoc(id=4, title="护士", city="南京", city_code="320100"))
    assert elsewhere.value == 0.0
    assert (
        elsewhere.gaps[0].link == "/jobs?q=%E6%8A%A4%E5%A3%AB&city=330100"
    )  # a code, as search wants
    province = ProfileDoc(
        id="p", major="护理学", degree_level="bachelor", intended_city_codes=("330000",)
    )
    anywhere_in_zhejiang = city_signal(
        province, JobDoc(id=5, title="护士", city="宁波", city_code="330200")
    )
    assert anywhere_in_zhejiang.value == 1.0
    assert anywhere_in_zhejiang.reason.text_zh == "城市符合：宁波"


def test_salary_against_expectation() -> None:
    assert salary_signal(NURSE, WARD_NURSE) is not None
    assert salary_signal(NURSE, WARD_NURSE).value == 1.0  # type: ignore[union-attr]
    greedy = ProfileDoc(id="g", major="护理学", degree_level="bachelor", expected_salary=7000)
    near = salary_signal(greedy, PET_NURSE)
    assert near is not None and near.value == 0.5 and not near.reason.matched
    far = ProfileDoc(id="f", major="护理学", degree_level="bachelor", expected_salary=20000)
    assert salary_signal(far, PET_NURSE).value == 0.0  # type: ignore[union-attr]
    no_wish = ProfileDoc(id="n", major="护理学", degree_level="bachelor")
    assert salary_signal(no_wish, PET_NURSE) is None


def test_deadline_passed_soon_or_far() -> None:
    today = date(2026, 5, 1)
    closing = JobDoc(id=1, title="护士", deadline=today + timedelta(days=3))
    passed = JobDoc(id=2, title="护士", deadline=today - timedelta(days=1))
    far = JobDoc(id=3, title="护士", deadline=today + timedelta(days=60))
    soon = deadline_signal(closing, today)
    assert soon is not None and soon.value == 1.0 and "即将截止" in soon.reason.text_zh
    gone = deadline_signal(passed, today)
    assert gone is not None and gone.value == 0.0 and gone.reason.text_zh == "已截止"
    later = deadline_signal(far, today)
    assert later is not None and later.reason.text_zh == "截止日期：2026-06-30"
    assert deadline_signal(JobDoc(id=4, title="护士"), today) is None


def test_occupation_code_in_the_graduates_intentions() -> None:
    job = JobDoc(id=1, title="护士", occupation_code="2-05-08-01", occupation="内科护士")
    wants = ProfileDoc(
        id="w", major="护理学", degree_level="bachelor", intended_occupation_codes=("2-05-08-01",)
    )
    other = ProfileDoc(
        id="o", major="护理学", degree_level="bachelor", intended_occupation_codes=("2-02-10-03",)
    )
    assert occupation_signal(wants, job).value == 1.0  # type: ignore[union-attr]
    assert occupation_signal(other, job).value == 0.0  # type: ignore[union-attr]
    assert occupation_signal(NURSE, job) is None
    broader = ProfileDoc(
        id="b", major="护理学", degree_level="bachelor", intended_occupation_codes=("2-05-08",)
    )
    assert occupation_signal(broader, job).value == 1.0  # type: ignore[union-attr]
    look_alike = ProfileDoc(
        id="l", major="护理学", degree_level="bachelor", intended_occupation_codes=("2-05-0",)
    )
    assert occupation_signal(look_alike, job).value == 0.0  # type: ignore[union-attr]


def test_skills_overlap_is_case_insensitive_and_missing_ones_become_hints() -> None:
    profile = ProfileDoc(
        id="p", major="软件工程", degree_level="bachelor", skills=("java", "MySQL")
    )
    job = JobDoc(id=1, title="后端", skills=("Java", "Spring Boot", "MySQL", "Redis"))
    signal = skills_signal(profile, job)
    assert signal is not None and signal.value == 0.5
    assert signal.reason.text_zh == "技能 2/4 匹配：Java、MySQL"
    assert [g.text_zh for g in signal.gaps] == ["补充技能：Spring Boot", "补充技能：Redis"]
    assert signal.gaps[0].link == "/jobs?q=Spring%20Boot"
    assert skills_signal(profile, JobDoc(id=2, title="无技能")) is None


def test_certificates_asked_for_in_the_description() -> None:
    held = certificate_signal(NURSE, WARD_NURSE)
    assert held is not None and held.value == 1.0 and "执业资格" in held.reason.text_zh
    teacher_job = JobDoc(id=1, title="英语教师", description="须持有高中英语教师资格证。")
    missing = certificate_signal(NURSE, teacher_job)
    assert missing is not None and missing.value == 0.0
    assert missing.gaps[0].text_zh == "考取证书：教师资格"
    assert certificate_signal(NURSE, PET_NURSE) is None


def test_hard_signals_lists_only_those_that_apply() -> None:
    found = hard_signals(NURSE, PET_NURSE, today=date(2026, 5, 1))
    assert set(found) == {"major", "degree", "city", "skills", "salary"}
    assert all(0.0 <= s.value <= 1.0 for s in found.values())
