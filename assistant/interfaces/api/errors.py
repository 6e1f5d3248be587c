"""Every error is JSON {"code": stable id, "message": Chinese text}; never a stack trace."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.application.assistant_service import QuestionError
from assistant.application.corpus_service import CorpusError
from vectorstore.errors import IndexDamagedError, IndexNotFoundError, IndexUnavailableError, IndexWriteError, VectorServerUnavailableError

log = logging.getLogger("policy_assistant.api")

_QUESTION_STATUS = {"unknown_document": 404}
# Corpus refusals and failed jobs by code; anything else is a plain bad request.
CORPUS_STATUS = {"not_ready": 503, "unknown_document": 404, "unknown_file": 404, "file_too_large": 413,
                 "document_too_long": 413, "duplicate_document": 409, "last_document": 409, "bad_manifest": 409,
                 "empty_corpus": 409, "cancelled": 409, "write_failed": 507, "interrupted": 500, "internal_error": 500}
_INDEX_ERRORS: dict[type[IndexUnavailableError], tuple[int, str]] = {
    IndexNotFoundError: (503, "not_ready"), IndexDamagedError: (503, "index_damaged"),
    VectorServerUnavailableError: (503, "vector_server_unavailable"), IndexWriteError: (507, "index_write_failed")}
_HTTP_CODES = {400: ("bad_request", "请求体无法解析：应为 UTF-8 编码、结构正常的 JSON。"),
               401: ("unauthorized", "缺少或错误的 API 密钥。"), 403: ("forbidden", "该密钥无权执行此操作。"),
               404: ("not_found", "没有这个接口或资源。"), 405: ("method_not_allowed", "不支持该请求方法。"),
               413: ("payload_too_large", "请求内容过大。"), 429: ("rate_limited", "请求过于频繁，请稍后再试。")}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_: Request, error: ApiError) -> JSONResponse:
        return error_response(error.status, error.code, error.message, error.headers)

    @app.exception_handler(QuestionError)
    async def question_error(_: Request, error: QuestionError) -> JSONResponse:
        return error_response(_QUESTION_STATUS.get(error.code, 400), error.code, str(error))

    @app.exception_handler(CorpusError)
    async def corpus_error(_: Request, error: CorpusError) -> JSONResponse:
        return error_response(CORPUS_STATUS.get(error.code, 400), error.code, str(error))

    @app.exception_handler(IndexUnavailableError)
    async def index_error(_: Request, error: IndexUnavailableError) -> JSONResponse:
        status, code = next((v for k, v in _INDEX_ERRORS.items() if isinstance(error, k)), (503, "index_unavailable"))
        return error_response(status, code, str(error))

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, error: RequestValidationError) -> JSONResponse:
        fields = "、".join(".".join(str(p) for p in e.get("loc", ())[1:]) or "请求体" for e in error.errors()[:5])
        return error_response(422, "invalid_request", f"请求格式不正确：{fields}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, error: StarletteHTTPException) -> JSONResponse:
        code, message = _HTTP_CODES.get(error.status_code, ("http_error", str(error.detail)))
        return error_response(error.status_code, code, message, getattr(error, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected(_: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error")  # details go to the server log only
        return error_response(500, "internal_error", "服务内部错误，请稍后再试。")
