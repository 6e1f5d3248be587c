"""Storage faults replayed on real files: each ends in an IndexUnavailableError whose Chinese message
names the fix, and the fix works.

Chroma's Rust core meets some damaged SQLite pages with a pyo3 PanicException (a BaseException);
the middle page of a small index's chroma.sqlite3 may hold documents that searches never read, so
pages are chosen by the table they belong to (SQLite's dbstat), not by offset alone.
"""

from __future__ import annotations

import json
import logging
import random
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import chromadb
import numpy as np
import pytest
from chromadb.config import Settings as ChromaSettings

from ingest.models import Document
from tests.conftest import CHUNK_TOKENS, CORPUS
from tests.vectorstore.hash_embedder import HashEmbedder
from vectorstore import sqlite_cache
from vectorstore.embedders import Embedder
from vectorstore.index import (
    IndexDamagedError,
    IndexNotFoundError,
    IndexUnavailableError,
    IndexWriteError,
    PolicyIndex,
    VectorServerUnavailableError,
    build_index,
    current_build,
)
from vectorstore.keyword import TokenCache
from vectorstore.sqlite_cache import CacheTable

ROOT = Path(__file__).resolve().parents[2]
PAGE = 4096
QUESTION = "县城新建住宅最高可以盖多少层"


def _garble_page(path: Path, page: int) -> None:
    """Overwrite one 4 KB page (0-based) with random bytes, as a bad sector would."""
    with path.open("r+b") as out:
        out.seek(page * PAGE)
        out.write(random.Random(page).randbytes(PAGE))


def _middle_page_of(database: Path, table: str) -> int:
    """The middle one of the pages (0-based) that hold `table`."""
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        pages = sorted(p - 1 for (p,) in db.execute("SELECT pageno FROM dbstat WHERE name = ?", (table,)))
    return pages[len(pages) // 2]


def _chroma_file(index_dir: Path) -> Path:
    build = current_build(index_dir)
    assert build is not None
    return build / "chroma" / "chroma.sqlite3"


def _answers(index: PolicyIndex) -> bool:
    return any("最高不超过18层" in index.chunks[p].text for p, _ in index.vector_search(QUESTION, 5))


@pytest.fixture
def hash_index(hash_index_copy: Path) -> Path:
    """The corpus indexed with the stand-in embedder, for faults that force embedding it all again
    or that do not depend on what the vectors mean."""
    return hash_index_copy


# Chroma reads its migrations when a client starts (a garbled page panics in Rust) and the embeddings
# log when the collection is counted (a garbled page is a Chroma error).
@pytest.mark.parametrize("table", ["migrations", "embeddings_queue"])
def test_garbled_chroma_page_is_a_damaged_index_and_a_rebuild_fixes_it(
        index_copy: Path, corpus_documents: dict[str, Document], embedder: Embedder, table: str) -> None:
    chroma = _chroma_file(index_copy)
    _garble_page(chroma, _middle_page_of(chroma, table))
    with pytest.raises(IndexDamagedError, match=r"索引已损坏.*policy-assistant ingest --rebuild") as raised:
        PolicyIndex.open(index_copy, embedder)
    assert not isinstance(raised.value, IndexNotFoundError)  # not "no index yet": the fix is --rebuild
    if table == "migrations":
        assert type(raised.value.__cause__).__name__ == "PanicException"
    report = build_index(list(corpus_documents.values()), index_copy, embedder, CHUNK_TOKENS, force=True)
    assert not report.unchanged and report.embedded == 0  # every vector came from the cache
    assert _answers(PolicyIndex.open(index_copy, embedder))


def _panic_type(index_dir: Path) -> type[BaseException]:
    """pyo3's PanicException, caught from Chroma itself (it cannot be imported)."""
    broken = index_dir.parent / "panicking"
    shutil.copytree(index_dir, broken)
    chroma = _chroma_file(broken)
    _garble_page(chroma, _middle_page_of(chroma, "migrations"))
    try:
        chromadb.PersistentClient(path=str(chroma.parent), settings=ChromaSettings(anonymized_telemetry=False))
    except BaseException as error:  # a panic is not an Exception: that is the point
        assert not isinstance(error, Exception)
        return type(error)
    raise AssertionError("Chroma opened a garbled migrations page")


def test_a_panic_in_a_chroma_query_is_a_damaged_index(hash_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    panic = _panic_type(hash_index)
    index = PolicyIndex.open(hash_index, HashEmbedder())
    collection = index.vectors._collection

    def query(*_: object, **__: object) -> None:
        raise panic("Expect it to be fetched: Database(SqliteError { code: 11 })")

    monkeypatch.setattr(collection, "query", query)
    with pytest.raises(IndexDamagedError, match="ingest --rebuild"):
        index.vector_search(QUESTION, 5)

    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(collection, "query", interrupted)
    with pytest.raises(KeyboardInterrupt):  # Ctrl-C is never turned into an index error
        index.vector_search(QUESTION, 5)


@pytest.mark.parametrize("page", ["first", "middle"])
def test_garbled_embedding_cache_is_started_afresh(hash_index: Path, corpus_documents: dict[str, Document],
                                                   page: str, caplog: pytest.LogCaptureFixture) -> None:
    cache = hash_index / "embeddings.sqlite"
    _garble_page(cache, 0 if page == "first" else cache.stat().st_size // PAGE // 2)
    embedder = HashEmbedder()
    with caplog.at_level(logging.WARNING):
        report = build_index(list(corpus_documents.values()), hash_index, embedder, CHUNK_TOKENS, force=True)
    assert report.embedded == report.chunks == embedder.embedded > 0  # everything embedded again
    assert "已损坏" in caplog.text and (hash_index / "embeddings.sqlite.damaged").is_file()
    again = build_index(list(corpus_documents.values()), hash_index, HashEmbedder(), CHUNK_TOKENS, force=True)
    assert again.embedded == 0  # the fresh cache works
    assert len(PolicyIndex.open(hash_index, HashEmbedder()).chunks) == report.chunks


def test_garbled_token_cache_is_started_afresh(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    texts = [f"第{i}条 推进县城绿色低碳建设，新建住宅最高不超过18层。" for i in range(400)]
    with closing(TokenCache(path)) as cache:
        first = cache.tokenize(texts)
    _garble_page(path, path.stat().st_size // PAGE // 2)
    with closing(TokenCache(path)) as cache:
        assert cache.tokenize(texts) == first
    assert (tmp_path / "cache.sqlite.damaged").is_file()


def _damage(build: Path, damage: str) -> None:
    if damage == "chroma_page":
        chroma = build / "chroma" / "chroma.sqlite3"
        _garble_page(chroma, _middle_page_of(chroma, "embeddings_queue"))
    elif damage == "vectors_rows":
        np.save(build / "vectors.npy", np.load(build / "vectors.npy")[:-1])
    else:  # chunks.jsonl lost its last line
        lines = (build / "chunks.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
        (build / "chunks.jsonl").write_text("".join(lines[:-1]), encoding="utf-8")


@pytest.mark.parametrize("damage", ["chroma_page", "vectors_rows", "chunks_truncated"])
def test_plain_ingest_rebuilds_a_damaged_live_build(index_copy: Path, corpus_documents: dict[str, Document],
                                                    embedder: Embedder, damage: str) -> None:
    damaged = current_build(index_copy)
    assert damaged is not None
    _damage(damaged, damage)
    with pytest.raises(IndexDamagedError):
        PolicyIndex.open(index_copy, embedder)
    report = build_index(list(corpus_documents.values()), index_copy, embedder, CHUNK_TOKENS)
    assert not report.unchanged and report.embedded == 0
    assert current_build(index_copy) != damaged
    assert _answers(PolicyIndex.open(index_copy, embedder))


_FULL_DISK = """
import resource, signal, sys
from pathlib import Path
import jieba
from ingest.pipeline import parse_paths
from tests.vectorstore.hash_embedder import HashEmbedder
from vectorstore.index import IndexWriteError, build_index

documents = parse_paths([Path(sys.argv[2])], 10 * 2**20).documents
jieba.initialize()  # its dictionary cache is written outside the index
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead of killing us
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[3]),) * 2)
try:
    build_index(documents, Path(sys.argv[1]), HashEmbedder(), int(sys.argv[4]), force=True)
except IndexWriteError as error:
    print(error)
    sys.exit(3)
"""


# 64 KB: documents.json cannot be written; 1 MB: the JSON files fit, Chroma's SQLite file does not.
@pytest.mark.system  # a child process with a file size limit
@pytest.mark.parametrize("limit_kb", [64, 1024])
def test_full_disk_during_a_build_is_a_write_error_and_the_old_index_serves(hash_index: Path, limit_kb: int) -> None:
    before = current_build(hash_index)
    result = subprocess.run([sys.executable, "-c", _FULL_DISK, str(hash_index), str(CORPUS), str(limit_kb * 1024),
                             str(CHUNK_TOKENS)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "写入索引失败" in result.stdout and "磁盘已满" in result.stdout and "原有索引未改动" in result.stdout
    assert "Traceback" not in result.stderr
    assert current_build(hash_index) == before
    assert not [p for p in (hash_index / "builds").iterdir() if p.name.endswith(".partial")]
    assert PolicyIndex.open(hash_index, HashEmbedder()).build == before


def test_unreachable_chroma_server_says_so(hash_index: Path, corpus_documents: dict[str, Document]) -> None:
    build = current_build(hash_index)
    assert build is not None
    info = json.loads((build / "build.json").read_text(encoding="utf-8"))
    (build / "build.json").write_text(json.dumps({**info, "chroma_server": True}), encoding="utf-8")
    url = "http://127.0.0.1:9"  # the discard port: nothing listens
    with pytest.raises(VectorServerUnavailableError, match=r"无法连接 Chroma 服务器.*chroma run"):
        PolicyIndex.open(hash_index, HashEmbedder(), chroma_url=url)
    with pytest.raises(VectorServerUnavailableError):
        build_index(list(corpus_documents.values()), hash_index, HashEmbedder(), CHUNK_TOKENS, chroma_url=url)
    assert current_build(hash_index) == build


def test_storage_errors_are_distinct_causes_under_one_parent() -> None:
    causes = (IndexNotFoundError, IndexDamagedError, IndexWriteError, VectorServerUnavailableError)
    for cause in causes:
        assert issubclass(cause, IndexUnavailableError)
        assert not any(issubclass(cause, other) for other in causes if other is not cause)


def test_damage_found_while_reading_the_cache_starts_it_afresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Damage that the check at opening missed (it reads structure, not every row) is handled alike;
    a full disk is not damage, and keeps the cache."""
    path = tmp_path / "cache.sqlite"
    table = CacheTable(path, "vectors", "vector")
    table.insert([("a", b"1")])

    def failing(code: int, message: str) -> None:
        def lookup(*_: object) -> dict[str, bytes]:
            error = sqlite3.OperationalError(message) if code == sqlite3.SQLITE_FULL else sqlite3.DatabaseError(message)
            error.sqlite_errorcode = code  # type: ignore[attr-defined]
            monkeypatch.undo()  # only the first read fails
            raise error

        monkeypatch.setattr(sqlite_cache, "lookup", lookup)

    failing(sqlite3.SQLITE_FULL, "database or disk is full")
    with pytest.raises(sqlite3.OperationalError):
        table.lookup(["a"])
    assert table.lookup(["a"]) == {"a": b"1"} and not (tmp_path / "cache.sqlite.damaged").exists()

    failing(sqlite3.SQLITE_CORRUPT, "database disk image is malformed")
    assert table.lookup(["a"]) == {}  # a fresh, empty cache
    table.insert([("b", b"2")])
    assert table.lookup(["a", "b"]) == {"b": b"2"} and (tmp_path / "cache.sqlite.damaged").is_file()
    table.close()
