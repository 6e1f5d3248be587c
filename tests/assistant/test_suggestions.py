"""Starter questions drawn from the corpus: each one is answered, with citations."""

from __future__ import annotations

from assistant.application.assistant_service import PolicyAssistant
from assistant.application.suggestions import starter_questions


def test_every_starter_question_is_answered_from_the_documents(assistant: PolicyAssistant) -> None:
    questions = starter_questions(assistant.index.documents, assistant.indicators)
    assert len(questions) >= 3 and "各地清洁取暖率目标分别是多少" in questions  # the measure most documents set
    for question in questions:
        answer = assistant.ask(question)
        assert answer.answerable and answer.citations, question


def test_an_empty_corpus_suggests_nothing() -> None:
    assert starter_questions({}, []) == []
