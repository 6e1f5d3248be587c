from __future__ import annotations

from langchain_core.runnables import RunnableLambda

from assistant.answering.retrieval import HybridRetriever
from assistant.application.assistant_service import PolicyAssistant
from assistant.interfaces.chains import PolicyRetriever, answer_runnable
from assistant.settings import Settings
from vectorstore.index import PolicyIndex


def test_retriever_returns_clauses_with_their_location(corpus_index: PolicyIndex) -> None:
    retriever = PolicyRetriever(retriever=HybridRetriever(corpus_index), k=3,
                                documents=["chifeng-2023-green-development"])
    documents = retriever.invoke("县城新建住宅最高几层")
    assert len(documents) == 3 and {d.metadata["doc_id"] for d in documents} == {"chifeng-2023-green-development"}
    top = documents[0]
    assert top.metadata["clause"] == "三（一）2" and top.metadata["doc_number"] == "赤政办发〔2023〕61号"
    assert "最高不超过18层" in top.page_content


def test_answer_runnable_composes_into_a_chain(corpus_index: PolicyIndex) -> None:
    chain = answer_runnable(PolicyAssistant(corpus_index, Settings()), mode="extractive") | RunnableLambda(
        lambda answer: [c.clause for c in answer.citations])
    assert "三（一）2" in chain.invoke("赤峰县城新建住宅最高几层")
    history = [{"role": "user", "content": "赤峰县城新建住宅最高几层？"}]
    assert chain.invoke({"question": "那阿拉善呢？", "history": history}) == ["二（一）3"]
