from __future__ import annotations

from jobs_api.core.search.highlight import highlight, highlight_source, match_spans


def _plain(fragment: str) -> str:
    return fragment.replace("<em>", "").replace("</em>", "")


def test_matches_are_wrapped_and_everything_else_escaped() -> None:
    fragments = highlight('<b>Java</b> & "C++"', ["java", "c++"])

    assert fragments == ["&lt;b&gt;<em>Java</em>&lt;/b&gt; &amp; &quot;<em>C++</em>&quot;"]


def test_latin_tokens_match_whole_words_only() -> None:
    assert highlight("Google Go 开发", ["go"]) == ["Google <em>Go</em> 开发"]
    assert highlight("javascript", ["java"]) == []


def test_chinese_tokens_match_inside_words() -> None:
    assert highlight("软件工程师", ["工程师"]) == ["软件<em>工程师</em>"]


def test_adjacent_and_overlapping_matches_merge() -> None:
    assert highlight("软件工程师", ["软件", "工程师"]) == ["<em>软件工程师</em>"]
    assert highlight("软件工程师", ["工程", "工程师"]) == ["软件<em>工程师</em>"]


def test_full_width_text_matches_normalised_tokens() -> None:
    assert highlight("ＪＡＶＡ开发", ["java"]) == ["<em>ＪＡＶＡ</em>开发"]
    assert match_spans("ＪＡＶＡ开发", ["java"]) == [(0, 4)]


def test_no_match_gives_no_fragment() -> None:
    assert highlight("市场营销专员", ["会计"]) == []
    assert highlight("", ["会计"]) == []
    assert highlight("市场营销专员", []) == []


def test_short_text_comes_back_whole() -> None:
    text = "负责后端服务开发，熟悉 Java 与 MySQL。"
    assert highlight(text, ["mysql"]) == ["负责后端服务开发，熟悉 Java 与 <em>MySQL</em>。"]


def test_long_text_gives_bounded_fragments_around_matches() -> None:
    text = "甲" * 200 + "嵌入式" + "乙" * 200 + "嵌入式" + "丙" * 200

    fragments = highlight(text, ["嵌入式"])

    assert len(fragments) == 2
    for fragment in fragments:
        assert "<em>嵌入式</em>" in fragment
        assert len(_plain(fragment)) <= 80
    assert fragments[0].startswith("甲") and fragments[0].endswith("乙")


def test_nearby_matches_share_one_fragment_and_fragments_never_cut_a_match() -> None:
    text = "丁" * 100 + "工程师" + "戊" * 30 + "工程师" + "己" * 100

    fragments = highlight(text, ["工程师"], fragment_size=40)

    assert [fragment.count("<em>") for fragment in fragments] == [1, 1]
    assert all(fragment.count("<em>") == fragment.count("</em>") for fragment in fragments)
    assert all(len(_plain(fragment)) <= 40 for fragment in fragments)
    assert highlight(text, ["工程师"], fragment_size=80)[0].count("<em>工程师</em>") == 2


def test_max_fragments_caps_the_output() -> None:
    text = ("工程师" + "。" * 100) * 5
    assert len(highlight(text, ["工程师"], max_fragments=2)) == 2


def test_a_match_longer_than_the_fragment_size_is_kept_whole() -> None:
    text = "x" * 50 + " supercalifragilistic " + "y" * 50
    assert highlight(text, ["supercalifragilistic"], fragment_size=10) == [
        "<em>supercalifragilistic</em>"
    ]


def test_highlight_source_covers_every_matching_string_field() -> None:
    source = {"title": "Java开发", "description": "无关", "city": "北京", "salary": 1}

    result = highlight_source(["title", "description", "salary"], source, ["java"])

    assert result == {"title": ["<em>Java</em>开发"]}
