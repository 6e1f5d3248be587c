"""The /v1 API as OpenAI clients see it: the official `openai` client and LangChain's `ChatOpenAI` against the
real server (the session `server`), and against the same app in-process where a refusal needs settings of its
own (a rate limit of one request, an index not ready) that the shared server must not have."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import httpx2
import openai
import pytest
from langchain_openai import ChatOpenAI

from assistant.application.corpus_service import CorpusService
from assistant.interfaces.api.app import create_app
from assistant.settings import Settings
from assistant.text.tokens import count_tokens
from tests.servers import READER_KEY, Server

AUTH = {"Authorization": f"Bearer {READER_KEY}"}
QUESTION = "县城新建住宅最高几层"
MODEL = "policy-assistant-extractive"  # no LLM: the same reply every time
MESSAGES: list[Any] = [{"role": "system", "content": "请简明回答。"}, {"role": "user", "content": QUESTION, "name": "zhang"}]
TOOL = {"type": "function", "function": {"name": "lookup", "parameters": {"type": "object", "properties": {}}}}


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.fixture
def client(server: Server) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.url}/v1", api_key=READER_KEY).with_options(max_retries=0)


def test_usage_counts_the_messages_as_sent_and_the_reply(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(model=MODEL, messages=MESSAGES)
    content, usage = completion.choices[0].message.content or "", completion.usage
    assert "最高不超过18层" in content and usage is not None
    assert usage.completion_tokens == count_tokens(content)
    # OpenAI's chat format (cookbook): 3 tokens a message besides role and content, 1 more for a name, 3 start the reply
    assert usage.prompt_tokens == 3 + sum(3 + count_tokens(m["role"]) + count_tokens(m["content"]) for m in MESSAGES) \
        + 1 + count_tokens("zhang")
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens


def test_stream_with_include_usage_ends_with_a_usage_chunk(client: openai.OpenAI) -> None:
    *text_chunks, last = client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True,
                                                        stream_options={"include_usage": True})
    text = "".join(c.choices[0].delta.content or "" for c in text_chunks)
    assert "最高不超过18层" in text and all(c.choices and c.usage is None for c in text_chunks)
    assert text_chunks[-1].choices[0].finish_reason == "stop" and text_chunks[0].choices[0].delta.role == "assistant"
    assert last.choices == [] and last.usage is not None
    assert last.usage.completion_tokens == count_tokens(text)
    assert last.usage.prompt_tokens == client.chat.completions.create(model=MODEL, messages=MESSAGES).usage.prompt_tokens  # type: ignore[union-attr]
    assert last.usage.total_tokens == last.usage.prompt_tokens + last.usage.completion_tokens


def test_stream_without_include_usage_has_no_usage_chunk(server: Server) -> None:
    body = {"model": MODEL, "messages": MESSAGES, "stream": True}
    with httpx.stream("POST", f"{server.url}/v1/chat/completions", json=body, headers=AUTH, timeout=30) as response:
        lines = [line.removeprefix("data: ") for line in response.iter_lines() if line]
    assert lines[-1] == "[DONE]" and len(lines) > 2
    assert all('"usage"' not in line and '"choices": []' not in line for line in lines)  # as OpenAI: not even "usage": null


def test_stream_options_without_stream_is_refused(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as refused:
        client.chat.completions.create(model=MODEL, messages=MESSAGES, stream_options={"include_usage": True})
    assert (refused.value.code, refused.value.param) == ("invalid_parameter", "stream_options")
    assert _chinese(refused.value.message)


@pytest.mark.parametrize(("param", "value"), [
    ("n", 2), ("tools", [TOOL]), ("tool_choice", "required"), ("functions", [TOOL["function"]]), ("function_call", "auto"),
    ("response_format", {"type": "json_object"}), ("logprobs", True), ("stop", "。"), ("stop", ["层"])])
def test_parameters_that_would_change_the_reply_are_refused_by_name(client: openai.OpenAI, param: str, value: object) -> None:
    with pytest.raises(openai.BadRequestError) as refused:
        client.chat.completions.create(model=MODEL, messages=MESSAGES, **{param: value})
    assert (refused.value.code, refused.value.param, refused.value.type) == ("unsupported_parameter", param, "invalid_request_error")
    assert _chinese(refused.value.message)


def test_parameters_official_clients_send_are_accepted(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model=MODEL, messages=MESSAGES, n=1, temperature=0.2, top_p=0.9, max_tokens=50, max_completion_tokens=50, user="u-1",
        seed=7, presence_penalty=0.1, frequency_penalty=0.1, metadata={"portal": "gov"}, store=False, logprobs=False,
        response_format={"type": "text"}, tool_choice="none", tools=[], stop=[], extra_body={"a_field_added_next_year": 1})
    assert "最高不超过18层" in (completion.choices[0].message.content or "")
    streamed = client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True, stream_options={"include_usage": False})
    assert all(chunk.choices for chunk in streamed)


def test_a_wrong_key_is_an_authentication_error(server: Server) -> None:
    wrong = openai.OpenAI(base_url=f"{server.url}/v1", api_key="wrong-key").with_options(max_retries=0)
    with pytest.raises(openai.AuthenticationError) as refused:
        wrong.chat.completions.create(model=MODEL, messages=MESSAGES)
    assert (refused.value.code, refused.value.type) == ("unauthorized", "authentication_error")
    assert refused.value.message.endswith("错误的密钥。")


def test_invalid_requests_are_bad_request_errors_naming_the_field(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as empty:
        client.chat.completions.create(model=MODEL, messages=[])
    assert (empty.value.code, empty.value.param) == ("invalid_request", "messages") and _chinese(empty.value.message)
    with pytest.raises(openai.BadRequestError) as number:
        client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": 123}])  # type: ignore[list-item]
    assert (number.value.code, number.value.param) == ("invalid_request", "messages[0].content")
    with pytest.raises(openai.BadRequestError) as no_question:
        client.chat.completions.create(model=MODEL, messages=[{"role": "system", "content": "请简明回答。"}])
    assert (no_question.value.code, no_question.value.param) == ("empty_question", "messages")


def test_models_are_listed_and_retrieved_and_an_unknown_one_is_not_found(client: openai.OpenAI) -> None:
    assert client.models.retrieve("policy-assistant").model_dump(exclude_unset=True) == {
        "id": "policy-assistant", "object": "model", "created": 0, "owned_by": "policy-assistant"}
    assert [m.id for m in client.models.list()] == ["policy-assistant", "policy-assistant-extractive", "policy-assistant-llm"]
    with pytest.raises(openai.NotFoundError) as retrieved:
        client.models.retrieve("nope")
    with pytest.raises(openai.NotFoundError) as asked:
        client.chat.completions.create(model="gpt-4", messages=MESSAGES)
    for error, name in ((retrieved.value, "nope"), (asked.value, "gpt-4")):
        assert (error.code, error.param, error.type) == ("unknown_model", "model", "not_found_error")
        assert f"没有模型“{name}”" in error.message


@pytest.mark.parametrize(("method", "path", "headers", "body", "status", "kind", "code"), [
    ("GET", "/v1/models", {}, b"", 401, "authentication_error", "unauthorized"),
    ("OPTIONS", "/v1/chat/completions", {"Origin": "https://evil.example.com", "Access-Control-Request-Method": "POST"}, b"",
     403, "permission_error", "origin_not_allowed"),
    ("GET", "/v1/nope", AUTH, b"", 404, "not_found_error", "not_found"),
    ("DELETE", "/v1/models", AUTH, b"", 405, "invalid_request_error", "method_not_allowed"),
    ("POST", "/v1/chat/completions", AUTH, b'{"messages": "' + b"x" * 100_000 + b'"}', 413, "invalid_request_error",
     "payload_too_large"),
    ("POST", "/v1/chat/completions", AUTH, b"{broken", 400, "invalid_request_error", "invalid_request"),
], ids=["no-key", "other-origin", "unknown-path", "wrong-method", "too-large", "broken-json"])
def test_every_v1_refusal_has_openais_error_shape(server: Server, method: str, path: str, headers: dict[str, str], body: bytes,
                                                  status: int, kind: str, code: str) -> None:
    response = httpx.request(method, server.url + path, content=body, headers={**headers, "Content-Type": "application/json"})
    assert response.status_code == status
    error = response.json()["error"]
    assert response.json() == {"error": {"message": error["message"], "type": kind, "param": None, "code": code}}
    assert _chinese(error["message"])


def _in_process(data_dir: Path, **settings: Any) -> openai.AsyncOpenAI:
    """The app with its access layer, over ASGI; its corpus is never opened (the index is not ready)."""
    served = Settings(data_dir=data_dir, api_keys=[READER_KEY], **settings)
    transport = httpx2.ASGITransport(app=create_app(served, CorpusService(served), with_ui=False))
    return openai.AsyncOpenAI(base_url="http://policy.test/v1", api_key=READER_KEY,
                              http_client=httpx2.AsyncClient(transport=transport)).with_options(max_retries=0)


def test_rate_limit_is_a_rate_limit_error(tmp_path: Path) -> None:
    client = _in_process(tmp_path, rate_limit_per_minute=1)

    async def list_twice() -> None:
        await client.models.list()
        await client.models.list()

    with pytest.raises(openai.RateLimitError) as refused:
        asyncio.run(list_twice())
    assert (refused.value.code, refused.value.type) == ("rate_limited", "rate_limit_error")
    assert refused.value.response.headers["retry-after"] and _chinese(refused.value.message)


def test_an_index_not_ready_is_a_server_error(tmp_path: Path) -> None:
    client = _in_process(tmp_path)
    with pytest.raises(openai.InternalServerError) as refused:
        asyncio.run(client.chat.completions.create(model=MODEL, messages=MESSAGES))
    assert (refused.value.status_code, refused.value.code, refused.value.type) == (503, "not_ready", "server_error")
    assert refused.value.message.endswith("索引尚未就绪，请稍后再试。")


def test_langchain_chat_openai_gets_the_cited_answer_and_its_usage(server: Server) -> None:
    model = ChatOpenAI(base_url=f"{server.url}/v1", api_key=READER_KEY, model=MODEL, max_retries=0, stream_usage=True)
    reply = model.invoke(QUESTION)
    assert isinstance(reply.content, str) and "最高不超过18层" in reply.content and "来源编号：[1]" in reply.content
    usage = reply.usage_metadata
    assert usage is not None and usage["input_tokens"] > 0 and usage["output_tokens"] == count_tokens(reply.content)
    assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]
    first, *rest = model.stream(QUESTION)
    streamed = sum(rest, first)
    assert streamed.content == reply.content and streamed.usage_metadata == usage
