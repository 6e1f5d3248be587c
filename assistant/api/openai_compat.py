"""OpenAI-compatible chat endpoint, so portal tools and any OpenAI client can use the assistant as a
"model". Citations are in the message text and, as an extra field, in `citations`."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from assistant.answer import Answer, Mode
from assistant.api.deps import LibraryDep, Reader
from assistant.api.errors import ApiError

router = APIRouter(prefix="/v1", tags=["OpenAI 兼容"])

MODELS: dict[str, Mode | None] = {"policy-assistant": None, "policy-assistant-extractive": "extractive",
                                  "policy-assistant-llm": "llm"}


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant", "tool", "developer"]
    content: str | list[dict[str, Any]] | None = None

    @property
    def text(self) -> str:
        if isinstance(self.content, list):  # [{"type": "text", "text": …}, …]
            return "".join(part.get("text", "") for part in self.content if part.get("type") == "text")
        return self.content or ""


class ChatRequest(BaseModel):
    model: str = "policy-assistant"
    messages: list[ChatMessage] = Field(min_length=1, max_length=40)
    stream: bool = False
    documents: list[str] | None = Field(None, description="扩展字段：只在这些文档中查找")


@router.get("/models", dependencies=[Reader])
def models() -> dict[str, Any]:
    return {"object": "list", "data": [{"id": name, "object": "model", "created": 0, "owned_by": "policy-assistant"}
                                       for name in MODELS]}


@router.post("/chat/completions", dependencies=[Reader], response_model=None)
def chat_completions(request: ChatRequest, library: LibraryDep) -> dict[str, Any] | StreamingResponse:
    if request.model not in MODELS:
        raise ApiError(404, "unknown_model", f"没有模型“{request.model}”（可用：{'、'.join(MODELS)}）。")
    users = [i for i, m in enumerate(request.messages) if m.role == "user"]
    if not users:
        raise ApiError(400, "empty_question", "messages 中没有用户问题。")
    question = request.messages[users[-1]].text
    history = [{"role": m.role, "content": m.text} for m in request.messages[: users[-1]] if m.role in ("user", "assistant")]
    events = library.assistant.ask_stream(question, history, MODELS[request.model], request.documents)
    first = next(events)  # argument errors surface here, as JSON errors
    completion_id, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())
    if not request.stream:
        answer = next(e for e in [first, *events] if isinstance(e, Answer))
        return {"id": completion_id, "object": "chat.completion", "created": created, "model": request.model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": with_sources(answer)},
                             "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
                **_extras(answer)}

    def stream() -> Iterator[str]:
        streamed = ""
        for event in [first, *events]:
            if isinstance(event, Answer):
                tail = with_sources(event)[len(streamed):] if with_sources(event).startswith(streamed) else \
                    f"\n\n---\n{event.notice}\n\n{with_sources(event)}"
                if tail:
                    yield _chunk(completion_id, created, request.model, {"content": tail}, None)
                yield _chunk(completion_id, created, request.model, {}, "stop", _extras(event))
            else:
                streamed += event
                yield _chunk(completion_id, created, request.model, {"role": "assistant", "content": event}, None)
        yield "data: [DONE]\n\n"

    return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


def with_sources(answer: Answer) -> str:
    """The answer text with its sources listed, unless the text lists them already (extractive)."""
    if "**依据**" in answer.answer or not answer.citations:
        return answer.answer
    lines = [f"[{c.n}] 《{c.title}》{c.doc_number and f'（{c.doc_number}）'} {c.clause}「{c.heading}」" for c in answer.citations]
    return answer.answer + "\n\n**来源**\n" + "\n".join(lines)


def _extras(answer: Answer) -> dict[str, Any]:
    return {"citations": [c.model_dump() for c in answer.citations], "answerable": answer.answerable,
            "answer_mode": answer.mode, "notice": answer.notice}


def _chunk(completion_id: str, created: int, model: str, delta: dict[str, Any], finish: str | None,
           extras: dict[str, Any] | None = None) -> str:
    payload = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": model,
               "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **(extras or {})}
    return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"
