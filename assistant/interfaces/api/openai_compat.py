"""OpenAI-compatible chat endpoint, so portal tools and any OpenAI client can use the assistant as a
"model". Citations are in the message text and, as an extra field, in `citations`."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterator
from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError, ValidatorFunctionWrapHandler, field_validator, model_validator

from assistant.answer import MODES, Answer, Mode
from assistant.answering.markup import escape_markdown
from assistant.interfaces.api.deps import CorpusDep, Reader
from assistant.interfaces.api.errors import ApiError

router = APIRouter(prefix="/v1", tags=["OpenAI 兼容"])

# "policy-assistant" answers in the server's configured mode; the others in the mode they name.
MODELS: dict[str, Mode | None] = {"policy-assistant": None,
                                  **{f"policy-assistant-{mode}": mode for mode in MODES if mode != "auto"}}


# The one line a text-only client carries the cited clauses in: "来源编号：[1] doc-id#三（一）2；[2] …"
_SOURCE_IDS, _PATH_MARK = "来源编号：", "#"
_SOURCE_ID = re.compile(r"\[(\d+)\] ([^#；\s]+)#([^；]+)")


class ContentPart(BaseModel):
    """One part of a message's content: {"type": "text", "text": "…"}; other types (image_url…) are refused."""

    model_config = ConfigDict(extra="allow")  # an image part carries its own fields
    type: StrictStr
    text: StrictStr | None = None  # strict: 123 or a list is a bad request, not text

    @model_validator(mode="after")
    def _text_part_has_text(self) -> ContentPart:
        if self.type == "text" and self.text is None:
            raise ValueError("文字内容缺少 text")
        return self


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant", "tool", "developer"]
    content: StrictStr | list[ContentPart] | None = None

    @field_validator("content", mode="wrap")
    @classmethod
    def _one_error(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        """One error at messages.n.content, not one per union member (the error message lists the fields)."""
        try:
            return handler(value)
        except ValidationError as error:
            raise ValueError("content 应为文字，或 [{\"type\": \"text\", \"text\": \"…\"}] 形式的列表") from error

    @property
    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(part.text or "" for part in self.content)
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
def chat_completions(request: ChatRequest, corpus: CorpusDep) -> dict[str, Any] | StreamingResponse:
    if request.model not in MODELS:
        raise ApiError(404, "unknown_model", f"没有模型“{request.model}”（可用：{'、'.join(MODELS)}）。")
    if any(part.type != "text" for m in request.messages if isinstance(m.content, list) for part in m.content):
        raise ApiError(400, "unsupported_content", "暂不支持图片等非文字内容，请只发送文字。")
    users = [i for i, m in enumerate(request.messages) if m.role == "user"]
    if not users:
        raise ApiError(400, "empty_question", "messages 中没有用户问题。")
    question = request.messages[users[-1]].text
    history = [{"role": m.role, "content": m.text, "citations": cited_clauses(m.text) if m.role == "assistant" else []}
               for m in request.messages[: users[-1]] if m.role in ("user", "assistant")]
    events = corpus.assistant.ask_stream(question, history, MODELS[request.model], request.documents)
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
                # The final text extends what streamed, or (an LLM reply rejected midway) replaces it: a client
                # cannot take back streamed text, so the notice and the fallback follow it, once.
                final = with_sources(event)
                notice = f"{event.notice}\n\n" if event.notice else ""
                tail = final[len(streamed):] if final.startswith(streamed) else f"\n\n---\n{notice}{final}"
                if tail:
                    yield _chunk(completion_id, created, request.model, {"content": tail}, None)
                yield _chunk(completion_id, created, request.model, {}, "stop", _extras(event))
            else:
                streamed += event
                yield _chunk(completion_id, created, request.model, {"role": "assistant", "content": event}, None)
        yield "data: [DONE]\n\n"

    return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


def with_sources(answer: Answer) -> str:
    """The answer as a text-only channel carries it: its sources listed (unless the text lists them already,
    as extractive answers do), then one line of source ids. A client sends the text back as the assistant's
    turn, and `cited_clauses` reads the ids from it: "第二条具体怎么说？" then opens the right clause."""
    if not answer.citations:
        return answer.answer
    text = answer.answer
    if "**依据**" not in text:
        lines = [f"[{c.n}] 《{escape_markdown(c.title)}》{c.doc_number and f'（{escape_markdown(c.doc_number)}）'} "
                 f"{escape_markdown(c.clause)}「{escape_markdown(c.heading)}」" for c in answer.citations]
        text += "\n\n**来源**\n" + "\n".join(lines)
    return text + "\n\n" + _SOURCE_IDS + "；".join(f"[{c.n}] {c.doc_id}{_PATH_MARK}{c.clause}" for c in answer.citations)


def cited_clauses(text: str) -> list[dict[str, Any]]:
    """The {n, doc_id, clause} of each source id in a text `with_sources` wrote (the inverse of that line)."""
    line = next((line for line in reversed(text.splitlines()) if line.startswith(_SOURCE_IDS)), "")
    return [{"n": int(n), "doc_id": doc_id, "clause": clause}
            for n, doc_id, clause in _SOURCE_ID.findall(line[len(_SOURCE_IDS):])]


def _extras(answer: Answer) -> dict[str, Any]:
    return {"citations": [c.model_dump() for c in answer.citations], "answerable": answer.answerable,
            "answer_mode": answer.mode, "notice": answer.notice}


def _chunk(completion_id: str, created: int, model: str, delta: dict[str, Any], finish: str | None,
           extras: dict[str, Any] | None = None) -> str:
    payload = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": model,
               "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **(extras or {})}
    return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"
