"""BM25 over a candidate set: tokens, exact skill tags, IDF and length normalisation."""

from __future__ import annotations

import numpy as np

from matching.documents import JobDoc, ProfileDoc
from matching.lexical import (
    BM25,
    TAG_PREFIX,
    bm25_scores,
    job_tokens,
    normalise,
    profile_tokens,
    tag_key,
    text_tokens,
)


def test_tokens_have_words_han_bigrams_and_whole_latin_words() -> None:
    found = text_tokens("Java后端开发工程师，熟悉Spring Boot")
    assert "java" in found and "spring" in found and "boot" in found
    assert "工程师" in found and "后端" in found
    assert "端开" in found  # a Han bigram across jieba's words


def test_skill_tags_are_exact_lower_cased_tokens() -> None:
    job = JobDoc(id=1, title="后端开发", skills=("Spring Boot", "ＭｙＳＱＬ"))
    tokens = job_tokens(job)
    assert f"{TAG_PREFIX}spring boot" in tokens and f"{TAG_PREFIX}mysql" in tokens
    profile = ProfileDoc(id=1, major="软件工程", degree_level="bachelor", skills=("spring boot",))
    assert f"{TAG_PREFIX}spring boot" in profile_tokens(profile)
    assert tag_key(" Spring  Boot ") == "spring boot"


def test_a_rare_shared_word_outweighs_a_common_one() -> None:
    documents = [
        text_tokens("护理 本科 负责 病房护理"),
        text_tokens("宠物 本科 负责 宠物美容"),
        text_tokens("会计 本科 负责 记账"),
    ]
    scores = bm25_scores(text_tokens("护理 本科"), documents)
    assert scores.argmax() == 0
    assert scores[1] > 0 and scores[2] > 0  # 本科 alone: a small score
    assert scores[0] > 3 * max(scores[1], scores[2])


def test_length_normalisation_prefers_the_shorter_document_at_equal_counts() -> None:
    short = ["护理", "医院"]
    long = ["护理", "医院", *[f"词{i}" for i in range(30)]]
    scores = BM25([short, long, ["会计"]]).scores(["护理"])
    assert scores[0] > scores[1] > scores[2] == 0.0


def test_query_words_count_once_and_unknown_words_score_nothing() -> None:
    index = BM25([["java", "java", "redis"], ["python"]])
    assert index.scores(["java"]).tolist() == index.scores(["java", "java"]).tolist()
    assert index.scores(["golang"]).tolist() == [0.0, 0.0]
    assert index.idf("java") > 0 and index.idf("golang") == 0.0
    assert len(index) == 2


def test_normalise_divides_by_the_best_and_keeps_zeros() -> None:
    assert normalise(np.array([2.0, 1.0, 0.0])).tolist() == [1.0, 0.5, 0.0]
    assert normalise(np.zeros(3)).tolist() == [0.0, 0.0, 0.0]
    assert normalise(np.array([])).size == 0
