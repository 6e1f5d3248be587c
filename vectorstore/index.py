"""The on-disk index: parsed documents, chunks, Chroma vectors and the keyword index.

Every ingest writes a complete new build beside the live one and then switches the `CURRENT`
pointer with one atomic rename, so a reader always sees either the old index or the new one —
an ingest that fails or is killed half-way leaves the previous index serving. Vectors come from
the embedding cache, so unchanged clauses are never embedded again.

    index_dir/
      CURRENT                 name of the live build
      embeddings.sqlite       vector and keyword-token caches shared by all builds
      builds/<name>/          documents.json, chunks.jsonl, build.json, keyword/, vectors.npy, chroma/

Chroma answers searches over the whole corpus (HNSW, sub-linear); a search restricted to a few
named documents is exact, over just their rows of vectors.npy (Chroma's filtered queries cost
~30 ms each at 40 000 chunks, however few documents they allow). Each Chroma vector carries its
citation's fields, for people who query the collection directly and filter with `where` (README).

Storage faults end in an `IndexUnavailableError` whose subclass names the cause and whose Chinese
message names the fix: no index yet, a damaged build, a failed write, an unreachable Chroma server.
"""

from __future__ import annotations

import fcntl
import functools
import json
import logging
import os
import shutil
import sqlite3
import time
import uuid
from collections.abc import Callable, Collection
from contextlib import closing
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from ingest.chunks import make_chunks
from ingest.indicators import Indicator, extract_indicators
from ingest.models import Chunk, Document
from vectorstore.chroma_store import ChromaStore, drop_server_collection, unreachable
from vectorstore.embedders import Embedder
from vectorstore.embedding_cache import EmbeddingCache
from vectorstore.errors import (
    REBUILD,
    IndexDamagedError,
    IndexNotFoundError,
    IndexUnavailableError,
    IndexWriteError,
    VectorServerUnavailableError,
    converted,
    index_damaged,
    server_unavailable,
    write_failed,
)
from vectorstore.keyword import KeywordIndex, TokenCache

__all__ = ["BuildReport", "IndexDamagedError", "IndexNotFoundError", "IndexUnavailableError", "IndexWriteError",
           "PolicyIndex", "VectorServerUnavailableError", "build_index", "current_build"]

logger = logging.getLogger(__name__)
_POINTER = "CURRENT"
_BUILDS = "builds"
# What a build stores, by version (build.json "format"; builds without one are version 1). Raise it whenever
# that changes: an older build is then rebuilt by the next ingest or server start (its vectors come from the
# embedding cache, so that is cheap) and refused by everything else, never half-used.
# 2: every Chroma vector carries its citation's fields; the collection names the embedding model.
_FORMAT = 2


@dataclass
class BuildReport:
    build: str
    documents: int
    clauses: int
    chunks: int
    embedded: int  # chunks whose vectors were computed now (not found in the cache)
    unchanged: bool  # the live index already held exactly these chunks; nothing was written


def build_index(documents: list[Document], index_dir: Path, embedder: Embedder, max_tokens: int,
                on_progress: Callable[[int, int], None] | None = None, force: bool = False,
                chroma_url: str = "") -> BuildReport:
    """Index `documents` as the new live index (replacing the previous content).

    `on_progress(done, total)` reports embedding progress over the chunks. Ingests of the same
    index run one at a time. With `chroma_url` the vectors go to that Chroma server, the rest
    (documents, chunks, keyword index) to `index_dir` as always.

    Raises IndexWriteError when the new build cannot be written (the live index stays as it was)
    and VectorServerUnavailableError when the Chroma server does not answer; a damaged live build
    is rebuilt, never reported unchanged.
    """
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        lock = (index_dir / ".ingest.lock").open("w")
    except OSError as error:  # e.g. no permission on the index folder
        raise write_failed(error) from error
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _build(documents, index_dir, embedder, max_tokens, on_progress, force, chroma_url)


def _build(documents: list[Document], index_dir: Path, embedder: Embedder, max_tokens: int,
           on_progress: Callable[[int, int], None] | None, force: bool, chroma_url: str) -> BuildReport:
    chunks = [chunk for document in documents for chunk in make_chunks(document, max_tokens, embedder.count_tokens)]
    clause_count = sum(len(d.clauses) for d in documents)
    live = current_build(index_dir)
    if live is not None and not force and _same_content(live, chunks, embedder, chroma_url):
        return BuildReport(live.name, len(documents), clause_count, len(chunks), 0, unchanged=True)

    done = 0

    def progress(count: int) -> None:
        nonlocal done
        done += count
        if on_progress:
            on_progress(done, len(chunks))

    texts = [c.indexed_text for c in chunks]
    cache_file = index_dir / "embeddings.sqlite"
    try:
        # One cache after the other: each may replace a damaged file, which the other must not hold open.
        with closing(EmbeddingCache(cache_file, embedder)) as cache:
            vectors, embedded = cache.embed(texts, progress)
        with closing(TokenCache(cache_file)) as tokens:
            tokenized = tokens.tokenize(texts)
    except sqlite3.Error as error:  # the cache could not be written: disk full, no permission
        raise write_failed(error) from error
    name = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
    staging = index_dir / _BUILDS / f".{name}.partial"
    try:
        _write_build(staging, name, documents, chunks, vectors, tokenized, embedder, chroma_url)
    except BaseException as error:
        shutil.rmtree(staging, ignore_errors=True)  # e.g. disk full: leave nothing half-written behind
        if chroma_url:
            drop_server_collection(name, chroma_url)
        if isinstance(error, (OSError, sqlite3.Error)):  # Chroma's own failures arrive converted already
            raise write_failed(error) from error
        raise
    final = index_dir / _BUILDS / name
    try:
        staging.rename(final)
        _switch_pointer(index_dir, name)
    except OSError as error:  # CURRENT is unchanged; the next ingest removes the orphaned build
        raise write_failed(error) from error
    _remove_old_builds(index_dir, keep={name, live.name if live else ""}, chroma_url=chroma_url)
    return BuildReport(name, len(documents), clause_count, len(chunks), embedded, unchanged=False)


def current_build(index_dir: Path) -> Path | None:
    pointer = index_dir / _POINTER
    if not pointer.is_file():
        return None
    build = index_dir / _BUILDS / pointer.read_text(encoding="utf-8", errors="replace").strip()
    return build if (build / "build.json").is_file() else None


class PolicyIndex:
    """One loaded index build: documents and chunks in memory, vectors in Chroma."""

    def __init__(self, build: Path, embedder: Embedder, chroma_url: str = "") -> None:
        self.build = build
        self.embedder = embedder
        documents = json.loads((build / "documents.json").read_text(encoding="utf-8"))
        self.documents: dict[str, Document] = {d["meta"]["doc_id"]: Document.from_dict(d) for d in documents}
        with (build / "chunks.jsonl").open(encoding="utf-8") as lines:
            self.chunks: list[Chunk] = [Chunk(**json.loads(line)) for line in lines]
        self.position = {chunk.chunk_id: i for i, chunk in enumerate(self.chunks)}
        by_document: dict[str, list[int]] = {}
        for i, chunk in enumerate(self.chunks):
            by_document.setdefault(chunk.doc_id, []).append(i)
        self._positions = {doc_id: np.array(positions) for doc_id, positions in by_document.items()}
        self._matrix = np.load(build / "vectors.npy", mmap_mode="r")  # pages shared by every worker process
        self.keyword = KeywordIndex.load(build / "keyword")
        self.vectors = _vector_store(build, build.name, embedder, chroma_url)

    @functools.cached_property
    def indicators(self) -> list[Indicator]:
        """Every quantitative target of every document (ingest.indicators), read from the parsed clauses once."""
        return [indicator for document in self.documents.values() for indicator in extract_indicators(document)]

    @classmethod
    def open(cls, index_dir: Path, embedder: Embedder, chroma_url: str = "") -> PolicyIndex:
        """The live build, checked. Raises IndexNotFoundError (no index yet), IndexDamagedError or
        VectorServerUnavailableError — all IndexUnavailableError, with a message that names the fix."""
        build = current_build(index_dir)
        if build is None:
            raise IndexNotFoundError(f"索引不存在：{index_dir}。请先运行 `policy-assistant ingest` 建立索引。")
        return cls.load(build, embedder, chroma_url)

    @classmethod
    def load(cls, build: Path, embedder: Embedder, chroma_url: str = "") -> PolicyIndex:
        """One build, checked so that a damaged one fails here (a server at start) and not on the first question."""
        # A damaged build fails in many ways: JSON, bm25s, numpy, SQLite, Chroma's Rust panics, the network.
        with converted(lambda error: _unusable(build, chroma_url, error)):
            info = json.loads((build / "build.json").read_text(encoding="utf-8"))
            if info.get("format", 1) != _FORMAT:
                raise IndexDamagedError(f"索引由旧版本的政策通建立（格式 {info.get('format', 1)}，当前为 {_FORMAT}）：{build}。"
                                        + REBUILD)
            if info.get("chroma_server", False) != bool(chroma_url):
                where = "Chroma 服务器" if chroma_url else "索引目录"
                raise IndexDamagedError(f"当前配置要求向量存放在{where}中，而现有索引不是这样建立的。" + REBUILD)
            index = cls(build, embedder, chroma_url)
            try:
                index._check(info.get("chunk_ids"))
            except BaseException:
                index.close()
                raise
        return index

    def _check(self, chunk_ids: list[str] | None) -> None:
        """Cheap consistency checks of the build's parts against its chunks (no full scan of any file)."""
        count = len(self.chunks)
        problem = ""
        if chunk_ids is not None and chunk_ids != [c.chunk_id for c in self.chunks]:
            problem = "chunks.jsonl 与 build.json 不符"
        elif any(c.doc_id not in self.documents for c in self.chunks):
            problem = "documents.json 缺少文档"
        elif self._matrix.ndim != 2 or self._matrix.shape[0] != count:
            problem = f"vectors.npy 有 {self._matrix.shape[0] if self._matrix.ndim else 0} 行，应为 {count}"
        elif self.keyword.size != count:
            problem = f"关键词索引有 {self.keyword.size} 条，应为 {count}"
        elif self.vectors.count() != count:
            problem = f"Chroma 中有 {self.vectors.count()} 个向量，应为 {count}"
        elif count and not any(chunk_id in self.position
                               for chunk_id, _ in self.vectors.query(np.asarray(self._matrix[0]), 1)):
            problem = "Chroma 查询结果与条款片段不符"  # also loads the HNSW graph the first question would need
        if problem:
            raise index_damaged(self.build, problem)

    def warm_up(self) -> None:
        """Load what the first question would otherwise wait ~2 s for: the word dictionary and the embedding model."""
        self.keyword_scores("政策")
        self._query_vector("政策")

    @functools.lru_cache(maxsize=16)  # noqa: B019 - one question searches several documents with the same text
    def keyword_scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk, indexed like `self.chunks` (read-only: shared between searches)."""
        scores = self.keyword.scores(query)
        scores.flags.writeable = False
        return scores

    def vector_search(self, query: str, k: int) -> list[tuple[int, float]]:
        """(chunk position, cosine similarity) of the k chunks nearest to the query, corpus-wide."""
        hits = self.vectors.query(self._query_vector(query), k)
        return [(self.position[chunk_id], score) for chunk_id, score in hits if chunk_id in self.position]

    def positions_of(self, doc_ids: Collection[str]) -> np.ndarray:
        """Positions of the chunks of these documents, ascending."""
        arrays = [self._positions[d] for d in doc_ids if d in self._positions]
        return np.sort(np.concatenate(arrays)) if arrays else np.zeros(0, dtype=int)

    def vector_scores_at(self, query: str, positions: np.ndarray) -> np.ndarray:
        """Cosine similarity of the query to the chunks at `positions` (vectors are normalised)."""
        return np.asarray(self._matrix[positions] @ self._query_vector(query), dtype=np.float32)

    @functools.lru_cache(maxsize=256)  # noqa: B019 - one index lives as long as its cache should
    def _query_vector(self, query: str) -> np.ndarray:
        return self.embedder.embed_query(query)

    def close(self) -> None:
        self.vectors.close()


def _same_content(build: Path, chunks: list[Chunk], embedder: Embedder, chroma_url: str) -> bool:
    """Whether the live build holds exactly these chunks and is intact (a damaged build is never "unchanged")."""
    try:
        info = json.loads((build / "build.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not (info.get("format") == _FORMAT and info.get("embedder") == embedder.name
            and info.get("chroma_server", False) == bool(chroma_url) and info.get("chunk_ids") == [c.chunk_id for c in chunks]):
        return False
    try:
        PolicyIndex.load(build, embedder, chroma_url).close()
    except IndexDamagedError as error:  # an unreachable server is raised: a rebuild could not write either
        logger.warning("现有索引已损坏，重新建立：%s", error)
        return False
    return True


def _vector_store(folder: Path, name: str, embedder: Embedder, chroma_url: str, create: bool = False) -> ChromaStore:
    if chroma_url:
        return ChromaStore.on_server(chroma_url, name, embedder, create)
    if not create and not (folder / "chroma").is_dir():
        raise FileNotFoundError(folder / "chroma")  # Chroma would silently create an empty store
    return ChromaStore.local(folder / "chroma", embedder, create)


def _unusable(build: Path, chroma_url: str, error: BaseException) -> IndexUnavailableError:
    if chroma_url and unreachable(chroma_url):
        return server_unavailable(chroma_url)
    return index_damaged(build, error)


def _write_build(folder: Path, name: str, documents: list[Document], chunks: list[Chunk], vectors: np.ndarray,
                 tokenized: list[list[str]], embedder: Embedder, chroma_url: str) -> None:
    folder.mkdir(parents=True)
    (folder / "documents.json").write_text(json.dumps([d.to_dict() for d in documents], ensure_ascii=False),
                                           encoding="utf-8")
    with (folder / "chunks.jsonl").open("w", encoding="utf-8") as out:
        for chunk in chunks:
            out.write(json.dumps(asdict(chunk), ensure_ascii=False) + "\n")
    KeywordIndex.build(tokenized).save(folder / "keyword")
    np.save(folder / "vectors.npy", np.asarray(vectors, dtype=np.float32))
    store = _vector_store(folder, name, embedder, chroma_url, create=True)  # Chroma's failures: IndexWriteError
    try:
        store.add(chunks, vectors, _chunk_metadata(chunks, documents))
    finally:
        store.close()
    # build.json last: its presence marks a complete build
    info = {"format": _FORMAT, "embedder": embedder.name, "chroma_server": bool(chroma_url), "documents": len(documents),
            "chunks": len(chunks), "chunk_ids": [c.chunk_id for c in chunks], "created": time.strftime("%Y-%m-%dT%H:%M:%S")}
    (folder / "build.json").write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")
    _fsync_tree(folder)


def _chunk_metadata(chunks: list[Chunk], documents: list[Document]) -> list[dict[str, str | int | bool]]:
    """What Chroma stores with each vector: the fields of its citation, for a direct Chroma user to read and
    filter on (`where`)."""
    by_id = {d.doc_id: d for d in documents}
    return [{**by_id[c.doc_id].clause_fields(c.path), "part": c.part, "secondary": c.secondary} for c in chunks]


def _switch_pointer(index_dir: Path, name: str) -> None:
    temporary = index_dir / f".{_POINTER}.{uuid.uuid4().hex}"
    try:
        with temporary.open("w", encoding="utf-8") as out:
            out.write(name)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, index_dir / _POINTER)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise


def _remove_old_builds(index_dir: Path, keep: set[str], chroma_url: str) -> None:
    """Keep the new build and the one it replaced (readers may still hold it); drop the rest,
    including partial builds left by an interrupted ingest."""
    for build in (index_dir / _BUILDS).iterdir():
        if build.name not in keep:
            shutil.rmtree(build, ignore_errors=True)
            if chroma_url:
                drop_server_collection(build.name.removeprefix(".").removesuffix(".partial"), chroma_url)


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
