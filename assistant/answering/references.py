"""Documents cited the way officials cite them, not by an exact name: "国发2018年39号文" for 国发〔2018〕39号,
"国务院2018年促进就业意见" or "国办2019年小区配套幼儿园治理通知" (issuer, year and words of the title), and
"杭州2024年的政策" (of a place's several documents, the one of that year)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import jieba

from assistant.text.rarity import is_function_word
from ingest.models import DocumentMeta

_LOOSE = re.compile(r"[〔〕\[\]［］()（）【】{}\s年第]")  # how a 文号 is written loosely: 国发2018年39号
_YEAR = re.compile(r"(20\d\d|19\d\d)年?")
_TITLE_WORDS_NEEDED = 2  # with the issuer and the year: words of the title a reference repeats
_CONVENTIONAL = {"国务院办公厅": "国办"}  # the short forms every official uses


class DocumentReferences:
    def __init__(self, documents: Sequence[DocumentMeta]) -> None:
        self._numbers = {m.doc_id: _LOOSE.sub("", m.doc_number) for m in documents if m.doc_number}
        self._years = {m.doc_id: set(_YEAR.findall(f"{m.date} {m.doc_number}")) for m in documents}
        self._of_year: dict[str, list[str]] = {}  # a question names a year: only that year's documents are read
        for doc_id, years in self._years.items():
            for year in years:
                self._of_year.setdefault(year, []).append(doc_id)
        self._issuers = {m.doc_id: {form for issuer in m.issuers for form in (issuer, _CONVENTIONAL.get(issuer, issuer))}
                         for m in documents}
        self._title_words = {m.doc_id: {w for w in jieba.lcut_for_search(m.title) if len(w) > 1 and not is_function_word(w)}
                             for m in documents}

    def cited(self, text: str, among: Sequence[str] | None = None) -> list[str]:
        """The documents `text` cites (of `among`, whose place it names already: then the issuer need not be named)."""
        candidates = list(among) if among is not None else list(self._years)
        if "号" in text:  # every 文号 ends in 号
            loose = _LOOSE.sub("", text)
            if by_number := [d for d in candidates if (number := self._numbers.get(d)) and number in loose]:
                return by_number
        of_the_years = {d for year in _YEAR.findall(text) for d in self._of_year.get(year, ())}
        return [d for d in candidates if d in of_the_years
                and (among is not None or any(issuer in text for issuer in self._issuers[d]))
                and sum(word in text for word in self._title_words[d]) >= _TITLE_WORDS_NEEDED]

    def citing_words(self, text: str) -> list[str]:
        """The words by which `text` cites documents ("国务院", "促进", "就业" of "国务院2018年促进就业意见"): they
        say which document is asked, not what is asked about it."""
        return [word for d in self.cited(text) for word in (*self._issuers[d], *self._title_words[d]) if word in text]
