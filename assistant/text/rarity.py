"""How informative a word is, from general Chinese usage (jieba's dictionary frequencies and part-of-speech
tags), not from the corpus: a document's answer must not change because other documents were added."""

from __future__ import annotations

import functools
import math
import re

import jieba
import jieba.posseg

# Parts of speech that say how or when a question is asked, not what about (ICTCLAS tags, as in jieba's
# dictionary): pronouns 那边/我们, adverbs 一直/到底, prepositions, particles, numerals 一个/好几年, localisers 以后,
# time words 今年, set phrases 是不是/揭不开锅. Measure words (平方米, 层) stay: they say which figure; so do
# conjunctions, as the dictionary tags 既有 (既有建筑) one.
_FUNCTION_TAGS = ("r", "d", "p", "u", "y", "e", "o", "m", "f", "t", "l")


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


@functools.cache
def is_function_word(word: str) -> bool:
    """A word whose part of speech (jieba's dictionary tag, else its tagger's guess) is a function word.
    Figures written in digits ("300吨") are content: they name what is asked."""
    if re.search(r"\d", word):
        return False
    tag = jieba.posseg.dt.word_tag_tab.get(word)
    if tag is None:
        tags = [pair.flag for pair in jieba.posseg.lcut(word)]
        tag = tags[0] if len(tags) == 1 else ""
    return tag.startswith(_FUNCTION_TAGS) and tag != "eng"  # eng: a Latin-letter term (BIPV), not an interjection
