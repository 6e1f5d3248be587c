"""Word weights come from general Chinese usage, so they are the same whatever documents are indexed."""

from __future__ import annotations

from assistant.text.rarity import general_weight


def test_everyday_words_weigh_less_than_policy_terms() -> None:
    assert general_weight("出来") < general_weight("县城") < general_weight("取暖")  # 出来 is everywhere in Chinese


def test_a_word_the_dictionary_lacks_weighs_as_its_rarest_part() -> None:
    assert general_weight("清洁取暖率") == max(general_weight("清洁"), general_weight("取暖"), general_weight("率"))
