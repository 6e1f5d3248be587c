"""Our BM25 scoring (one bincount over the postings) must equal bm25s' own."""

from __future__ import annotations

import numpy as np
import pytest

from vectorstore.index import PolicyIndex
from vectorstore.keyword import tokenize


@pytest.mark.parametrize("query", ["县城新建住宅最高几层", "通辽2025年城镇清洁能源取暖率", "海绵城市建设由哪个部门牵头", "quantum 量子"])
def test_scores_equal_bm25s(corpus_index: PolicyIndex, query: str) -> None:
    keyword = corpus_index.keyword
    tokens = [t for t in tokenize(query) if t in keyword]
    ours = keyword.scores(query)
    assert ours.shape == (len(corpus_index.chunks),)
    if tokens:
        assert np.allclose(ours, keyword._model.get_scores(tokens), atol=1e-4) and ours.max() > 0
    else:
        assert not ours.any()
