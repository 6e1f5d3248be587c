"""Hybrid retrieval: BM25 and dense vectors fused by reciprocal rank, optionally restricted to
some documents."""

from __future__ import annotations

import re
from collections.abc import Collection
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
    keyword_rank: int | None = None  # 0 = the keyword index's best chunk in this search
    vector_rank: int | None = None

    @property
    def agreed(self) -> bool:
        """Both retrievers, independently, ranked this chunk first."""
        return self.keyword_rank == 0 and self.vector_rank == 0


class HybridRetriever:
    def __init__(self, index: PolicyIndex) -> None:
        self.index = index

    def search(self, query: str, k: int = 5, doc_ids: Collection[str] | None = None) -> list[Hit]:
        """The k best chunks for `query`, best first; only from `doc_ids` when given."""
        if doc_ids is not None and not doc_ids:
            return []
        keyword = self.index.keyword_scores(query)
        if doc_ids is None:
            keyword_ranks = _ranks(keyword, np.arange(len(keyword)), positive_only=True)
            vector_ranks = {p: r for r, (p, _) in enumerate(self.index.vector_search(query, _CANDIDATES))}
        else:  # exact, over just these documents' chunks: the work follows their size, not the corpus's
            positions = self.index.positions_of(doc_ids)
            keyword_ranks = _ranks(keyword[positions], positions, positive_only=True)
            vector_ranks = _ranks(self.index.vector_scores_at(query, positions), positions, positive_only=False)
        scores: dict[int, float] = {}
        for ranks in (keyword_ranks, vector_ranks):
            for position, rank in ranks.items():
                scores[position] = scores.get(position, 0.0) + 1.0 / (_RRF_K + rank)
        for position in scores:
            if self.index.chunks[position].is_preamble:
                scores[position] *= _PREAMBLE_WEIGHT
        best = sorted(scores.items(), key=lambda item: -item[1])[:k]
        return [Hit(self.index.chunks[p], score, keyword_ranks.get(p), vector_ranks.get(p)) for p, score in best]

    def documents_matching(self, regions: Collection[str] = (), levels: Collection[str] = ()) -> set[str]:
        """Ids of the documents of the given regions and/or levels (a filter for callers)."""
        return {doc_id for doc_id, document in self.index.documents.items()
                if (not regions or document.meta.region in regions) and (not levels or document.meta.level in levels)}


def _ranks(scores: np.ndarray, positions: np.ndarray, positive_only: bool) -> dict[int, int]:
    """Rank (0 = best) of the top candidates among `scores`, keyed by chunk position; ties go to
    the earlier chunk."""
    count = min(_CANDIDATES, len(scores))
    top = np.argpartition(-scores, count - 1)[:count] if len(scores) > count else np.arange(len(scores))
    top = top[np.lexsort((positions[top], -scores[top]))]
    return {int(positions[i]): rank for rank, i in enumerate(top) if scores[i] > 0 or not positive_only}


def best_sentence(text: str, query: str) -> str:
    """The sentence of `text` that shares the most character pairs with `query`."""
    query_pairs = {query[i:i + 2] for i in range(len(query) - 1)}
    sentences = _SENTENCE.findall(text) or [text]
    return max(sentences, key=lambda s: sum(s.count(pair) > 0 for pair in query_pairs)).strip()
