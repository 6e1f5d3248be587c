"""Hybrid retrieval: BM25 and dense vectors fused by reciprocal rank."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ingest.models import Chunk
from vectorstore.index import PolicyIndex

_RRF_K = 60
_CANDIDATES = 50
# A preamble (notice text, news preface) that repeats a body clause must rank below the clause.
_PREAMBLE_WEIGHT = 0.5
_SENTENCE = re.compile(r"[^。；！？\n]+[。；！？]?")


@dataclass
class Hit:
    chunk: Chunk
    score: float


class HybridRetriever:
    def __init__(self, index: PolicyIndex) -> None:
        self.index = index

    def search(self, query: str, k: int = 5) -> list[Hit]:
        """The k best chunks for `query`, best first."""
        scores: dict[int, float] = {}
        keyword = self.index.keyword_scores(query)
        for rank, position in enumerate(np.argsort(-keyword)[:_CANDIDATES]):
            if keyword[position] > 0:
                scores[int(position)] = scores.get(int(position), 0.0) + 1.0 / (_RRF_K + rank)
        for rank, (position, _) in enumerate(self.index.vector_search(query, _CANDIDATES)):
            scores[position] = scores.get(position, 0.0) + 1.0 / (_RRF_K + rank)
        for position in scores:
            if self.index.chunks[position].is_preamble:
                scores[position] *= _PREAMBLE_WEIGHT
        best = sorted(scores.items(), key=lambda item: -item[1])[:k]
        return [Hit(self.index.chunks[position], score) for position, score in best]


def best_sentence(text: str, query: str) -> str:
    """The sentence of `text` that shares the most character pairs with `query`."""
    query_pairs = {query[i:i + 2] for i in range(len(query) - 1)}
    sentences = _SENTENCE.findall(text) or [text]
    return max(sentences, key=lambda s: sum(s.count(pair) > 0 for pair in query_pairs)).strip()
