"""A deterministic stand-in embedder for tests of index mechanics (storage, lifecycle, keyword search, chunking).

Only where what is stored matters, not what the vectors mean: it embeds thousands of
chunks a second where the real model manages ~5.
"""

from __future__ import annotations

import hashlib

import numpy as np


class HashEmbedder:
    name = "test/hash-32"
    max_tokens = 512
    dimension = 32

    def __init__(self) -> None:
        self.embedded = 0  # passages embedded so far

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.embedded += len(texts)
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dimension), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)

    def count_tokens(self, text: str) -> int:
        return len(text)

    def _vector(self, text: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
        vector = np.random.default_rng(seed).standard_normal(self.dimension).astype(np.float32)
        return vector / np.linalg.norm(vector)


class OtherHashEmbedder(HashEmbedder):
    """Another model to the index: the same vector size, another name (what an index records and checks)."""

    name = "test/other-hash-32"


class WideHashEmbedder(HashEmbedder):
    """The same name, vectors of another size: a model replaced under the name the index recorded."""

    dimension = 64
