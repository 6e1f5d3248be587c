"""The FastAPI app: REST and OpenAI-compatible routes, offline API docs, and the Gradio UI at "/"."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi_offline import FastAPIOffline

from assistant.api import errors, openai_compat, routes
from assistant.library import Library
from assistant.settings import Settings

_UPLOAD_PATH = "/api/documents"


def create_app(settings: Settings, library: Library, with_ui: bool = True) -> FastAPI:
    """The whole service; `library` must be opened (or opening) by the caller."""
    app = FastAPIOffline(title="政策通 API", version="1.0",
                         description="政策文件问答：每个回答都给出文件、文号、条款和原文。错误统一为 {code, message}。")
    app.state.settings, app.state.library = settings, library
    errors.install(app)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST", "DELETE"],
                           allow_headers=["Authorization", "Content-Type"])

    @app.middleware("http")
    async def limit_request_size(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        limit = settings.max_file_bytes + 65536 if request.url.path == _UPLOAD_PATH else settings.max_request_kb * 1024
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            return errors.error_response(413, "payload_too_large", f"请求内容过大（上限 {limit // 1024} KB）。")
        return await call_next(request)

    app.include_router(routes.router)
    app.include_router(openai_compat.router)
    if with_ui:
        from assistant.ui import mount_ui

        mount_ui(app, library)
    return app
