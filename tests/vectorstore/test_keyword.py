"""Our BM25 scoring (one bincount over the postings) must equal bm25s' own; tokens are cached."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vectorstore import keyword
from vectorstore.index import PolicyIndex
from vectorstore.keyword import TokenCache, tokenize


@pytest.mark.parametrize(("query", "known"), [("县城新建住宅最高几层", True), ("通辽2025年城镇清洁能源取暖率", True),
                                           ("海绵城市建设由哪个部门牵头", True), ("quantum 量子", False)])
def test_scores_equal_bm25s(hash_corpus_index: PolicyIndex, query: str, known: bool) -> None:
    keyword = hash_corpus_index.keyword
    tokens = [t for t in tokenize(query) if t in keyword]
    assert bool(tokens) == known  # each branch below is really taken
    ours = keyword.scores(query)
    assert ours.shape == (len(hash_corpus_index.chunks),)
    if tokens:
        assert np.allclose(ours, keyword._model.get_scores(tokens), atol=1e-4) and ours.max() > 0
    else:
        assert not ours.any()


def test_token_cache_tokenises_each_text_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = ["县城新建住宅以6层为主，最高不超过18层。", "到2025年，清洁取暖率达到97%。", "。"]
    first = TokenCache(tmp_path / "cache.sqlite").tokenize(texts)
    assert first == [tokenize(texts[0]), tokenize(texts[1]), ["∅"]]
    monkeypatch.setattr(keyword, "tokenize", lambda text: pytest.fail(f"tokenised again: {text}"))
    assert TokenCache(tmp_path / "cache.sqlite").tokenize(texts) == first
