"""The persistent Chroma collection of one index build.

Chroma is always handed our embedding function: a collection without one (or reopened without
one) silently falls back to Chroma's default model, which it tries to download. We also pass
vectors explicitly on add and query, so the function is a guard rather than the path taken.

The collection is also read by people who query Chroma directly (README, "Chroma"): its metadata
names the model that made the vectors (checked against the configured embedder on every open), and
each vector carries its citation's fields (vectorstore/index.py).
"""

from __future__ import annotations

import functools
import logging
import math
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import chromadb
import httpx
import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings as ChromaSettings

from ingest.models import Chunk
from vectorstore.embedders import Embedder
from vectorstore.errors import IndexUnavailableError, converted, embedder_mismatch, index_damaged, server_unavailable, write_failed

logger = logging.getLogger(__name__)
COLLECTION = "policy-clauses"
_HEARTBEAT_TIMEOUT_S = 1.0  # a reachable server answers in milliseconds; /readyz must not hang on a dead one
_WATCH_INTERVAL_S = 1.5  # /readyz may be polled every second by each load balancer: one heartbeat serves them all


class ChromaEmbeddingFunction(EmbeddingFunction[Documents]):
    """Our embedder in the shape Chroma asks for."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder

    def __call__(self, input: Documents) -> Embeddings:
        return list(self._embedder.embed_passages(list(input)))

    def embed_query(self, input: Documents) -> Embeddings:
        return [self._embedder.embed_query(text) for text in input]

    @staticmethod
    def name() -> str:
        return "policy-assistant"

    def get_config(self) -> dict[str, Any]:
        return {"model": self._embedder.name}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaEmbeddingFunction:
        raise NotImplementedError("policy-assistant opens its collections with its own embedder")

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"


class ChromaStore:
    """The vectors of one index build: in the build's own folder (`local`), or in a collection named
    after the build on a shared Chroma server (`on_server`, for several workers or machines).

    Every failure ends in an IndexUnavailableError that names the fix: Chroma's Rust core meets a
    damaged SQLite file with a pyo3 PanicException (a BaseException), on opening or on a query."""

    def __init__(self, connect: Callable[[], ClientAPI], name: str, embedder: Embedder, create: bool,
                 where: str, server_url: str = "") -> None:
        self._where, self._server_url, self._writing = where, server_url, create
        self._count: int | None = None
        function, model = ChromaEmbeddingFunction(embedder), _model_metadata(embedder)
        with converted(self._failure):
            self._client = connect()
            if create:
                self._collection = self._client.create_collection(name, embedding_function=function, metadata=model,
                                                                  configuration={"hnsw": {"space": "cosine"}})
            else:  # opening never creates: a missing collection is a damaged index, not an empty one
                self._collection = self._client.get_collection(name, embedding_function=function)
                _check_model(self._collection.metadata or {}, model)

    @classmethod
    def local(cls, folder: Path, embedder: Embedder, create: bool = False) -> ChromaStore:
        def connect() -> ClientAPI:
            return chromadb.PersistentClient(path=str(folder), settings=ChromaSettings(anonymized_telemetry=False))

        return cls(connect, COLLECTION, embedder, create, where=str(folder))

    @classmethod
    def on_server(cls, server_url: str, build_name: str, embedder: Embedder, create: bool = False) -> ChromaStore:
        name = collection_name(build_name)
        return cls(lambda: _server_client(server_url), name, embedder, create,
                   where=f"Chroma 服务器 {server_url} 上的集合 {name}", server_url=server_url)

    def add(self, chunks: list[Chunk], vectors: np.ndarray, metadata: list[dict[str, Any]]) -> None:
        """Raises IndexWriteError when Chroma refuses (disk full, no permission)."""
        self._count = None
        with converted(self._failure):
            for start in range(0, len(chunks), 1000):
                end = start + 1000
                self._collection.add(ids=[c.chunk_id for c in chunks[start:end]], embeddings=vectors[start:end],
                                     documents=[c.indexed_text for c in chunks[start:end]],
                                     metadatas=metadata[start:end])

    def query(self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the k nearest chunks, best first."""
        if self.count() == 0:
            return []
        with converted(self._failure):
            result = self._collection.query(query_embeddings=[vector], n_results=min(k, self.count()), where=where,
                                            include=["distances"])
            return [(chunk_id, 1.0 - float(distance))
                    for chunk_id, distance in zip(result["ids"][0], result["distances"][0])]

    def count(self) -> int:
        if self._count is None:  # asked on every query; a server round trip, and a written build never changes
            with converted(self._failure):
                self._count = self._collection.count()
        return self._count

    def close(self) -> None:
        """Release Chroma's handles on the folder (so a replaced build can be deleted)."""
        self._client.clear_system_cache()

    def _failure(self, error: BaseException) -> IndexUnavailableError:
        if self._server_url and unreachable(self._server_url):
            return server_unavailable(self._server_url)
        return write_failed(error) if self._writing else index_damaged(self._where, error)


def _model_metadata(embedder: Embedder) -> dict[str, str | int]:
    """The collection's record of the model that made its vectors: what a direct Chroma user must embed
    queries with (README), and what every open checks the configured embedder against."""
    # e5 models are trained with these prefixes, and our embedders add them when the model's name says e5
    # (vectorstore/embedders.py); whoever embeds a query by other means must add the query one too.
    e5 = "e5" in embedder.name.lower()
    return {"embedding_model": embedder.name, "embedding_dimension": _dimension(embedder),
            "query_prefix": "query: " if e5 else "", "passage_prefix": "passage: " if e5 else ""}


@functools.cache  # one embedding per embedder and process: a server opens a build on every ingest
def _dimension(embedder: Embedder) -> int:
    return len(embedder.embed_query("政策"))


def _check_model(recorded: Mapping[str, Any], model: dict[str, str | int]) -> None:
    """Refuse to search vectors of another model: its neighbours would be wrong, and nothing would say so."""
    keys = ("embedding_model", "embedding_dimension")
    if any(recorded.get(key) != model[key] for key in keys):
        raise embedder_mismatch(str(recorded.get("embedding_model", "（未记录）")), recorded.get("embedding_dimension", "?"),
                                str(model["embedding_model"]), int(model["embedding_dimension"]))


def unreachable(server_url: str) -> bool:
    """Whether the Chroma server fails to answer a heartbeat within a second (Chroma's own client waits forever)."""
    host, port, ssl = _address(server_url)
    try:
        httpx.get(f"{'https' if ssl else 'http'}://{host}:{port}/api/v2/heartbeat",
                  timeout=_HEARTBEAT_TIMEOUT_S).raise_for_status()
    except Exception:  # any failure to reach it means the same to the user
        return True
    return False


class ServerWatch:
    """Whether a Chroma server answers, from at most one heartbeat per `interval_s` however often it is asked:
    /readyz stays cheap to poll, and turns ready again by itself once the server is back."""

    def __init__(self, server_url: str, interval_s: float = _WATCH_INTERVAL_S) -> None:
        self.server_url, self._interval_s = server_url, interval_s
        self._lock = threading.Lock()
        self._checked_at, self._reachable = -math.inf, False

    def reachable(self) -> bool:
        with self._lock:  # callers arriving meanwhile wait for the heartbeat in flight instead of sending their own
            if time.monotonic() - self._checked_at >= self._interval_s:
                self._reachable = not unreachable(self.server_url)
                self._checked_at = time.monotonic()
            return self._reachable


def collection_name(build_name: str) -> str:
    return f"{COLLECTION}-{build_name}"


def drop_server_collection(build_name: str, server_url: str) -> None:
    """Delete a removed build's collection from the Chroma server (if it is there); best effort."""
    try:
        client = _server_client(server_url)
        if collection_name(build_name) in {c.name for c in client.list_collections()}:
            client.delete_collection(collection_name(build_name))
    except Exception:  # an unreachable server must not hide the error that made us clean up
        logger.warning("无法从 Chroma 服务器 %s 删除集合 %s", server_url, collection_name(build_name), exc_info=True)


def _server_client(server_url: str) -> ClientAPI:
    host, port, ssl = _address(server_url)
    return chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=ChromaSettings(anonymized_telemetry=False))


def _address(server_url: str) -> tuple[str, int, bool]:
    """Host, port and whether to use TLS, with Chroma's defaults (port 8000)."""
    url = urlsplit(server_url)
    ssl = url.scheme == "https"
    return url.hostname or "127.0.0.1", url.port or (443 if ssl else 8000), ssl
