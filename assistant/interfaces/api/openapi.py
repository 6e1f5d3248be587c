"""The OpenAPI document as the server behaves: every status an operation can answer, with the error body it
carries, and the keys it needs. What the access layer does to every request (keys, rate limit, body size)
is added here from the same rules it enforces (access.py); what a route itself refuses, the route declares
with `refusals(...)`."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field

from assistant.interfaces.api.access import Keys, counted, required_role
from assistant.interfaces.api.deps import get_corpus
from assistant.interfaces.api.errors import is_openai_path
from assistant.settings import Settings

READER_SCHEME, ADMIN_SCHEME = "readerKey", "adminKey"
_WHY = {400: "请求无法处理（如问题为空、文件无法解析）", 401: "缺少或错误的密钥", 403: "密钥无权执行此操作，或未配置管理员密钥",
        404: "没有这个资源（文档、条款、任务、模型）或没有符合筛选条件的文档", 409: "与文档库当前状态冲突（如重复文档、最后一份文档、任务已结束）",
        413: "请求内容或文件过大", 422: "请求格式不符合本文档的模式", 429: "请求过于频繁（见 Retry-After）",
        500: "服务内部错误", 503: "索引尚未就绪、已损坏，或向量服务器（Chroma）不可用", 507: "写入失败（磁盘已满或没有写权限）"}


class ErrorBody(BaseModel):
    """Every /api error: a stable code for programs, a Chinese message for people."""

    code: str = Field(description="稳定的错误代码，如 empty_question、unknown_document、unauthorized")
    message: str = Field(description="给用户看的中文说明")


class OpenAIError(BaseModel):
    message: str = Field(description="给用户看的中文说明")
    type: str = Field(description="OpenAI 的错误类别，如 invalid_request_error、authentication_error、not_found_error")
    param: str | None = Field(description="出错的请求字段，如 messages[0].content；无则为 null")
    code: str = Field(description="稳定的错误代码，与 /api 相同，如 unsupported_parameter、unknown_model")


class OpenAIErrorBody(BaseModel):
    """Every /v1 error, in OpenAI's shape: OpenAI clients raise their typed errors from it."""

    error: OpenAIError


def refusals(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """A route's own error statuses, for its `responses=` (the body schema is filled in by `install`)."""
    return {status: {"description": _WHY[status]} for status in statuses}


def install(app: FastAPI, settings: Settings, api_routes: list[APIRoute]) -> None:
    """Serve the truthful document of `api_routes` at /openapi.json."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            _describe(document, api_routes, settings)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _describe(document: dict[str, Any], api_routes: list[APIRoute], settings: Settings) -> None:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for model in (ErrorBody, OpenAIErrorBody):
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    document["components"]["securitySchemes"] = {
        READER_SCHEME: {"type": "http", "scheme": "bearer", "description": "只读密钥（POLICY_API_KEYS）：问答与查阅"},
        ADMIN_SCHEME: {"type": "http", "scheme": "bearer", "description": "管理员密钥（POLICY_ADMIN_KEY）：问答查阅，上传删除，任务、反馈、审计"}}
    keys = Keys(settings)
    for route in api_routes:
        for method in route.methods:
            operation = document["paths"][route.path_format][method.lower()]
            role = required_role(method, route.path)
            operation["security"] = _security(role, keys)
            statuses = _access_statuses(role, method, route.path, settings) | ({503} if _uses_corpus(route.dependant) else set())
            if is_openai_path(route.path) and "422" in operation["responses"]:  # /v1 answers invalid requests as OpenAI: 400
                operation["responses"]["400"] = operation["responses"].pop("422")
            for status in statuses:
                operation["responses"].setdefault(str(status), {"description": _WHY[status]})
            error = {"application/json": {"schema": {"$ref": f"#/components/schemas/{_error_schema(route.path)}"}}}
            for status, response in operation["responses"].items():
                if int(status) >= 400 and _bodiless_or_fastapis(response):
                    response["content"] = error
                    response["description"] = _WHY.get(int(status), response["description"])


def _bodiless_or_fastapis(response: dict[str, Any]) -> bool:
    """Whether an error response still lacks our error body: none declared, or FastAPI's own validation body.
    A route that declares another body for an error (/readyz's 503 Readiness) keeps it."""
    return "content" not in response or "HTTPValidationError" in str(response["content"])


def _error_schema(path: str) -> str:
    return (OpenAIErrorBody if is_openai_path(path) else ErrorBody).__name__


def _security(role: str, keys: Keys) -> list[dict[str, list[str]]]:
    if role == "public":
        return []
    if role == "admin":
        return [{ADMIN_SCHEME: []}]
    return [{READER_SCHEME: []}, {ADMIN_SCHEME: []}] + ([{}] if keys.reads_open else [])  # {}: no key needed


def _access_statuses(role: str, method: str, path: str, settings: Settings) -> set[int]:
    """What the access layer may answer before the route runs."""
    statuses = {500}
    if role != "public":
        statuses |= {401}
    if role == "admin":
        statuses |= {403}
    if counted(path) and settings.rate_limit_per_minute:
        statuses |= {429}
    if method in ("POST", "PUT", "PATCH"):
        statuses |= {413}
    return statuses


def _uses_corpus(dependant: Dependant) -> bool:
    """Whether the route reads the index (so answers 503 while it is not ready)."""
    return dependant.call is get_corpus or any(_uses_corpus(d) for d in dependant.dependencies)
