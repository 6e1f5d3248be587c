"""The persistent Chroma collection of one index build.

Chroma is always handed our embedding function: a collection without one (or reopened without
one) silently falls back to Chroma's default model, which it tries to download. We also pass
vectors explicitly on add and query, so the function is a guard rather than the path taken.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import chromadb
import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings as ChromaSettings

from ingest.models import Chunk
from vectorstore.embedders import Embedder

COLLECTION = "policy-clauses"


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
    after the build on a shared Chroma server (`on_server`, for several workers or machines)."""

    def __init__(self, client: ClientAPI, name: str, embedder: Embedder, create: bool) -> None:
        self._client = client
        function = ChromaEmbeddingFunction(embedder)
        # Opening never creates: a missing collection is a damaged index, not an empty one.
        self._collection = (client.create_collection(name, embedding_function=function, configuration={"hnsw": {"space": "cosine"}})
                            if create else client.get_collection(name, embedding_function=function))
        self._count: int | None = None

    @classmethod
    def local(cls, folder: Path, embedder: Embedder, create: bool = False) -> ChromaStore:
        client = chromadb.PersistentClient(path=str(folder), settings=ChromaSettings(anonymized_telemetry=False))
        return cls(client, COLLECTION, embedder, create)

    @classmethod
    def on_server(cls, server_url: str, build_name: str, embedder: Embedder, create: bool = False) -> ChromaStore:
        return cls(_server_client(server_url), collection_name(build_name), embedder, create)

    def add(self, chunks: list[Chunk], vectors: np.ndarray, metadata: list[dict[str, Any]]) -> None:
        self._count = None
        for start in range(0, len(chunks), 1000):
            end = start + 1000
            self._collection.add(ids=[c.chunk_id for c in chunks[start:end]], embeddings=vectors[start:end],
                                 documents=[c.indexed_text for c in chunks[start:end]],
                                 metadatas=metadata[start:end])

    def query(self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the k nearest chunks, best first."""
        if self.count() == 0:
            return []
        result = self._collection.query(query_embeddings=[vector], n_results=min(k, self.count()), where=where,
                                        include=["distances"])
        return [(chunk_id, 1.0 - float(distance))
                for chunk_id, distance in zip(result["ids"][0], result["distances"][0])]

    def count(self) -> int:
        if self._count is None:  # asked on every query; a server round trip, and a written build never changes
            self._count = self._collection.count()
        return self._count

    def close(self) -> None:
        """Release Chroma's handles on the folder (so a replaced build can be deleted)."""
        self._client.clear_system_cache()


def server_heartbeat(server_url: str) -> None:
    """Raises if the Chroma server does not answer."""
    _server_client(server_url).heartbeat()


def collection_name(build_name: str) -> str:
    return f"{COLLECTION}-{build_name}"


def drop_server_collection(build_name: str, server_url: str) -> None:
    """Delete a removed build's collection from the Chroma server (if it is there)."""
    client = _server_client(server_url)
    if collection_name(build_name) in {c.name for c in client.list_collections()}:
        client.delete_collection(collection_name(build_name))


def _server_client(server_url: str) -> ClientAPI:
    url = urlsplit(server_url)
    return chromadb.HttpClient(host=url.hostname or "127.0.0.1", port=url.port or (443 if url.scheme == "https" else 8000),
                               ssl=url.scheme == "https", settings=ChromaSettings(anonymized_telemetry=False))
