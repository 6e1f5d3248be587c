"""The assistant over the bundled corpus's real index, shared by this folder's answer tests."""

from __future__ import annotations

import pytest

from assistant.answer import Answer
from assistant.application.assistant_service import PolicyAssistant
from assistant.settings import Settings
from vectorstore.index import PolicyIndex

INNER, CHIFENG, TONGLIAO = "inner-mongolia-2022-green-development", "chifeng-2023-green-development", "tongliao-2023-green-development"
JINING, ALXA = "jining-2022-green-development", "alxa-2023-carbon-peak"


@pytest.fixture(scope="module")
def assistant(corpus_index: PolicyIndex) -> PolicyAssistant:
    return PolicyAssistant(corpus_index, Settings())


def cited(answer: Answer) -> set[tuple[str, str]]:
    """The (document, clause) pairs an answer cites as its support."""
    return {(c.doc_id, c.clause) for c in answer.citations if not c.related_only}
