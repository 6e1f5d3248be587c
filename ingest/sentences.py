"""Sentences of a policy text: the one place that says where a sentence ends.

A sentence ends at a full stop (。；！？) or at a line break. Two views of the same sentences:
`split_sentences` gives each sentence without the line break after it (what is quoted, scored and
checked); `split_sentences_keeping_breaks` keeps the line breaks, so the pieces join back into the
text exactly (what chunking packs into parts).
"""

from __future__ import annotations

import re

FULL_STOPS = "。；！？"
# A sentence up to and including its full stop; a line break ends it without belonging to it.
SENTENCE = re.compile(rf"[^{FULL_STOPS}\n]+[{FULL_STOPS}]?")
# A sentence with what ends it, full stop or line break: consecutive matches tile the text.
_SENTENCE_WITH_END = re.compile(rf"[^{FULL_STOPS}\n]*(?:[{FULL_STOPS}\n]|$)")


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`, line breaks dropped: "甲。乙；\n丙" → ["甲。", "乙；", "丙"]."""
    return SENTENCE.findall(text)


def split_sentences_keeping_breaks(text: str) -> list[str]:
    """The sentences of `text`, each with the full stop or line break that ends it, so that they join back
    into `text`: "甲。乙；\n丙" → ["甲。", "乙；", "\n", "丙"]."""
    return [sentence for sentence in _SENTENCE_WITH_END.findall(text) if sentence]
