"""Hybrid retrieval: BM25 and dense vectors fused by reciprocal rank, optionally restricted to
some documents."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from assistant.answering.policy import DEFAULT_POLICY, AnswerPolicy
from ingest.models import Chunk, DocumentMeta
from ingest.places import gazetteer, normalise_level
from ingest.sentences import split_sentences
from vectorstore.index import PolicyIndex


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
    def __init__(self, index: PolicyIndex, policy: AnswerPolicy = DEFAULT_POLICY) -> None:
        self.index = index
        self.policy = policy

    def search(self, query: str, k: int = 5, doc_ids: Collection[str] | None = None) -> list[Hit]:
        """The k best chunks for `query`, best first; only from `doc_ids` when given."""
        if doc_ids is not None and not doc_ids:
            return []
        keyword, depth = self.index.keyword_scores(query), self.policy.candidates_per_retriever
        if doc_ids is None:
            keyword_ranks = _ranks(keyword, np.arange(len(keyword)), depth, positive_only=True)
            vector_ranks = {p: r for r, (p, _) in enumerate(self.index.vector_search(query, depth))}
        else:  # exact, over just these documents' chunks: the work follows their size, not the corpus's
            positions = self.index.positions_of(doc_ids)
            keyword_ranks = _ranks(keyword[positions], positions, depth, positive_only=True)
            vector_ranks = _ranks(self.index.vector_scores_at(query, positions), positions, depth, positive_only=False)
        scores: dict[int, float] = {}
        for ranks in (keyword_ranks, vector_ranks):
            for position, rank in ranks.items():
                scores[position] = scores.get(position, 0.0) + 1.0 / (self.policy.rrf_k + rank)
        for position in scores:
            if self.index.chunks[position].secondary:  # a cover letter repeating a clause, a form: below the articles
                scores[position] *= self.policy.secondary_weight
        best = sorted(scores.items(), key=lambda item: -item[1])[:k]
        return [Hit(self.index.chunks[p], score, keyword_ranks.get(p), vector_ranks.get(p)) for p, score in best]

    def documents_matching(self, regions: Collection[str] = (), levels: Collection[str] = ()) -> set[str]:
        """Ids of the documents of the given regions (a place includes the places inside it: 内蒙古 takes
        赤峰市's documents too) and/or levels (any usual name: 自治区 is 省, 盟市 is 市)."""
        wanted_levels = {normalise_level(level) for level in levels}
        return {doc_id for doc_id, document in self.index.documents.items()
                if (not regions or any(_in_region(document.meta, region) for region in regions))
                and (not levels or document.meta.level in wanted_levels)}


def _in_region(meta: DocumentMeta, region: str) -> bool:
    if meta.region == region:
        return True
    place, own = gazetteer().locate(region), gazetteer().by_code.get(meta.region_code)
    return place is not None and own is not None and own.within(place)

def _ranks(scores: np.ndarray, positions: np.ndarray, depth: int, positive_only: bool) -> dict[int, int]:
    """Rank (0 = best) of the `depth` best candidates among `scores`, keyed by chunk position; ties go to
    the earlier chunk."""
    count = min(depth, len(scores))
    top = np.argpartition(-scores, count - 1)[:count] if len(scores) > count else np.arange(len(scores))
    top = top[np.lexsort((positions[top], -scores[top]))]
    return {int(positions[i]): rank for rank, i in enumerate(top) if scores[i] > 0 or not positive_only}


def best_sentence(text: str, query: str) -> str:
    """The sentence of `text` that shares the most character pairs with `query`."""
    query_pairs = {query[i:i + 2] for i in range(len(query) - 1)}
    sentences = split_sentences(text) or [text]
    return max(sentences, key=lambda s: sum(s.count(pair) > 0 for pair in query_pairs)).strip()
