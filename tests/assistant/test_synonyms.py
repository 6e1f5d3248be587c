"""The thesaurus bridging users' and documents' words: 词林's synonym groups only."""

from __future__ import annotations

from assistant.text.synonyms import synonyms
from assistant.text.variants import simplified


def test_synonyms_come_from_the_thesaurus_groups() -> None:
    assert "住宅" in synonyms("住房") and "城区" in synonyms("市区") and "乡村" in synonyms("农村")
    assert "住房" not in synonyms("住房") and synonyms("不是一个词") == frozenset()


def test_traditional_characters_are_read_as_simplified() -> None:
    assert simplified("濟寧縣城新建住宅最高幾層") == "济宁县城新建住宅最高几层"
