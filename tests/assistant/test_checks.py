"""An answer passes only when it cites real sources and states only their numbers."""

from __future__ import annotations

import pytest

from assistant.answering.verification import CheckResult, check_answer, check_sentence, citations

HEIGHT = "1.县城新建住宅最高不超过18层。"
HEATING = "到2025年，城镇清洁取暖率达到93%。"


def test_faithful_answer_passes() -> None:
    result = check_answer("县城新建住宅最高不超过十八层[1]。", {1: HEIGHT})
    assert result.ok
    assert result == CheckResult(unknown_citations=[], unsupported_numbers=[])


def test_unknown_citation_fails() -> None:
    result = check_answer("县城新建住宅最高不超过18层[9]。", {1: HEIGHT, 2: HEATING})
    assert not result.ok
    assert result.unknown_citations == [9]


def test_invented_number_fails_and_is_reported_as_written() -> None:
    result = check_answer("到2025年，城镇清洁取暖率达到45%[1]。", {1: HEATING})
    assert not result.ok
    assert result.unsupported_numbers == ["45%"]
    assert result.describe() == "数字“45%”不见于所引来源"


def test_number_only_in_an_uncited_source_fails() -> None:
    result = check_answer("到2025年，清洁取暖率达到93%[2]。", {1: HEIGHT, 2: "城镇清洁取暖率达到93%。", 3: HEATING})
    assert result.unsupported_numbers == ["2025"]


def test_answer_citing_nothing_is_checked_against_all_sources() -> None:
    assert check_answer("到2025年，住宅不超过18层。", {1: HEIGHT, 2: HEATING}).ok
    assert check_answer("住宅不超过20层。", {1: HEIGHT, 2: HEATING}).unsupported_numbers == ["20"]


@pytest.mark.parametrize("answer", ["见[1][2]。", "见[1,2]。", "见[1、2]。", "见［1］［2］。", "见［1，2］。", "见[2][1][2]。"])
def test_grouped_markers_parse(answer: str) -> None:
    assert sorted(citations(answer)) == [1, 2]
    assert check_answer(answer, {1: HEIGHT, 2: HEATING}).ok


def test_clause_paths_and_document_numbers_are_not_quantities() -> None:
    answer = "依据赤政办发〔2023〕61号三（一）2，住宅不超过18层[1]。"
    assert check_answer(answer, {1: HEIGHT}).ok


def test_describe_lists_every_problem() -> None:
    result = check_answer("达到45%，共6层[1][9]。", {1: HEATING})
    assert result.describe() == "引用了不存在的来源 [9]；数字“45%”、“6”不见于所引来源"


def test_clause_paths_without_a_group_are_not_numbers() -> None:
    sources = {1: "各旗区于每年11月底前报送。"}
    assert check_answer("每年11月底前报送。[1]（见 三27「强化任务落实」、四21）", sources).ok
    assert not check_answer("每年12月底前报送。[1]（见 三27）", sources).ok


def test_a_sentence_is_held_to_its_own_citations() -> None:
    sources = {1: HEIGHT, 2: HEATING}
    assert check_sentence("县城新建住宅最高不超过18层[1]。", sources, cited={1, 2}).ok
    assert check_sentence("县城新建住宅最高不超过18层[2]。", sources, cited={1, 2}).unsupported_numbers == ["18"]
    assert check_sentence("最高不超过18层[9]。", sources, cited={1}).unknown_citations == [9]


def test_a_sentence_citing_nothing_is_held_to_what_the_answer_cited() -> None:
    sources = {1: HEIGHT, 2: HEATING}
    assert check_sentence("城镇清洁取暖率达到93%；", sources, cited={2}).ok
    assert check_sentence("城镇清洁取暖率达到93%；", sources, cited={1}).unsupported_numbers == ["93%"]


def test_an_outline_clause_path_is_not_a_figure() -> None:
    answer = "- **国家粮食应急预案 2.1.2「指挥部办公室」**：办公室设在国家粮食局。[1]"
    assert check_answer(answer, {1: "办公室设在国家粮食局，由国家粮食局主要负责人兼任办公室主任。"}).ok
