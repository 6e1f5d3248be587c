"""The persistent Chroma collection of one index build.

Chroma is always handed our embedding function: a collection without one (or reopened without
one) silently falls back to Chroma's default model, which it tries to download. We also pass
vectors explicitly on add and query, so the function is a guard rather than the path taken.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import chromadb
import numpy as np
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
    def __init__(self, folder: Path, embedder: Embedder) -> None:
        self._client = chromadb.PersistentClient(path=str(folder),
                                                 settings=ChromaSettings(anonymized_telemetry=False))
        self._collection = self._client.get_or_create_collection(
            COLLECTION, embedding_function=ChromaEmbeddingFunction(embedder),
            configuration={"hnsw": {"space": "cosine"}},
        )

    def add(self, chunks: list[Chunk], vectors: np.ndarray, metadata: list[dict[str, Any]]) -> None:
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
        return self._collection.count()

    def close(self) -> None:
        """Release Chroma's handles on the folder (so a replaced build can be deleted)."""
        self._client.clear_system_cache()
