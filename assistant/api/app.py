"""The FastAPI app: REST and OpenAI-compatible routes, offline API docs, and the Gradio UI at "/"."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi_offline import FastAPIOffline

from assistant.api import errors, openai_compat, routes
from assistant.library import Library
from assistant.settings import Settings

_UPLOAD_PATH = "/api/documents"
_LIMITED_PATHS = ("/api/", "/v1/")


class RateLimiter:
    """A token bucket per client: `per_minute` requests a minute, in bursts of up to `per_minute`."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._buckets: dict[str, tuple[float, float]] = {}  # client → (tokens, last refill time)
        self._lock = threading.Lock()

    def wait_seconds(self, client: str) -> int:
        """0 if the request may go ahead (and is counted), else how long to wait."""
        if not self.per_minute:
            return 0
        rate = self.per_minute / 60
        with self._lock:
            tokens, last = self._buckets.get(client, (float(self.per_minute), time.monotonic()))
            now = time.monotonic()
            tokens = min(float(self.per_minute), tokens + (now - last) * rate)
            if tokens < 1:
                self._buckets[client] = (tokens, now)
                return math.ceil((1 - tokens) / rate)
            self._buckets[client] = (tokens - 1, now)
            return 0


def create_app(settings: Settings, library: Library, with_ui: bool = True) -> FastAPI:
    """The whole service; `library` must be opened (or opening) by the caller."""
    app = FastAPIOffline(title="政策通 API", version="1.0",
                         description="政策文件问答：每个回答都给出文件、文号、条款和原文。错误统一为 {code, message}。")
    app.state.settings, app.state.library = settings, library
    errors.install(app)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST", "DELETE"],
                           allow_headers=["Authorization", "Content-Type"])

    limiter = RateLimiter(settings.rate_limit_per_minute)

    @app.middleware("http")
    async def limit_rate(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if request.url.path.startswith(_LIMITED_PATHS):
            client = request.headers.get("authorization") or (request.client.host if request.client else "")
            wait = limiter.wait_seconds(client)
            if wait:
                return errors.error_response(429, "rate_limited", f"请求过于频繁，请 {wait} 秒后再试。", {"Retry-After": str(wait)})
        return await call_next(request)

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


def create_worker_app() -> FastAPI:
    """One of several uvicorn workers (`serve --workers N`): the API only, since the Gradio UI keeps
    per-process session state; settings come from the environment the workers inherit."""
    settings = Settings()
    library = Library(settings)
    library.open()
    return create_app(settings, library, with_ui=False)
