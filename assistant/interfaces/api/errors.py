"""Every error is JSON {"code": stable id, "message": Chinese text}; never a stack trace. Under /v1 it takes
OpenAI's shape, {"error": {"message", "type", "param", "code"}}, so OpenAI clients raise their typed errors."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.application.assistant_service import QuestionError
from assistant.application.corpus_service import CorpusError
from vectorstore.errors import IndexDamagedError, IndexNotFoundError, IndexUnavailableError, IndexWriteError, VectorServerUnavailableError

log = logging.getLogger("policy_assistant.api")

# A filter naming no document that exists, or matching none, asks for what is not there.
_QUESTION_STATUS = {"unknown_document": 404, "no_documents": 404}
# Corpus refusals and failed jobs by code; anything else is a plain bad request.
CORPUS_STATUS = {"not_ready": 503, "unknown_document": 404, "unknown_file": 404, "file_too_large": 413,
                 "document_too_long": 413, "duplicate_document": 409, "last_document": 409, "bad_manifest": 409,
                 "empty_corpus": 409, "cancelled": 409, "write_failed": 507,
                 "vector_server_unavailable": 503, "interrupted": 500, "internal_error": 500}
_INDEX_ERRORS: dict[type[IndexUnavailableError], tuple[int, str]] = {
    IndexNotFoundError: (503, "not_ready"), IndexDamagedError: (503, "index_damaged"),
    VectorServerUnavailableError: (503, "vector_server_unavailable"), IndexWriteError: (507, "index_write_failed")}
_HTTP_CODES = {400: ("bad_request", "请求体无法解析：应为 UTF-8 编码、结构正常的 JSON。"),
               401: ("unauthorized", "缺少或错误的 API 密钥。"), 403: ("forbidden", "该密钥无权执行此操作。"),
               404: ("not_found", "没有这个接口或资源。"), 405: ("method_not_allowed", "不支持该请求方法。"),
               413: ("payload_too_large", "请求内容过大。"), 429: ("rate_limited", "请求过于频繁，请稍后再试。")}
# OpenAI's error type by status (a 4xx not listed is an invalid request, any 5xx a server error).
_OPENAI_TYPES = {401: "authentication_error", 403: "permission_error", 404: "not_found_error", 429: "rate_limit_error"}


class ApiError(Exception):
    """`param`: the request field at fault, reported on /v1 (OpenAI clients expose it as `error.param`)."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None,
                 param: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers, self.param = status, code, message, headers, param


def is_openai_path(path: str) -> bool:
    return path == "/v1" or path.startswith("/v1/")


def error_body(status: int, code: str, message: str, path: str = "", param: str | None = None) -> dict[str, Any]:
    """The error as the path's clients expect it: OpenAI's shape under /v1, else {code, message}."""
    if not is_openai_path(path):
        return {"code": code, "message": message}
    kind = "server_error" if status >= 500 else _OPENAI_TYPES.get(status, "invalid_request_error")
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None, *, path: str = "",
                   param: str | None = None) -> JSONResponse:
    return JSONResponse(error_body(status, code, message, path, param), status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, error: ApiError) -> JSONResponse:
        return error_response(error.status, error.code, error.message, error.headers, path=request.url.path,
                              param=error.param)

    @app.exception_handler(QuestionError)
    async def question_error(request: Request, error: QuestionError) -> JSONResponse:
        return error_response(_QUESTION_STATUS.get(error.code, 400), error.code, str(error), path=request.url.path)

    @app.exception_handler(CorpusError)
    async def corpus_error(request: Request, error: CorpusError) -> JSONResponse:
        return error_response(CORPUS_STATUS.get(error.code, 400), error.code, str(error), path=request.url.path)

    @app.exception_handler(IndexUnavailableError)
    async def index_error(request: Request, error: IndexUnavailableError) -> JSONResponse:
        status, code = next((v for k, v in _INDEX_ERRORS.items() if isinstance(error, k)), (503, "index_unavailable"))
        return error_response(status, code, str(error), path=request.url.path)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        openai = is_openai_path(request.url.path)
        fields = [_field(e, openai) for e in error.errors()[:5]]
        # OpenAI answers an invalid request with 400 and names the first field at fault
        return error_response(400 if openai else 422, "invalid_request", f"请求格式不正确：{'、'.join(f or '请求体' for f in fields)}",
                              path=request.url.path, param=next(iter(fields), "") or None)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        code, message = _HTTP_CODES.get(error.status_code, ("http_error", str(error.detail)))
        return error_response(error.status_code, code, message, getattr(error, "headers", None), path=request.url.path)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error")  # details go to the server log only
        return error_response(500, "internal_error", "服务内部错误，请稍后再试。", path=request.url.path)


def _field(error: dict[str, Any], openai: bool) -> str:
    """The field a validation error is about, "" for the body as a whole: messages.0.content, or under /v1 as
    OpenAI writes it, messages[0].content (where a JSON syntax error's location, an offset, is no field)."""
    loc: Sequence[int | str] = error.get("loc", ())[1:]
    if not openai:
        return ".".join(str(p) for p in loc)
    if error.get("type") == "json_invalid":
        return ""
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
