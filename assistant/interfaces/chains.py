"""LangChain faces of the assistant, for users composing their own chains: `PolicyRetriever` (a BaseRetriever
over the hybrid index) and `answer_runnable` (question → the answer text as it is written, then the Answer)."""

# No `from __future__ import annotations`: LangChain reads the answer generator's return annotation as a type to describe
# the runnable's output schema (a string annotation it cannot unwrap).

from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForRetrieverRun, CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda
from langchain_core.runnables.config import run_in_executor
from pydantic import ConfigDict, Field

from assistant.answer import Answer, Mode
from assistant.answering.retrieval import Hit
from assistant.application.assistant_service import PolicyAssistant

Question = str | dict[str, Any]


class PolicyRetriever(BaseRetriever):
    """Clauses for a query, best first, as LangChain documents whose metadata says where each one stands.

    One Document per clause, its text the whole clause (a long clause is searched in parts; its best part stands for
    it, as a citation quotes the whole clause), `id` "doc_id#clause path". `k` and `documents` can be given per call:
    `invoke(query, k=1, documents=[doc_id])`; a k beyond the clauses the search ranks (its depth is the policy's
    `candidates_per_retriever` per ranking) returns them all. An empty query or an unknown doc id raises
    `QuestionError`, as `ask` does.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    assistant: PolicyAssistant
    k: int = Field(5, gt=0)
    documents: Sequence[str] | None = None  # restrict to these doc ids

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun,
                                k: int | None = None, documents: Sequence[str] | None = None) -> list[LCDocument]:
        k = self.k if k is None else k
        if k < 1:
            raise ValueError(f"k 应为正整数，收到 {k}")
        best: dict[str, Hit] = {}
        for hit in self.assistant.search(query, self.documents if documents is None else documents):
            best.setdefault(_clause_id(hit), hit)  # best first: a clause's first hit is its best-ranked part
        return [self._document(id_, hit) for id_, hit in list(best.items())[:k]]

    async def _aget_relevant_documents(self, query: str, *, run_manager: AsyncCallbackManagerForRetrieverRun,
                                       k: int | None = None, documents: Sequence[str] | None = None) -> list[LCDocument]:
        # BaseRetriever's own async version would not pass k and documents on to the synchronous search.
        return await run_in_executor(None, self._get_relevant_documents, query, run_manager=run_manager.get_sync(),
                                     k=k, documents=documents)

    def _document(self, id_: str, hit: Hit) -> LCDocument:
        document = self.assistant.index.documents[hit.chunk.doc_id]
        clause = document.clause(hit.chunk.path)
        return LCDocument(id=id_, page_content=clause.text if clause else hit.chunk.text,
                          metadata={**document.clause_fields(hit.chunk.path), "score": hit.score})


def _clause_id(hit: Hit) -> str:
    """A clause's Document id: readable, and the same in every process and index build while the clause keeps
    its place (a chunk id changes with the chunking, and one clause can have several)."""
    return f"{hit.chunk.doc_id}#{hit.chunk.path}"


def answer_runnable(assistant: PolicyAssistant, mode: Mode | None = None) -> Runnable[Question, Answer]:
    """A runnable taking a question, or {"question", "history"?, "mode"?, "documents"?}, answering with an Answer.

    `stream`/`astream` yield the answer text as it is written (str pieces; in LLM mode sentence by sentence, once
    checked), then the Answer, whose text replaces the streamed one if the model's reply failed its check after all.
    `invoke` returns the Answer alone: LangChain adds up streamed chunks, and one that cannot be added replaces the sum.
    """

    def answer(request: Question) -> Iterator[str | Answer]:
        request = {"question": request} if isinstance(request, str) else request
        yield from assistant.ask_stream(request.get("question", ""), request.get("history", ()), request.get("mode", mode),
                                        request.get("documents"))

    async def answer_async(request: Question) -> AsyncIterator[str | Answer]:
        # The assistant is synchronous (the index, the LLM's HTTP stream): each piece is awaited from a worker thread.
        pieces = answer(request)
        while (piece := await run_in_executor(None, next, pieces, None)) is not None:
            yield piece

    return RunnableLambda(answer, afunc=answer_async, name="policy_answer")
