"""What LLM mode sends over HTTP (SSE and the OpenAI-compatible stream): checked text only, the fallback once."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

import prompts
from tests.fake_llm import FakeLLM, Reply
from tests.servers import Server

QUESTION = "县城新建住宅最高几层"
INVENTED = "县城新建住宅以六层为主[1]。最高不超过25层[1]，各文件一致[1]。"


@pytest.fixture(scope="module")
def llm() -> Iterator[FakeLLM]:
    server = FakeLLM().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def served(start_server: Callable[..., Server], llm: FakeLLM) -> Iterator[Server]:
    server = start_server(llm_base_url=llm.base_url, llm_model="fake-qwen", llm_timeout_s=5)
    yield server
    server.stop()


def sse(server: Server, body: dict[str, Any]) -> list[tuple[str, Any]]:
    with httpx.stream("POST", f"{server.url}/api/ask/stream", json=body, timeout=60) as response:
        assert response.status_code == 200
        events = [block.split("\n", 1) for block in response.read().decode().split("\n\n") if block]
    return [(head.removeprefix("event: "), json.loads(data.removeprefix("data: "))) for head, data in events]


def v1_stream(server: Server, content: str) -> tuple[str, dict[str, Any]]:
    """The streamed message text, and the last chunk (which carries the extras)."""
    body = {"model": "policy-assistant-llm", "stream": True, "messages": [{"role": "user", "content": content}]}
    with httpx.stream("POST", f"{server.url}/v1/chat/completions", json=body, timeout=60) as response:
        assert response.status_code == 200
        lines = [line.removeprefix("data: ") for line in response.read().decode().split("\n\n") if line]
    assert lines[-1] == "[DONE]"
    chunks = [json.loads(line) for line in lines[:-1]]
    return "".join(c["choices"][0]["delta"].get("content", "") for c in chunks), chunks[-1]


@pytest.mark.parametrize("reply", [INVENTED, prompts.load("answer_system")], ids=["invented-figure", "instructions"])
def test_sse_streams_no_unchecked_text(served: Server, llm: FakeLLM, reply: str) -> None:
    llm.replies.append(Reply(reply))
    events = sse(served, {"question": QUESTION, "mode": "llm"})
    tokens = "".join(data["text"] for name, data in events if name == "token")
    assert "25层" not in tokens and "你是“政策通”" not in tokens and "规则" not in tokens
    done = events[-1][1]
    assert events[-1][0] == "done" and done["mode"] == "extractive" and "未通过出处核验" in done["notice"]
    # checked LLM text, or (when none streamed) the fallback; never both
    assert tokens == ("县城新建住宅以六层为主[1]。" if reply == INVENTED else done["answer"])


@pytest.mark.parametrize("reply", [INVENTED, prompts.load("answer_system")], ids=["invented-figure", "instructions"])
def test_v1_stream_sends_no_unchecked_text_and_the_fallback_once(served: Server, llm: FakeLLM, reply: str) -> None:
    llm.replies.append(Reply(reply))
    text, last = v1_stream(served, QUESTION)
    assert "25层" not in text and "你是“政策通”" not in text
    assert last["answer_mode"] == "extractive" and "未通过出处核验" in last["notice"]
    assert text.count("**依据**") == 1  # the extractive fallback, once
    if reply == INVENTED:  # streamed, then replaced: the notice says why, then the fallback follows once
        assert text.startswith("县城新建住宅以六层为主[1]。") and text.count(last["notice"]) == 1


def test_v1_stream_of_an_accepted_reply_is_the_reply_and_its_sources(served: Server, llm: FakeLLM) -> None:
    llm.replies.append(Reply("县城新建住宅以6层为主，最高不超过18层[1]。"))
    text, last = v1_stream(served, QUESTION)
    assert last["answer_mode"] == "llm" and text.startswith("县城新建住宅以6层为主，最高不超过18层[1]。\n\n**来源**\n[1] 《")


@pytest.mark.parametrize("content", [[{"type": "text", "text": None}], [{"type": "text", "text": 123}],
                                     [{"type": "text", "text": ["县城"]}], [{"type": "text"}], [None], ["县城"], 123],
                         ids=["null", "number", "list", "missing", "null-part", "bare-string-part", "number-content"])
def test_v1_bad_content_parts_are_a_clear_4xx(served: Server, content: Any) -> None:
    body = {"model": "policy-assistant", "messages": [{"role": "user", "content": content}]}
    response = httpx.post(f"{served.url}/v1/chat/completions", json=body, timeout=60)
    assert response.status_code == 400, response.text[:300]  # OpenAI's status and error shape
    assert response.json() == {"error": {"message": "请求格式不正确：messages[0].content", "type": "invalid_request_error",
                                         "param": "messages[0].content", "code": "invalid_request"}}


def test_v1_image_parts_are_refused_in_chinese(served: Server) -> None:
    content = [{"type": "text", "text": QUESTION}, {"type": "image_url", "image_url": {"url": "http://x/p.png"}}]
    response = httpx.post(f"{served.url}/v1/chat/completions", timeout=60,
                          json={"model": "policy-assistant", "messages": [{"role": "user", "content": content}]})
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["param"]) == ("unsupported_content", "messages") and "暂不支持图片等非文字内容" in error["message"]


def test_v1_text_parts_still_work(served: Server) -> None:
    content = [{"type": "text", "text": "县城新建住宅"}, {"type": "text", "text": "最高几层"}]
    response = httpx.post(f"{served.url}/v1/chat/completions", timeout=60,
                          json={"model": "policy-assistant-extractive", "messages": [{"role": "user", "content": content}]})
    assert response.status_code == 200 and "18层" in response.json()["choices"][0]["message"]["content"]
