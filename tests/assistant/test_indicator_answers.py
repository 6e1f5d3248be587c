"""List, comparison and ranking questions answered from the 指标库, on the real index."""

from __future__ import annotations

import pytest

from assistant.answer import Answer
from assistant.answering.indicator_answers import indicator_answer
from assistant.application.assistant_service import PolicyAssistant
from tests.assistant.conftest import ALXA, CHIFENG, INNER, JINING, TONGLIAO, cited


def _rows(answer: Answer) -> list[str]:
    return [line for line in answer.answer.splitlines() if line.startswith("| ") and "---" not in line][1:]


def test_a_documents_targets_for_a_year_every_row_cited(assistant: PolicyAssistant) -> None:
    answer = assistant.ask("通辽2025年有哪些约束性指标")
    assert answer.answerable and "文件未标明哪些指标属于约束性指标" in answer.answer  # said, not invented
    rows = _rows(answer)
    assert len(rows) >= 20 and all("2025" in row for row in rows)
    assert any("城镇清洁能源取暖率" in row and "93%" in row for row in rows)
    assert all(row.rstrip(" |").endswith("]") for row in rows)  # each row carries its citation
    for citation in answer.citations:
        assert citation.doc_id == TONGLIAO and citation.quote in citation.text


def test_targets_on_some_subjects_only(assistant: PolicyAssistant) -> None:
    answer = assistant.ask("赤峰在供水、污水方面有哪些量化指标？")
    assert {(CHIFENG, "三（二）3"), (CHIFENG, "三（一）4")} <= cited(answer)
    assert all(word not in answer.answer for word in ("燃气普及率", "装配式"))  # other subjects stay out
    assert "漏损率控制在9%以下" in answer.answer


def test_the_appendix_table_and_a_value(assistant: PolicyAssistant) -> None:
    answer = assistant.ask("通辽附件指标表里，2025年指标要达到100%的有哪几项？")
    assert cited(answer) == {(TONGLIAO, "附件 序号13"), (TONGLIAO, "附件 序号14")}


def test_a_comparison_across_every_document_that_sets_the_target(assistant: PolicyAssistant) -> None:
    answer = assistant.ask("各地城镇清洁取暖率目标分别是多少？")
    assert {doc for doc, _ in cited(answer)} == {ALXA, CHIFENG, INNER, JINING, TONGLIAO}
    assert "达到80%以上" in answer.answer and "超过93%" in answer.answer  # the documents' own words


def test_a_ranking_names_the_top_first(assistant: PolicyAssistant) -> None:
    answer = assistant.ask("哪个地方的装配式建筑比例目标最高？")
    assert answer.answer.startswith("**答：** 最高的是济宁（达到50%以上）")
    assert "济宁" in _rows(answer)[0]


def test_a_named_document_without_the_target_gets_a_row_once_searched(assistant: PolicyAssistant) -> None:
    answer = assistant.ask("赤峰和通辽的建成区可渗透面积占比目标分别是多少？")  # only 通辽 sets it
    assert "来自指标库" in answer.answer and "| 赤峰 | — | 未作规定 | — | — |" in answer.answer
    assert {doc for doc, _ in cited(answer)} == {TONGLIAO}


@pytest.mark.parametrize(("silent", "answered_from_the_table"), [({ALXA}, True), (set(), False)])
def test_a_target_the_table_missed_is_left_to_research(assistant: PolicyAssistant, silent: set[str],
                                                       answered_from_the_table: bool) -> None:
    intent = assistant.analyser.analyse("阿拉善和通辽的清洁取暖率目标分别是多少？", [])
    without_alxa = [i for i in assistant.indicators if i.doc_id != ALXA]  # as if the extractor had missed 阿拉善's
    answer = indicator_answer(intent, without_alxa, assistant.index.documents, list, lambda: silent)
    assert (answer is not None) is answered_from_the_table  # None: the usual research answers, and finds 阿拉善's 93%
    assert answer is None or "| 阿拉善 | — | 未作规定 | — | — |" in answer.answer
