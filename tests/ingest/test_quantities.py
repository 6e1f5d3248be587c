"""Numbers stated in Chinese text compare equal however they are written."""

from __future__ import annotations

import pytest

from ingest.quantities import Quantity, mentions, quantities


@pytest.mark.parametrize(("chinese", "arabic"), [
    ("六层", "6层"),
    ("十八层", "18层"),
    ("百分之九十三", "93%"),
    ("百分之93", "93％"),
    ("1.6万个", "16000个"),
    ("两万平方米", "2万平方米"),
    ("二〇二五年", "2025年"),
    ("三星级", "3星级"),
    ("１８层", "18层"),
    ("三点五万吨", "35000吨"),
])
def test_equal_quantities_compare_equal(chinese: str, arabic: str) -> None:
    assert quantities(chinese) == quantities(arabic)
    assert len(quantities(chinese)) == 1


def test_percent_is_part_of_the_quantity() -> None:
    assert quantities("93%") == {Quantity(93.0, True)}
    assert quantities("93") == {Quantity(93.0, False)}


@pytest.mark.parametrize("text", ["8.5公里", "8.5平方公里"])
def test_decimal_with_unit(text: str) -> None:
    assert quantities(text) == {Quantity(8.5, False)}


def test_range_yields_both_ends() -> None:
    assert quantities("2023-2025年") == {Quantity(2023.0, False), Quantity(2025.0, False)}
    assert quantities("三至五年") == {Quantity(3.0, False), Quantity(5.0, False)}


@pytest.mark.parametrize("text", ["一屏两廊三区", "[3]", "［3］", "[1,2]", "一是", "第一", "第十八层", "第3条", "建立一个机制", "千年"])
def test_words_ordinals_and_citations_are_not_quantities(text: str) -> None:
    assert quantities(text) == set()


def test_mentions_keep_the_text_as_written_in_reading_order() -> None:
    found = mentions("到二〇二五年，达到４５％[2]。")
    assert [(m.text, m.quantity) for m in found] == [("二〇二五", Quantity(2025.0, False)), ("４５％", Quantity(45.0, True))]
