"""Questions answered from the document record: 文号, 发文机关, 印发日期, and a department's tasks."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answering.query import QueryAnalyser
from assistant.answering.records import record_answer
from assistant.application.assistant_service import PolicyAssistant
from assistant.settings import Settings
from ingest.clauses import parse_clauses
from ingest.models import Document, DocumentMeta
from ingest.normalize import normalise
from ingest.pipeline import parse_file
from vectorstore.index import PolicyIndex

JINING, INNER = "jining-2022-green-development", "inner-mongolia-2022-green-development"


@pytest.fixture(scope="module")
def assistant(corpus_index: PolicyIndex) -> PolicyAssistant:
    return PolicyAssistant(corpus_index, Settings())


@pytest.mark.parametrize(("question", "value"), [
    ("济宁的文号是什么", "济政办字〔2022〕86号"),
    ("赤峰这个方案是哪个部门发的", "赤峰市人民政府办公室"),
    ("通辽方案什么时候印发的", "2023年11月4日"),
])
def test_the_record_is_answered_and_cited_where_the_document_prints_it(assistant: PolicyAssistant, question: str,
                                                                        value: str) -> None:
    answer = assistant.ask(question)
    assert answer.answerable and value in answer.answer
    assert value in answer.citations[0].quote and answer.citations[0].quote in answer.citations[0].text


def test_a_record_the_document_does_not_print_is_said_missing(assistant: PolicyAssistant) -> None:
    answer = assistant.ask("阿拉善这个方案什么时候印发的")  # the news preface gives no date
    assert not answer.answerable and "未载明印发日期" in answer.answer


def test_the_tasks_a_department_leads_alone(assistant: PolicyAssistant) -> None:
    answer = assistant.ask("济宁方案里由市住房城乡建设局单独牵头的任务有哪几项？")
    assert [c.clause for c in answer.citations] == ["四（九）", "四（十）", "四（十二）"]  # not the tasks it co-leads


def test_the_tasks_a_department_leads(assistant: PolicyAssistant) -> None:
    answer = assistant.ask("济宁住建局牵头哪些任务")  # 住建局: the short name of 市住房城乡建设局
    cited = {c.clause for c in answer.citations}
    assert {"四（九）", "四（十）"} <= cited and all(c.doc_id == JINING for c in answer.citations)
    assert all("市住房城乡建设局" in c.quote and "牵头" in c.quote for c in answer.citations)


def test_a_document_marking_no_lead_answers_with_the_tasks_naming_the_unit(assistant: PolicyAssistant) -> None:
    answer = assistant.ask("自治区住建厅牵头哪些任务")
    assert "未标明牵头单位" in answer.answer and {c.doc_id for c in answer.citations} == {INNER}


def test_several_facts_of_the_record_in_one_question(assistant: PolicyAssistant) -> None:
    answer = assistant.ask("赤峰推动城乡建设绿色发展实施方案的文号是多少？哪天印发的")
    assert "赤政办发〔2023〕61号" in answer.answer and "2023年12月15日" in answer.answer and len(answer.citations) == 2


def test_a_section_asked_for_by_its_name(assistant: PolicyAssistant) -> None:
    answer = assistant.ask("阿拉善盟城乡建设领域碳达峰行动方案的主要目标是什么？")
    assert answer.answerable and {c.clause for c in answer.citations} == {"（二）"}
    assert any("到2030年，城乡建设领域碳排放达到峰值" in c.quote for c in answer.citations)
    for citation in answer.citations:
        assert citation.quote in citation.text


def test_the_date_of_entry_into_force_is_read_from_the_article_not_the_adopting_notice() -> None:
    path = Path(__file__).resolve().parents[2] / "eval" / "corpora" / "dev" / "jingning-2015-urban-management-regulation.txt"
    document = parse_file(path, 10_000_000)
    intent = QueryAnalyser([document.meta]).analyse("景宁城市管理条例从哪天开始施行？")  # the notice before it says 施行 too
    answer = record_answer(intent, {document.meta.doc_id: document})
    assert answer is not None and answer.citations[0].clause == "第二十九条" and "2015年8月1日" in answer.answer


def test_joint_issuers_are_cited_where_the_document_names_them_together(assistant: PolicyAssistant) -> None:
    answer = assistant.ask("阿拉善盟城乡建设领域碳达峰行动方案是哪两个部门联合印发的？")
    assert "阿拉善盟住房和城乡建设局、阿拉善盟发展和改革委员会" in answer.answer
    assert all(issuer in answer.citations[0].quote for issuer in ("阿拉善盟住房和城乡建设局", "阿拉善盟发展和改革委员会"))


def test_the_date_of_issue_is_cited_from_the_line_that_says_issued(assistant: PolicyAssistant) -> None:
    answer = assistant.ask("内蒙古自治区推动城乡建设绿色发展实施方案哪天印发？")
    assert "2022年11月18日" in answer.answer and "印发" in answer.citations[0].quote  # the 版记, not the signature


def test_joint_issuers_are_read_from_the_line_naming_them_all_not_the_first_naming_one() -> None:
    text = normalise("甲市住房和城乡建设局文件\n甲市住房和城乡建设局、甲市发展和改革委员会关于印发《甲市行动方案》的通知\n"
                     "一、总体要求\n（一）加强监管。\n甲市住房和城乡建设局\n").text
    meta = DocumentMeta(doc_id="d", source_file="d.txt", title="甲市行动方案", issuers=["甲市住房和城乡建设局", "甲市发展和改革委员会"])
    document = Document(meta=meta, text=text, clauses=parse_clauses(normalise(text)), content_hash="h")
    answer = record_answer(QueryAnalyser([meta]).analyse("甲市行动方案是哪两个部门联合印发的？"), {"d": document})
    assert answer is not None and "甲市发展和改革委员会" in answer.citations[0].quote
