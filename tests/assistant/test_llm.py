"""LLM mode through a fake OpenAI-compatible server: checked replies, and fallback when it misbehaves."""

from __future__ import annotations

import socket
import time

import pytest

import prompts
from assistant.answer import Answer
from assistant.application.assistant_service import PolicyAssistant
from assistant.settings import Settings
from tests.fake_llm import FakeLLM, Reply
from vectorstore.index import PolicyIndex

QUESTION = "县城新建住宅最高几层"


def _assistant(index: PolicyIndex, base_url: str, **overrides: object) -> PolicyAssistant:
    settings = Settings(**{"llm_base_url": base_url, "llm_model": "fake-qwen", "llm_timeout_s": 2, **overrides})
    return PolicyAssistant(index, settings)


def test_a_faithful_reply_is_the_answer(corpus_index: PolicyIndex, fake_llm: FakeLLM) -> None:
    fake_llm.replies.append(Reply("县城新建住宅以六层为主，最高不超过18层[1]。"))
    answer = _assistant(corpus_index, fake_llm.base_url).ask(QUESTION)
    assert answer.mode == "llm" and answer.answerable and not answer.notice
    assert answer.answer == "县城新建住宅以六层为主，最高不超过18层[1]。"
    assert [c.n for c in answer.citations] == [1]
    assert "最高不超过18层" in answer.citations[0].quote and answer.citations[0].quote in answer.citations[0].text
    prompt = fake_llm.prompt()
    assert "每一句陈述后都要用 [n] 标注" in prompt and QUESTION in prompt
    assert "[1] 《" in prompt and "最高不超过18层" in prompt


def test_the_prompt_carries_the_conversation(corpus_index: PolicyIndex, fake_llm: FakeLLM) -> None:
    history = [{"role": "user", "content": "赤峰县城新建住宅最高几层？"}, {"role": "assistant", "content": "最高不超过18层。[1]"}]
    fake_llm.replies.append(Reply("阿拉善新建住宅最高不超过12层[1]。"))
    answer = _assistant(corpus_index, fake_llm.base_url).ask("那阿拉善呢？", history)
    assert answer.mode == "llm" and answer.citations[0].doc_id == "alxa-2023-carbon-peak"
    assert "赤峰县城新建住宅最高几层？" in fake_llm.prompt()


@pytest.mark.parametrize(("reply", "reason"), [
    ("县城新建住宅最高不超过18层[9]。", "[9]"),
    ("县城新建住宅最高不超过25层[1]。", "“25”"),
], ids=["unknown-source", "invented-number"])
def test_a_bad_citation_or_invented_number_is_caught(corpus_index: PolicyIndex, fake_llm: FakeLLM,
                                                      reply: str, reason: str) -> None:
    fake_llm.replies.append(Reply(reply))
    answer = _assistant(corpus_index, fake_llm.base_url).ask(QUESTION)
    assert answer.mode == "extractive" and reason in answer.notice and "未通过出处核验" in answer.notice
    assert "最高不超过18层" in answer.answer and "25层" not in answer.answer


@pytest.mark.parametrize("reply", [Reply(status=500), Reply(garbage=True), Reply(text="")], ids=["http-500", "garbage", "empty"])
def test_a_failing_server_falls_back_to_extractive(corpus_index: PolicyIndex, fake_llm: FakeLLM, reply: Reply) -> None:
    fake_llm.replies.append(reply)
    answer = _assistant(corpus_index, fake_llm.base_url).ask(QUESTION, mode="llm")
    assert answer.mode == "extractive" and "已改用原文摘录回答" in answer.notice
    assert "最高不超过18层" in answer.answer


def test_a_slow_server_falls_back_within_the_timeout(corpus_index: PolicyIndex, fake_llm: FakeLLM) -> None:
    fake_llm.replies.append(Reply("县城新建住宅最高不超过18层[1]。", delay_s=6))
    started = time.monotonic()
    answer = _assistant(corpus_index, fake_llm.base_url, llm_timeout_s=1).ask(QUESTION)
    assert answer.mode == "extractive" and "已改用原文摘录回答" in answer.notice
    assert time.monotonic() - started < 6  # did not wait for the slow reply


def test_a_server_that_is_down_is_left_alone_for_a_while(corpus_index: PolicyIndex) -> None:
    with socket.socket() as probe:  # a loopback port with nothing listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assistant = _assistant(corpus_index, f"http://127.0.0.1:{port}/v1")
    first = assistant.ask(QUESTION)
    assert first.mode == "extractive" and "大模型服务不可用" in first.notice
    second = assistant.ask(QUESTION)
    assert second.mode == "extractive" and second.notice == ""  # auto mode did not try again yet


def test_llm_mode_without_a_configured_model_says_so(corpus_index: PolicyIndex) -> None:
    answer = PolicyAssistant(corpus_index, Settings()).ask(QUESTION, mode="llm")
    assert answer.mode == "extractive" and "未配置大模型" in answer.notice


def test_streaming_yields_the_text_then_the_answer(corpus_index: PolicyIndex, fake_llm: FakeLLM) -> None:
    fake_llm.replies.append(Reply("县城新建住宅以6层为主，最高不超过18层[1]。各文件规定一致[1]。"))
    events = list(_assistant(corpus_index, fake_llm.base_url).ask_stream(QUESTION))
    pieces = [e for e in events if isinstance(e, str)]
    assert len(pieces) > 1 and isinstance(events[-1], Answer)
    assert "".join(pieces) == events[-1].answer and events[-1].citations
    assert fake_llm.requests[-1]["stream"] is True


def test_extractive_mode_never_calls_the_model(corpus_index: PolicyIndex, fake_llm: FakeLLM) -> None:
    answer = _assistant(corpus_index, fake_llm.base_url).ask(QUESTION, mode="extractive")
    assert answer.mode == "extractive" and not fake_llm.requests


def _stream(assistant: PolicyAssistant, question: str = QUESTION, **kwargs: object) -> tuple[list[str], Answer]:
    events = list(assistant.ask_stream(question, **kwargs))  # type: ignore[arg-type]
    assert isinstance(events[-1], Answer) and all(isinstance(e, str) for e in events[:-1])
    return events[:-1], events[-1]  # type: ignore[return-value]


def test_an_invented_figure_is_never_streamed(corpus_index: PolicyIndex, fake_llm: FakeLLM) -> None:
    fake_llm.replies.append(Reply("县城新建住宅以六层为主[1]。最高不超过25层[1]，各文件一致[1]。"))
    pieces, answer = _stream(_assistant(corpus_index, fake_llm.base_url), mode="llm")
    assert pieces == ["县城新建住宅以六层为主[1]。"]  # the checked sentence before the failing one, nothing after
    assert answer.mode == "extractive" and "“25”" in answer.notice and "25层" not in answer.answer


def test_a_reply_that_cites_nothing_is_never_streamed(corpus_index: PolicyIndex, fake_llm: FakeLLM) -> None:
    fake_llm.replies.append(Reply(prompts.load("answer_system")))  # a model talked into repeating its instructions
    pieces, answer = _stream(_assistant(corpus_index, fake_llm.base_url), mode="llm")
    assert answer.mode == "extractive" and "未通过出处核验" in answer.notice
    assert pieces == [answer.answer]  # only the fallback, once


def test_the_fallback_is_not_sent_twice(corpus_index: PolicyIndex, fake_llm: FakeLLM) -> None:
    fake_llm.replies.append(Reply("县城新建住宅以六层为主[1]。最高不超过25层[1]。"))
    pieces, answer = _stream(_assistant(corpus_index, fake_llm.base_url), mode="llm")
    assert answer.mode == "extractive" and all(answer.answer not in p for p in pieces)


@pytest.mark.parametrize("reply", [
    "县城新建住宅以6层为主，最高不超过18层。[1]\n\n各文件规定一致［1］。",
    "**答：**\n- 以6层为主；最高不超过18层[1]\n- 各文件规定一致[1]",
    "县城新建住宅最高不超过18层[1]。<img src=http://x/p.png onerror=alert(1)>详见[点此](http://evil)[1]。",
], ids=["marker-after-full-stop", "list", "markup"])
def test_streamed_text_is_always_a_prefix_of_the_answer(corpus_index: PolicyIndex, fake_llm: FakeLLM, reply: str) -> None:
    fake_llm.replies.append(Reply(reply))
    pieces, answer = _stream(_assistant(corpus_index, fake_llm.base_url), mode="llm")
    assert answer.mode == "llm" and not answer.notice and len(pieces) > 1
    assert "".join(pieces) == answer.answer
    assert "<img" not in answer.answer and "](http" not in answer.answer
