"""Vectors cached by (model, text hash), so unchanged text is never embedded twice."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import numpy as np

from vectorstore.embedders import Embedder
from vectorstore.sqlite_cache import CacheTable

_BATCH = 16


class EmbeddingCache:
    def __init__(self, path: Path, embedder: Embedder) -> None:
        self._table = CacheTable(path, "vectors", "vector")  # a damaged cache file is started afresh
        self._embedder = embedder

    def embed(self, texts: list[str],
              on_progress: Callable[[int], None] | None = None) -> tuple[np.ndarray, int]:
        """Vectors for `texts` in order, and how many had to be computed (the rest were cached).

        `on_progress(n)` reports each n texts done, cached ones included.
        """
        keys = [self._key(text) for text in texts]
        found = {key: np.frombuffer(blob, dtype=np.float32) for key, blob in self._table.lookup(keys).items()}
        if on_progress and found:
            on_progress(len(found))
        missing = [i for i, key in enumerate(keys) if key not in found]
        for start in range(0, len(missing), _BATCH):
            batch = missing[start:start + _BATCH]
            vectors = self._embedder.embed_passages([texts[i] for i in batch])
            rows = [(keys[i], vector.astype(np.float32).tobytes()) for i, vector in zip(batch, vectors)]
            self._table.insert(rows)  # committed per batch: an interrupted ingest keeps what it already paid for
            found.update({key: np.frombuffer(blob, dtype=np.float32) for key, blob in rows})
            if on_progress:
                on_progress(len(batch))
        vectors = np.stack([found[key] for key in keys]) if keys else np.zeros((0, 0), dtype=np.float32)
        return vectors, len(missing)

    def close(self) -> None:
        self._table.close()

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self._embedder.name}\n{text}".encode()).hexdigest()
