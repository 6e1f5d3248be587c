"""The thesaurus bridging users' and documents' words: 词林's synonym groups only."""

from __future__ import annotations

import pytest

from assistant.answering.evidence import _names_measures
from assistant.text.synonyms import synonyms
from assistant.text.variants import simplified


def test_synonyms_come_from_the_thesaurus_groups() -> None:
    assert "住宅" in synonyms("住房") and "城区" in synonyms("市区") and "乡村" in synonyms("农村")
    assert "住房" not in synonyms("住房") and synonyms("不是一个词") == frozenset()


def test_traditional_characters_are_read_as_simplified() -> None:
    assert simplified("濟寧縣城新建住宅最高幾層") == "济宁县城新建住宅最高几层"


@pytest.mark.parametrize(("terms", "sentence", "names_it"), [
    ({"每天": 1.0}, "住院照料临时救助标准不超过240元/人/日", True),  # 每天 = 每日, written 元/人/日
    ({"每平米": 1.0}, "补贴标准为建筑面积每平方米37元", True),  # 平米 for 平方米
    ({"每户": 1.0}, "全市完成改造面积200万平方米", False),  # a total, not per household
    ({"污水处理率": 1.0}, "城镇用水普及率超过99%", False),
])
def test_a_figure_answers_for_the_measure_and_unit_asked(terms: dict[str, float], sentence: str, names_it: bool) -> None:
    assert _names_measures(terms, sentence) is names_it
