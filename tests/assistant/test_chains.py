from __future__ import annotations

import asyncio
import json

import pytest
from langchain_core.runnables import RunnableLambda

from assistant.answer import Answer
from assistant.application.assistant_service import PolicyAssistant, QuestionError
from assistant.interfaces.chains import PolicyRetriever, answer_runnable
from assistant.settings import Settings
from tests.assistant.conftest import ALXA, CHIFENG, JINING
from tests.fake_llm import FakeLLM, Reply
from vectorstore.index import PolicyIndex

QUESTION = "县城新建住宅最高几层"
METADATA = {"doc_id", "source_file", "title", "doc_number", "issuer", "date", "region", "level", "clause", "heading", "score"}


def test_retriever_returns_clauses_with_their_location(assistant: PolicyAssistant) -> None:
    documents = PolicyRetriever(assistant=assistant, k=3, documents=[CHIFENG]).invoke(QUESTION)
    assert len(documents) == 3 and {d.metadata["doc_id"] for d in documents} == {CHIFENG}
    top = documents[0]
    assert top.metadata == {**top.metadata, "doc_id": CHIFENG, "source_file": "chifeng-2023-green-development.txt",
                            "title": "赤峰市推动城乡建设绿色发展实施方案", "doc_number": "赤政办发〔2023〕61号",
                            "issuer": "赤峰市人民政府办公室", "date": "2023-12-15", "region": "赤峰市", "level": "市",
                            "clause": "三（一）2"}
    assert top.id == f"{CHIFENG}#三（一）2" and "最高不超过18层" in top.page_content


@pytest.mark.parametrize("query", [QUESTION, "装配式建筑", "保障措施", "绿色建筑占新建建筑比例"],
                         ids=["storeys", "prefabricated", "safeguards", "green-share"])
def test_every_document_carries_the_same_plain_metadata(assistant: PolicyAssistant, query: str) -> None:
    for document in PolicyRetriever(assistant=assistant, k=10).invoke(query):
        assert set(document.metadata) == METADATA
        assert all(type(value) in (str, int, float) for value in document.metadata.values()), document.metadata
        assert document.metadata["heading"] and document.metadata["title"] and document.metadata["score"] > 0


def test_k_and_documents_per_call_leave_the_retriever_as_built(assistant: PolicyAssistant) -> None:
    retriever = PolicyRetriever(assistant=assistant, k=4)
    assert len(retriever.invoke(QUESTION, k=1)) == 1
    only_alxa = retriever.invoke(QUESTION, k=2, documents=[ALXA])
    assert len(only_alxa) == 2 and {d.metadata["doc_id"] for d in only_alxa} == {ALXA}
    assert only_alxa[0].metadata["clause"] == "二（一）3"  # 阿拉善's own rule on storeys, not just any of its clauses
    after = retriever.invoke(QUESTION)
    assert len(after) == 4 and len({d.metadata["doc_id"] for d in after}) > 1
    with pytest.raises(ValueError, match="k 应为正整数"):
        retriever.invoke(QUESTION, k=0)


def test_async_calls_take_k_and_documents_too(assistant: PolicyAssistant) -> None:
    retriever = PolicyRetriever(assistant=assistant)
    found = asyncio.run(retriever.ainvoke(QUESTION, k=2, documents=[CHIFENG]))
    assert [d.id for d in found] == [d.id for d in retriever.invoke(QUESTION, k=2, documents=[CHIFENG])]
    assert len(found) == 2 and found[0].metadata["clause"] == "三（一）2"


def test_a_clause_is_one_document_with_a_stable_id(assistant: PolicyAssistant) -> None:
    # 济宁 四（九） is searched in two parts, both among the six best chunks for this query
    ranked = [(h.chunk.doc_id, h.chunk.path) for h in assistant.search("装配式建筑")[:6]]
    assert ranked.count((JINING, "四（九）")) == 2
    documents = PolicyRetriever(assistant=assistant, k=6).invoke("装配式建筑")
    ids = [d.id for d in documents]
    assert len(ids) == 6 == len(set(ids)) and f"{JINING}#四（九）" in ids
    assert ids == [f"{d.metadata['doc_id']}#{d.metadata['clause']}" for d in documents]  # no process state: same after restarts
    again = PolicyRetriever(assistant=assistant, k=6).invoke("装配式建筑")
    assert [d.id for d in again] == ids and [d.page_content for d in again] == [d.page_content for d in documents]


@pytest.mark.parametrize("query", ["", "   ", "\u200b\n"], ids=["empty", "blank", "invisible"])
def test_an_empty_query_is_refused_as_an_empty_question_is(assistant: PolicyAssistant, query: str) -> None:
    with pytest.raises(QuestionError) as by_retriever:
        PolicyRetriever(assistant=assistant).invoke(query)
    with pytest.raises(QuestionError) as by_runnable:
        answer_runnable(assistant).invoke(query)
    assert by_retriever.value.code == by_runnable.value.code == "empty_question"
    assert str(by_retriever.value) == str(by_runnable.value) == "问题不能为空。"


def test_an_unknown_document_is_refused_not_an_empty_list(assistant: PolicyAssistant) -> None:
    for retriever, documents in ((PolicyRetriever(assistant=assistant, documents=["no-such-document"]), None),
                                 (PolicyRetriever(assistant=assistant), [CHIFENG, "no-such-document"])):
        with pytest.raises(QuestionError, match="未知的文档：no-such-document") as refused:
            retriever.invoke(QUESTION, documents=documents)
        assert refused.value.code == "unknown_document"  # the API's 404
    with pytest.raises(QuestionError) as by_runnable:
        answer_runnable(assistant).invoke({"question": QUESTION, "documents": ["no-such-document"]})
    assert by_runnable.value.code == "unknown_document"


def test_answer_runnable_composes_into_a_chain(corpus_index: PolicyIndex) -> None:
    chain = answer_runnable(PolicyAssistant(corpus_index, Settings()), mode="extractive") | RunnableLambda(
        lambda answer: [c.clause for c in answer.citations])
    assert "三（一）2" in chain.invoke("赤峰县城新建住宅最高几层")
    history = [{"role": "user", "content": "赤峰县城新建住宅最高几层？"}]
    assert chain.invoke({"question": "那阿拉善呢？", "history": history}) == ["二（一）3"]
    # streamed, the next step gets the Answer (not the text pieces before it) and runs once
    assert list(chain.stream("赤峰县城新建住宅最高几层")) == [chain.invoke("赤峰县城新建住宅最高几层")]


def test_the_runnable_describes_its_input_and_output(assistant: PolicyAssistant) -> None:
    runnable = answer_runnable(assistant)  # what LangServe, tools and docs generators read
    assert runnable.get_input_schema().model_json_schema()["anyOf"] == [{"type": "string"}, {"additionalProperties": True, "type": "object"}]
    output = runnable.get_output_schema().model_json_schema()
    assert {"type": "string"} in output["anyOf"] and "citations" in json.dumps(output["$defs"]["Answer"])


def test_an_extractive_answer_streams_its_text_then_the_answer(assistant: PolicyAssistant) -> None:
    runnable = answer_runnable(assistant, mode="extractive")
    text, answer = list(runnable.stream(QUESTION))
    assert isinstance(answer, Answer) and answer.mode == "extractive" and text == answer.answer
    invoked = runnable.invoke(QUESTION)
    assert isinstance(invoked, Answer) and invoked.answer == answer.answer

    async def streamed() -> list[str | Answer]:
        return [piece async for piece in runnable.astream(QUESTION)]

    assert [type(piece) for piece in asyncio.run(streamed())] == [str, Answer]


def test_an_llm_answer_streams_as_the_model_writes(corpus_index: PolicyIndex, fake_llm: FakeLLM) -> None:
    settings = Settings(llm_base_url=fake_llm.base_url, llm_model="fake-qwen", llm_timeout_s=5)
    runnable = answer_runnable(PolicyAssistant(corpus_index, settings), mode="llm")
    fake_llm.replies.append(Reply("县城新建住宅以6层为主[1]。最高不超过18层[1]。新建住宅要与街区宽度相协调[1]。"))
    *pieces, answer = runnable.stream(QUESTION)
    assert isinstance(answer, Answer) and answer.mode == "llm" and not answer.notice
    assert len(pieces) > 1 and all(isinstance(p, str) for p in pieces) and "".join(pieces) == answer.answer
    fake_llm.replies.append(Reply("县城新建住宅以6层为主[1]。最高不超过18层[1]。"))
    invoked = runnable.invoke(QUESTION)
    assert isinstance(invoked, Answer) and invoked.answer == "县城新建住宅以6层为主[1]。最高不超过18层[1]。"
