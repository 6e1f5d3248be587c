"""Conversation state as data: follow-ups resolve against the previous answer's structured citations
and its understood question, never by re-reading the Markdown we rendered."""

from __future__ import annotations

from typing import Any

from assistant.answer import Answer
from assistant.application.assistant_service import PolicyAssistant
from assistant.settings import Settings
from tests.fake_llm import FakeLLM, Reply
from vectorstore.index import PolicyIndex


def _turns(question: str, answer: Answer) -> list[dict[str, Any]]:
    """A turn as any client sends it back: the question, and the Answer's own fields."""
    return [{"role": "user", "content": question},
            {"role": "assistant", "content": answer.answer, "understood_as": answer.understood_as,
             "citations": [c.model_dump() for c in answer.citations]}]


def test_chained_follow_ups_build_on_what_was_understood(corpus_index: PolicyIndex) -> None:
    assistant = PolicyAssistant(corpus_index, Settings(_env_file=None))
    first = assistant.ask("赤峰县城新建住宅最高几层")
    history = _turns("赤峰县城新建住宅最高几层", first)
    second = assistant.ask("那阿拉善呢？", history)
    assert "12层" in second.answer and second.citations[0].doc_id == "alxa-2023-carbon-peak"
    assert "阿拉善" in second.understood_as and "住宅" in second.understood_as
    history += _turns("那阿拉善呢？", second)
    third = assistant.ask("这条由哪些单位负责？", history)
    assert third.answerable and "那呢" not in third.understood_as
    assert {c.doc_id for c in third.citations} == {"alxa-2023-carbon-peak"}


def test_the_nth_source_is_opened_by_doc_id_and_path_not_by_title(corpus_index: PolicyIndex) -> None:
    assistant = PolicyAssistant(corpus_index, Settings(_env_file=None))
    # the text names another document's title: only the structured citation counts
    history = [{"role": "user", "content": "县城住宅层数"},
               {"role": "assistant", "content": "- [2] 《济宁市推动城乡建设绿色发展实施方案》 一（一）「总体要求」",
                "citations": [{"n": 1, "doc_id": "alxa-2023-carbon-peak", "clause": "一"},
                              {"n": 2, "doc_id": "chifeng-2023-green-development", "clause": "三（一）2"}]}]
    answer = assistant.ask("第二条具体怎么说？", history)
    assert answer.citations[0].doc_id == "chifeng-2023-green-development" and answer.citations[0].clause == "三（一）2"
    assert "最高不超过18层" in answer.answer


def test_after_an_llm_answer_the_nth_source_is_its_cited_clause(corpus_index: PolicyIndex, fake_llm: FakeLLM) -> None:
    settings = Settings(_env_file=None, llm_base_url=fake_llm.base_url, llm_model="fake-qwen", llm_timeout_s=2)
    assistant = PolicyAssistant(corpus_index, settings)
    fake_llm.replies.append(Reply("县城新建住宅以六层为主，最高不超过18层[1]。"))
    first = assistant.ask("县城新建住宅最高几层")
    assert first.mode == "llm" and first.citations
    requests_before = len(fake_llm.requests)
    follow_up = assistant.ask("第一条具体怎么说？", _turns("县城新建住宅最高几层", first))
    assert len(fake_llm.requests) == requests_before  # answered from the citation, not sent to the model
    assert (follow_up.citations[0].doc_id, follow_up.citations[0].clause) == (first.citations[0].doc_id, first.citations[0].clause)
    assert follow_up.mode == "extractive" and follow_up.citations[0].text.splitlines()[0][:15] in follow_up.answer


def test_malformed_history_citations_are_ignored_not_fatal(corpus_index: PolicyIndex) -> None:
    assistant = PolicyAssistant(corpus_index, Settings(_env_file=None))
    history = [{"role": "user", "content": "县城住宅层数"},
               {"role": "assistant", "content": "…", "citations": [{"n": "x"}, None, 5, {"n": 1, "doc_id": "nope", "clause": "一"}]}]
    answer = assistant.ask("第一条具体怎么说？", history)
    assert answer.question == "第一条具体怎么说？"
