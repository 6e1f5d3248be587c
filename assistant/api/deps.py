"""Request dependencies: the library, and API-key checks (reader keys, a separate admin key)."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, Request

from assistant.api.errors import ApiError
from assistant.library import Library
from assistant.settings import Settings


def get_library(request: Request) -> Library:
    return request.app.state.library


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else ""


def _matches(key: str, candidates: list[str]) -> bool:
    return any(secrets.compare_digest(key.encode(), c.encode()) for c in candidates if c)


def require_reader(request: Request, settings: Annotated[Settings, Depends(get_settings)]) -> None:
    """Reads are open unless API keys are configured; the admin key reads too."""
    admin = settings.admin_key.get_secret_value() if settings.admin_key else ""
    if not settings.api_keys:
        return
    key = _bearer(request)
    if not _matches(key, [*settings.api_keys, admin]):
        raise ApiError(401, "unauthorized", "缺少或错误的 API 密钥（Authorization: Bearer …）。", {"WWW-Authenticate": "Bearer"})


def require_admin(request: Request, settings: Annotated[Settings, Depends(get_settings)]) -> None:
    """Writes need the admin key; without one configured, writes are disabled."""
    if settings.admin_key is None:
        raise ApiError(403, "writes_disabled", "未配置管理员密钥（POLICY_ADMIN_KEY），不允许上传或删除文档。")
    key = _bearer(request)
    if not key:
        raise ApiError(401, "unauthorized", "缺少管理员密钥（Authorization: Bearer …）。", {"WWW-Authenticate": "Bearer"})
    if not _matches(key, [settings.admin_key.get_secret_value()]):
        if _matches(key, settings.api_keys):
            raise ApiError(403, "forbidden", "只读密钥不能上传或删除文档。")
        raise ApiError(401, "unauthorized", "管理员密钥错误。", {"WWW-Authenticate": "Bearer"})


LibraryDep = Annotated[Library, Depends(get_library)]
Reader = Depends(require_reader)
Admin = Depends(require_admin)
