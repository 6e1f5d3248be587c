"""OpenAI-compatible chat endpoint, so portal tools and any OpenAI client can use the assistant as a
"model". Citations are in the message text and, as an extra field, in `citations`. Usage is counted as
OpenAI counts it; parameters that would change the reply's shape (n>1, tools, stop…) are refused with 400
rather than silently ignored; errors take OpenAI's shape (errors.py)."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError, ValidatorFunctionWrapHandler, field_validator, model_validator

from assistant.answer import MODES, Answer, Mode
from assistant.answering.markup import escape_markdown
from assistant.interfaces.api.deps import CorpusDep, Reader
from assistant.interfaces.api.errors import ApiError
from assistant.interfaces.api.openapi import refusals
from assistant.text.tokens import count_tokens

router = APIRouter(prefix="/v1", tags=["OpenAI 兼容"])

# "policy-assistant" answers in the server's configured mode; the others in the mode they name.
MODELS: dict[str, Mode | None] = {"policy-assistant": None,
                                  **{f"policy-assistant-{mode}": mode for mode in MODES if mode != "auto"}}


# The one line a text-only client carries the cited clauses in: "来源编号：[1] doc-id#三（一）2；[2] …"
_SOURCE_IDS, _PATH_MARK = "来源编号：", "#"
_SOURCE_ID = re.compile(r"\[(\d+)\] ([^#；\s]+)#([^；]+)")

# Usage as OpenAI counts it, in tiktoken's cl100k_base (gpt-4's and gpt-3.5-turbo's encoding, shipped offline in
# assistant/text/). The prompt is the messages as sent, each wrapped as OpenAI's chat format wraps it: 3 tokens
# besides its role and content, 1 more for a name, and 3 that start the reply (OpenAI cookbook, "How to count
# tokens with tiktoken": exact for gpt-4 and gpt-3.5-turbo-0613, close for later models).
_TOKENS_PER_MESSAGE, _TOKENS_PER_NAME, _REPLY_PRIMING = 3, 1, 3

# Parameters that would change the reply's shape, with the values that ask for what we do anyway (clients send
# some as defaults) and why any other value is refused: a client must not take a reply it did not ask for.
# Other parameters the official clients send (temperature, max_tokens, seed, user…) change nothing here: ignored.
_UNSUPPORTED: dict[str, tuple[tuple[Any, ...], str]] = {
    "n": ((None, 1), "暂不支持一次生成多个回答：n 只能为 1。"),
    "stop": ((None, "", []), "暂不支持停止词（stop）：回答总是完整给出，连同出处。"),
    "tools": ((None, []), "暂不支持工具调用（tools）。"),
    "tool_choice": ((None, "none"), "暂不支持工具调用（tool_choice）。"),
    "functions": ((None, []), "暂不支持函数调用（functions）。"),
    "function_call": ((None, "none"), "暂不支持函数调用（function_call）。"),
    "response_format": ((None, {"type": "text"}), "暂只支持文字回答：response_format 只能为 {\"type\": \"text\"}。"),
    "logprobs": ((None, False), "暂不支持返回 logprobs。"),
}


def _harmless(name: str) -> Any:
    """The field of a parameter in _UNSUPPORTED, its schema listing the values accepted (others get 400)."""
    accepted, why = _UNSUPPORTED[name]

    def only_accepted(schema: dict[str, Any]) -> None:
        schema.clear()
        schema.update(enum=list(accepted), description=why)

    return Field(None, json_schema_extra=only_accepted)


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
    name: StrictStr | None = None  # only counted in usage, as OpenAI counts it

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


class StreamOptions(BaseModel):
    include_usage: bool | None = None  # other options (include_obfuscation…) do not apply to our stream: ignored


class ChatRequest(BaseModel):
    model: str = "policy-assistant"
    # The question is the last user message: there must be one (the route says so with 400; the schema with `contains`).
    messages: list[ChatMessage] = Field(min_length=1, max_length=40,
                                        json_schema_extra={"contains": {"type": "object", "required": ["role", "content"],
                                                                        "properties": {"role": {"const": "user"}}}})
    stream: bool = False
    stream_options: StreamOptions | None = Field(None, description="流式时 include_usage 为 true：最后一块给出用量")
    documents: list[str] | None = Field(None, description="扩展字段：只在这些文档中查找")
    # Declared to be refused by name unless harmless (see _UNSUPPORTED); unknown fields are accepted, as OpenAI adds new ones.
    n: int | None = _harmless("n")
    stop: str | list[str] | None = _harmless("stop")
    tools: list[Any] | None = _harmless("tools")
    tool_choice: Any = _harmless("tool_choice")
    functions: list[Any] | None = _harmless("functions")
    function_call: Any = _harmless("function_call")
    response_format: dict[str, Any] | None = _harmless("response_format")
    logprobs: bool | None = _harmless("logprobs")


@router.get("/models", dependencies=[Reader])
def models() -> dict[str, Any]:
    return {"object": "list", "data": [_model(name) for name in MODELS]}


@router.get("/models/{model_id}", dependencies=[Reader], responses=refusals(404))
def model(model_id: str) -> dict[str, Any]:
    if model_id not in MODELS:
        raise _unknown_model(model_id)
    return _model(model_id)


@router.post("/chat/completions", dependencies=[Reader], response_model=None, responses=refusals(400, 404))
def chat_completions(request: ChatRequest, corpus: CorpusDep) -> dict[str, Any] | StreamingResponse:
    if request.model not in MODELS:
        raise _unknown_model(request.model)
    _refuse_unsupported(request)
    if any(part.type != "text" for m in request.messages if isinstance(m.content, list) for part in m.content):
        raise ApiError(400, "unsupported_content", "暂不支持图片等非文字内容，请只发送文字。", param="messages")
    users = [i for i, m in enumerate(request.messages) if m.role == "user"]
    if not users:
        raise ApiError(400, "empty_question", "messages 中没有用户问题。", param="messages")
    question = request.messages[users[-1]].text
    history = [{"role": m.role, "content": m.text, "citations": cited_clauses(m.text) if m.role == "assistant" else []}
               for m in request.messages[: users[-1]] if m.role in ("user", "assistant")]
    events = corpus.assistant.ask_stream(question, history, MODELS[request.model], request.documents)
    first = next(events)  # argument errors surface here, as JSON errors
    completion = _Completion(f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time()), request.model,
                             include_usage=bool(request.stream_options and request.stream_options.include_usage))
    if not request.stream:
        answer = next(e for e in [first, *events] if isinstance(e, Answer))
        content = with_sources(answer)
        return {"id": completion.id, "object": "chat.completion", "created": completion.created, "model": request.model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
                "usage": usage(request.messages, content), **_extras(answer)}

    def stream() -> Iterator[str]:
        streamed = ""  # the content sent so far

        def text_chunk(text: str) -> str:
            delta = {"content": text} if streamed else {"role": "assistant", "content": text}  # the first names the role
            return completion.chunk([_choice(delta)])

        for event in [first, *events]:
            if isinstance(event, Answer):
                # The final text extends what streamed, or (an LLM reply rejected midway) replaces it: a client
                # cannot take back streamed text, so the notice and the fallback follow it, once.
                final = with_sources(event)
                notice = f"{event.notice}\n\n" if event.notice else ""
                tail = final[len(streamed):] if final.startswith(streamed) else f"\n\n---\n{notice}{final}"
                if tail:
                    yield text_chunk(tail)
                    streamed += tail
                yield completion.chunk([_choice({}, "stop")], **_extras(event))
            else:
                yield text_chunk(event)
                streamed += event
        if completion.include_usage:
            yield completion.chunk([], usage=usage(request.messages, streamed))
        yield "data: [DONE]\n\n"

    return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


def usage(messages: list[ChatMessage], content: str) -> dict[str, int]:
    """OpenAI's `usage` for a reply of `content` to `messages` (counted as the comment on _TOKENS_PER_MESSAGE says)."""
    prompt = _REPLY_PRIMING + sum(_TOKENS_PER_MESSAGE + count_tokens(m.role) + count_tokens(m.text)
                                  + (_TOKENS_PER_NAME + count_tokens(m.name) if m.name else 0) for m in messages)
    completion = count_tokens(content)
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


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


def _model(name: str) -> dict[str, Any]:
    return {"id": name, "object": "model", "created": 0, "owned_by": "policy-assistant"}


def _unknown_model(name: str) -> ApiError:
    return ApiError(404, "unknown_model", f"没有模型“{name}”（可用：{'、'.join(MODELS)}）。", param="model")


def _refuse_unsupported(request: ChatRequest) -> None:
    for name, (harmless, message) in _UNSUPPORTED.items():
        if getattr(request, name) not in harmless:
            raise ApiError(400, "unsupported_parameter", message, param=name)
    if request.stream_options is not None and not request.stream:  # as OpenAI refuses it
        raise ApiError(400, "invalid_parameter", "只有流式请求（stream 为 true）才能设置 stream_options。", param="stream_options")


def _extras(answer: Answer) -> dict[str, Any]:
    return {"citations": [c.model_dump() for c in answer.citations], "answerable": answer.answerable,
            "answer_mode": answer.mode, "notice": answer.notice}


def _choice(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {"index": 0, "delta": delta, "finish_reason": finish}


@dataclass(frozen=True)
class _Completion:
    """What every chunk of one completion repeats."""

    id: str
    created: int
    model: str
    # As OpenAI's stream: with include_usage every chunk has "usage" (null) and a last one, choices [], carries it;
    # without it, no chunk mentions usage.
    include_usage: bool

    def chunk(self, choices: list[dict[str, Any]], **fields: Any) -> str:
        payload = {"id": self.id, "object": "chat.completion.chunk", "created": self.created, "model": self.model,
                   "choices": choices, **({"usage": None} if self.include_usage else {}), **fields}
        return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"
