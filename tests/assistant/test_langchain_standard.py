"""LangChain's own standard tests for retrievers (package langchain-tests), run on the bundled corpus's index."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_tests.integration_tests import RetrieversIntegrationTests

from assistant.application.assistant_service import PolicyAssistant
from assistant.interfaces.chains import PolicyRetriever

# The suite's async test is a bare `async def`: anyio's plugin runs it (it leaves the sync tests alone).
pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"  # LangChain's async methods run on asyncio only


class TestPolicyRetriever(RetrieversIntegrationTests):
    @pytest.fixture(autouse=True)
    def _assistant(self, assistant: PolicyAssistant) -> None:
        """The suite builds retrievers from properties, not fixtures: they read the session's index from here."""
        self.assistant = assistant

    @property
    def retriever_constructor(self) -> type[PolicyRetriever]:
        return PolicyRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"assistant": self.assistant}

    @property
    def retriever_query_example(self) -> str:
        return "县城新建住宅最高几层"
