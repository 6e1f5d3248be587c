"""The object graph, built in one place: settings → embedder → index (→ assistant)."""

from __future__ import annotations

from assistant.settings import Settings
from vectorstore.embedders import Embedder, make_embedder
from vectorstore.index import PolicyIndex


def open_index(settings: Settings, embedder: Embedder | None = None) -> PolicyIndex:
    """The live index the settings point at; raises IndexUnavailableError (with the fix) when there is none."""
    return PolicyIndex.open(settings.index_path, embedder or make_embedder(settings.embedding_model), settings.chroma_url)
