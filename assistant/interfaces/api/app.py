"""The FastAPI app: REST and OpenAI-compatible routes, offline API docs, and the Gradio UI at "/".
Every request, the UI's included, passes the one access layer (assistant/api/access.py) first."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from starlette.routing import Match

from assistant.application.corpus_service import CorpusService
from assistant.application.feedback import FeedbackLog
from assistant.interfaces.api import errors, openai_compat, routes, session
from assistant.interfaces.api.access import SESSION_COOKIE, AccessMiddleware, Sessions
from assistant.interfaces.api.audit import AuditLog
from assistant.settings import Settings

_ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"]


def create_app(settings: Settings, corpus: CorpusService, with_ui: bool = True) -> FastAPI:
    """The whole service; `library` must be opened (or opening) by the caller."""
    app = FastAPIOffline(title="政策通 API", version="1.0",
                         description="政策文件问答：每个回答都给出文件、文号、条款和原文。错误统一为 {code, message}。")
    sessions = Sessions()
    app.state.settings, app.state.corpus, app.state.sessions = settings, corpus, sessions
    app.state.audit = AuditLog(settings.audit_log_path)
    app.state.feedback = FeedbackLog(settings.feedback_path)
    errors.install(app)
    app.include_router(routes.router)
    app.include_router(openai_compat.router)
    app.include_router(session.router)
    _answer_unknown_api_paths(app)
    if with_ui:
        from assistant.interfaces.ui import mount_ui

        mount_ui(app, corpus, app.state.feedback, lambda cookies: _page_role(sessions, cookies))
    app.add_middleware(AccessMiddleware, settings=settings, sessions=sessions, audit=app.state.audit)
    return app


def _page_role(sessions: Sessions, cookies: Mapping[str, str]) -> Literal["admin", "reader", ""]:
    """Who the page's visitor signed in as (the page shows the administrator's controls only to them)."""
    who = sessions.read(cookies.get(SESSION_COOKIE, ""))
    return who.role if who else ""


def _answer_unknown_api_paths(app: FastAPI) -> None:
    """Unknown paths and wrong methods under /api and /v1 get our JSON errors, not the UI's."""
    known = list(app.router.routes)

    @app.api_route("/api/{rest:path}", methods=_ALL_METHODS, include_in_schema=False)
    @app.api_route("/v1/{rest:path}", methods=_ALL_METHODS, include_in_schema=False)
    def unknown(request: Request) -> JSONResponse:
        allowed = [method for method in _ALL_METHODS
                   if any(route.matches({**request.scope, "method": method})[0] == Match.FULL for route in known)]
        if allowed:
            return errors.error_response(405, "method_not_allowed", "不支持该请求方法。", {"Allow": ", ".join(allowed)})
        return errors.error_response(404, "not_found", "没有这个接口或资源。")


def create_worker_app() -> FastAPI:
    """One of several uvicorn workers (`serve --workers N`): the API only, since the Gradio UI keeps
    per-process session state; settings come from the environment the workers inherit."""
    settings = Settings()
    corpus = CorpusService(settings)
    corpus.open(reconcile=False)  # the parent process reconciled corpus and index before starting us
    return create_app(settings, corpus, with_ui=False)
