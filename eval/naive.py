"""The pipeline a user would otherwise build: LangChain's RecursiveCharacterTextSplitter at ~500
characters over the raw files, the same embedder, vector search top-4, the chunks as the answer."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from langchain_text_splitters import RecursiveCharacterTextSplitter

from eval.dataset import EvalItem
from eval.metrics import Prediction, Retrieved
from ingest.loaders import load_text
from vectorstore.embedders import Embedder
from vectorstore.embedding_cache import EmbeddingCache

TOP_K = 4
CHUNK_CHARS = 500


class NaivePipeline:
    def __init__(self, corpus_dir: Path, embedder: Embedder, cache_path: Path, max_bytes: int) -> None:
        splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_CHARS, chunk_overlap=50)
        self.chunks: list[tuple[str, str]] = []  # (source file, text)
        for path in sorted(corpus_dir.glob("*.txt")):
            self.chunks += [(path.name, text) for text in splitter.split_text(load_text(path, max_bytes))]
        self.embedder = embedder
        cache = EmbeddingCache(cache_path, embedder)
        try:
            self.vectors, _ = cache.embed([text for _, text in self.chunks])
        finally:
            cache.close()

    def predict(self, item: EvalItem) -> Prediction:
        started = time.perf_counter()
        scores = self.vectors @ self.embedder.embed_query(item.question)
        top = [self.chunks[i] for i in np.argsort(-scores)[:TOP_K]]
        retrieved = [Retrieved(source, "", text) for source, text in top]
        citations = [{"n": n, "source_file": source, "clause": "", "quote": text, "text": text}
                     for n, (source, text) in enumerate(top, start=1)]
        return Prediction(item=item, answer="\n\n".join(text for _, text in top), answerable=True, citations=citations,
                          retrieved=retrieved, latency_ms=(time.perf_counter() - started) * 1000)
