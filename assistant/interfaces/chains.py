"""LangChain faces of the assistant, for users composing their own chains:
`PolicyRetriever` (a BaseRetriever over the hybrid index) and `answer_runnable` (question → Answer)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import ConfigDict

from assistant.answer import Answer, Mode
from assistant.answering.retrieval import HybridRetriever
from assistant.application.assistant_service import PolicyAssistant


class PolicyRetriever(BaseRetriever):
    """Clauses for a query, as LangChain documents whose metadata says where each one stands."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: HybridRetriever
    k: int = 5
    documents: Sequence[str] | None = None  # restrict to these doc ids

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[LCDocument]:
        found = []
        for hit in self.retriever.search(query, self.k, doc_ids=self.documents):
            document = self.retriever.index.documents[hit.chunk.doc_id]
            clause = document.clause(hit.chunk.path)
            meta = document.meta
            found.append(LCDocument(page_content=clause.text if clause else hit.chunk.text, metadata={
                "doc_id": meta.doc_id, "source_file": meta.source_file, "title": meta.title, "doc_number": meta.doc_number,
                "clause": hit.chunk.path, "heading": clause.heading if clause else "", "score": hit.score}))
        return found


def answer_runnable(assistant: PolicyAssistant, mode: Mode | None = None) -> Runnable[Any, Answer]:
    """A runnable taking a question, or {"question", "history"?, "mode"?, "documents"?}, returning an Answer."""

    def run(request: str | dict[str, Any]) -> Answer:
        if isinstance(request, str):
            return assistant.ask(request, mode=mode)
        return assistant.ask(request["question"], request.get("history", ()), request.get("mode", mode),
                             request.get("documents"))

    return RunnableLambda(run, name="policy_answer")
