from __future__ import annotations

import subprocess
import sys

import pytest

from jobs_api.core.search.segment import (
    MAX_QUERY_TOKENS,
    TOKEN_SYMBOLS,
    index_text,
    index_tokens,
    normalize,
    query_tokens,
)

JOB_TEXTS = [
    "软件工程师",
    "Java开发工程师",
    "北京字节跳动科技有限公司招聘后端开发工程师（校招）",
    "负责 C++/C# 客户端与 3D 渲染，熟悉 node.js、Vue3",
    "数据分析师：使用Python、SQL，薪资1.5万/月",
    "ＡＩ算法实习生，熟悉 PyTorch",
    "市场营销专员 — 策划线上活动、撰写文案！",
]


def test_search_mode_indexes_the_words_inside_longer_words() -> None:
    assert {"软件", "工程", "工程师", "软件工程"} <= set(index_tokens("软件工程师"))


def test_queries_use_precise_mode() -> None:
    assert query_tokens("软件工程师") == ["软件", "工程师"]
    assert query_tokens("软件工程") == ["软件工程"]
    assert query_tokens("Java开发工程师") == ["java", "开发", "工程师"]


def test_latin_words_and_numbers_stay_whole_and_lower_case() -> None:
    tokens = query_tokens("C++/C# 客户端与3D渲染, Java Spring")

    assert {"c++", "c#", "3d", "java", "spring"} <= set(tokens)
    assert "c" not in tokens


def test_punctuation_and_whitespace_are_dropped() -> None:
    assert query_tokens(" ，。！？、（）—— ") == []
    assert index_tokens("") == []
    assert query_tokens("") == []


def test_full_width_text_is_normalised() -> None:
    assert normalize("ＪＡＶＡ　開發") == "java 開發"
    assert query_tokens("ＡＩ") == query_tokens("ai") == ["ai"]


def test_query_tokens_are_distinct_and_bounded() -> None:
    assert query_tokens("java java Java") == ["java"]
    many = " ".join(f"word{number}" for number in range(100))
    assert len(query_tokens(many)) == MAX_QUERY_TOKENS


@pytest.mark.parametrize("text", JOB_TEXTS)
def test_a_text_is_found_by_its_own_words(text: str) -> None:
    assert set(query_tokens(text)) <= set(index_tokens(text))


@pytest.mark.parametrize("text", JOB_TEXTS)
def test_tokens_hold_only_letters_digits_and_token_symbols(text: str) -> None:
    for token in index_tokens(text):
        assert token
        assert all(char.isalnum() or char in TOKEN_SYMBOLS for char in token), token


def test_index_text_joins_tokens_with_spaces() -> None:
    assert index_text("Java开发") == "java 开发"


def test_jieba_loads_lazily_and_quietly() -> None:
    script = (
        "import jobs_api.core.search as search\n"
        "from jobs_api.core.search import segment\n"
        "assert not segment.is_loaded()\n"
        "assert segment.query_tokens('软件工程师') == ['软件', '工程师']\n"
        "assert segment.is_loaded()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == ""


def test_characters_jieba_does_not_group_are_kept_one_by_one() -> None:
    assert index_tokens("café 㐀") == ["caf", "é", "㐀"]


def test_long_and_short_blocks_segment_the_same_way() -> None:
    long_block = "软件工程师" * 6  # one block, longer than the memoised ones

    assert {"软件", "工程师", "软件工程"} <= set(index_tokens(long_block))
    assert index_tokens("软件工程师，软件工程师") == index_tokens("软件工程师") * 2
