"""Follow-ups over HTTP: REST clients send the answer's citations back as data; OpenAI clients send
back only text, which carries the source ids in the one line `with_sources` writes — in every mode."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import openai
import pytest

from assistant.interfaces.api.openai_compat import cited_clauses
from tests.fake_llm import FakeLLM, Reply
from tests.servers import Server

QUESTION = "赤峰和通辽在县城住宅层数上有什么不同"


@pytest.mark.parametrize("mode", ["extractive", "llm"])
def test_openai_text_round_trips_the_cited_clauses(make_server: Callable[..., Server], fake_llm: FakeLLM, mode: str) -> None:
    server = make_server(llm_base_url=fake_llm.base_url, llm_model="fake-qwen", llm_timeout_s=5)
    fake_llm.replies.append(Reply("赤峰县城新建住宅最高不超过18层[1]，通辽的规定见[2]。"))
    client = openai.OpenAI(base_url=f"{server.url}/v1", api_key="none")
    model = f"policy-assistant-{mode}"
    first = client.chat.completions.create(model=model, messages=[{"role": "user", "content": QUESTION}])
    text, citations = first.choices[0].message.content, first.model_extra["citations"]
    assert first.model_extra["answer_mode"] == mode and len(citations) >= 2
    assert cited_clauses(text) == [{"n": c["n"], "doc_id": c["doc_id"], "clause": c["clause"]} for c in citations]
    second = citations[1]
    follow_up = client.chat.completions.create(model=model, messages=[
        {"role": "user", "content": QUESTION}, {"role": "assistant", "content": text},
        {"role": "user", "content": "第二条具体怎么说？"}])
    opened = follow_up.model_extra["citations"][0]
    assert (opened["doc_id"], opened["clause"]) == (second["doc_id"], second["clause"])


def test_rest_history_carries_citations_as_data(make_server: Callable[..., Server]) -> None:
    server = make_server()
    first = httpx.post(f"{server.url}/api/ask", json={"question": QUESTION}, timeout=30).json()
    history = [{"role": "user", "content": QUESTION},
               {"role": "assistant", "content": first["answer"], "citations": first["citations"],
                "understood_as": first["understood_as"]}]
    follow_up = httpx.post(f"{server.url}/api/ask", json={"question": "第二条具体怎么说？", "history": history}, timeout=30).json()
    assert (follow_up["citations"][0]["doc_id"], follow_up["citations"][0]["clause"]) == \
        (first["citations"][1]["doc_id"], first["citations"][1]["clause"])
