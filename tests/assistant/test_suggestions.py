"""Starter questions drawn from the corpus: each one is answered, with citations."""

from __future__ import annotations

from assistant.application.assistant_service import PolicyAssistant
from assistant.application.suggestions import follow_up_questions, starter_questions


def test_every_starter_question_is_answered_from_the_documents(assistant: PolicyAssistant) -> None:
    questions = starter_questions(assistant.index.documents, assistant.indicators)
    assert len(questions) >= 3 and "各地清洁取暖率目标分别是多少" in questions  # the measure most documents set
    for question in questions:
        answer = assistant.ask(question)
        assert answer.answerable and answer.citations, question


def test_an_empty_corpus_suggests_nothing() -> None:
    assert starter_questions({}, []) == []


def test_follow_ups_of_a_cited_target_are_answered_in_the_conversation(assistant: PolicyAssistant) -> None:
    first = assistant.ask("阿拉善2025年城镇清洁取暖率要达到多少")
    cited = [(c.doc_id, c.clause) for c in first.citations if not c.related_only]
    follow_ups = follow_up_questions(cited, assistant.index.documents, assistant.indicators)
    assert 2 <= len(follow_ups) <= 3 and any(q.startswith("那") and q.endswith("呢？") for q in follow_ups)
    history = [{"role": "user", "content": "阿拉善2025年城镇清洁取暖率要达到多少"},
               {"role": "assistant", "content": first.answer, "understood_as": first.understood_as,
                "citations": [c.model_dump() for c in first.citations]}]
    for question in follow_ups:
        assert assistant.ask(question, history).answerable, question


def test_nothing_cited_suggests_nothing(assistant: PolicyAssistant) -> None:
    assert follow_up_questions([], assistant.index.documents, assistant.indicators) == []


def test_a_comparison_that_covered_every_document_suggests_none_of_them_again(assistant: PolicyAssistant) -> None:
    answer = assistant.ask("各地城镇清洁取暖率目标分别是多少")
    cited = [(c.doc_id, c.clause) for c in answer.citations if not c.related_only]
    assert len({doc for doc, _ in cited}) == 5
    assert not any(q.startswith("那") for q in follow_up_questions(cited, assistant.index.documents, assistant.indicators))
