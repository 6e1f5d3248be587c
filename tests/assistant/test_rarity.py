"""Word weights come from general Chinese usage, so they are the same whatever documents are indexed."""

from __future__ import annotations

from assistant.text.rarity import general_weight, is_function_word


def test_everyday_words_weigh_less_than_policy_terms() -> None:
    assert general_weight("出来") < general_weight("县城") < general_weight("取暖")  # 出来 is everywhere in Chinese


def test_a_word_the_dictionary_lacks_weighs_as_its_rarest_part() -> None:
    assert general_weight("清洁取暖率") == max(general_weight("清洁"), general_weight("取暖"), general_weight("率"))


def test_function_words_are_told_from_topic_words_by_their_part_of_speech() -> None:
    assert all(map(is_function_word, ["那边", "一直", "以后", "今年", "是不是", "一个"]))
    assert not any(map(is_function_word, ["住宅", "取暖", "放宽", "平方米", "300", "BIPV"]))  # units and figures say what is asked
