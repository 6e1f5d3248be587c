"""How informative a word is, from general Chinese usage (jieba's dictionary frequencies), not from the
corpus: a document's answer must not change because other documents were added."""

from __future__ import annotations

import functools
import math

import jieba


@functools.cache
def general_weight(word: str) -> float:
    """log(total / frequency) in jieba's dictionary; a word it lacks weighs as its rarest part."""
    jieba.dt.check_initialized()  # the dictionary loads lazily
    frequencies, total = jieba.dt.FREQ, jieba.dt.total
    if frequencies.get(word):
        return math.log(total / frequencies[word])
    parts = [part for part in jieba.lcut(word) if part != word]
    if parts:
        return max(general_weight(part) for part in parts)
    return math.log(total)
