"""Keyword index: BM25 over jieba words plus character bigrams, saved beside the vectors.

Bigrams make the index robust to jieba's segmentation of policy jargon (清洁取暖率, 海绵城市);
words keep the precision of whole terms. Numbers are kept as tokens ("18", "93%"). Tokens are cached by text (jieba takes ~70 s for the
40 000 chunks of 2 000 documents), so a rebuild only tokenises new or changed chunks.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
import zlib
from pathlib import Path

import bm25s
import jieba
import numpy as np

from vectorstore.sqlite_cache import CacheTable

jieba.setLogLevel(logging.WARNING)
# Cached tokens are only valid for the tokenizer that made them: any edit of this file, or another
# jieba, starts a fresh cache.
_TOKENIZER_VERSION = hashlib.sha256(Path(__file__).read_bytes() + jieba.__version__.encode()).hexdigest()[:16]
_SEPARATOR = "\x1f"

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_NUMBER = re.compile(r"\d+(?:\.\d+)?%?")
_LATIN = re.compile(r"[A-Za-z]{2,}")
_WORD_CHARS = re.compile(r"[\u4e00-\u9fff0-9A-Za-z]")
_STOP = frozenset("的了和与及等在对是为以将把被有中上下各其之或并而也都要就着个这那哪么吗呢啊吧")


def tokenize(text: str) -> list[str]:
    """Tokens for BM25: jieba words, character bigrams of Chinese runs, numbers, Latin words."""
    words = [w for w in jieba.lcut(text) if _WORD_CHARS.search(w) and w not in _STOP]
    bigrams = [run[i:i + 2] for run in _CJK_RUN.findall(text) for i in range(len(run) - 1)]
    singles = [run for run in _CJK_RUN.findall(text) if len(run) == 1 and run not in _STOP]
    return words + ["#" + b for b in bigrams] + singles + _NUMBER.findall(text) + \
        [w.lower() for w in _LATIN.findall(text)]


class TokenCache:
    """BM25 tokens of texts, kept in an SQLite table by (tokenizer version, text hash)."""

    def __init__(self, path: Path) -> None:
        self._table = CacheTable(path, "tokens", "packed")  # a damaged cache file is started afresh

    def tokenize(self, texts: list[str]) -> list[list[str]]:
        keys = [hashlib.sha256(f"{_TOKENIZER_VERSION}\n{text}".encode()).hexdigest() for text in texts]
        found = {key: zlib.decompress(packed).decode().split(_SEPARATOR)
                 for key, packed in self._table.lookup(keys).items()}
        new = {key: tokenize(text) or ["∅"] for key, text in zip(keys, texts) if key not in found}
        self._table.insert([(key, zlib.compress(_SEPARATOR.join(tokens).encode())) for key, tokens in new.items()])
        return [found.get(key) or new[key] for key in keys]

    def close(self) -> None:
        self._table.close()


class KeywordIndex:
    """BM25 scores over the chunks of one index build, by chunk position."""

    def __init__(self, model: bm25s.BM25, size: int) -> None:
        self._model = model
        self.size = size

    @classmethod
    def build(cls, tokenized: list[list[str]]) -> KeywordIndex:
        """From each chunk's tokens (`tokenize`, or `TokenCache.tokenize`; never empty)."""
        model = bm25s.BM25()
        model.index(tokenized, show_progress=False)
        return cls(model, len(tokenized))

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._model.save(str(folder))
        (folder / "size.json").write_text(json.dumps({"size": self.size}), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> KeywordIndex:
        size = json.loads((folder / "size.json").read_text(encoding="utf-8"))["size"]
        return cls(bm25s.BM25.load(str(folder)), size)

    def __contains__(self, token: str) -> bool:
        return token in self._model.vocab_dict

    def idf(self, token: str) -> float:
        """Inverse document frequency of a token over the chunks; an unseen token counts as rarest."""
        column = self._model.vocab_dict.get(token)
        indptr = self._model.scores["indptr"]
        frequency = int(indptr[column + 1] - indptr[column]) if column is not None and column + 1 < len(indptr) else 0
        return math.log(1 + (self.size - frequency + 0.5) / (frequency + 0.5))

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk for `query` (zeros when no query token is indexed).

        Sums the query tokens' precomputed posting scores with one bincount: the work follows the
        postings touched, and is ~40x faster than bm25s' own `np.add.at` at 40 000 chunks."""
        columns = [self._model.vocab_dict[t] for t in tokenize(query) if t in self._model.vocab_dict]
        matrix = self._model.scores
        postings = [slice(matrix["indptr"][c], matrix["indptr"][c + 1]) for c in columns]
        if not postings or self.size == 0:
            return np.zeros(self.size, dtype=np.float32)
        chunks = np.concatenate([matrix["indices"][p] for p in postings])
        weights = np.concatenate([matrix["data"][p] for p in postings])
        return np.bincount(chunks, weights=weights, minlength=self.size).astype(np.float32)
