"""The FastAPI app: REST and OpenAI-compatible routes, offline API docs, and the Gradio UI at "/".
Every request, the UI's included, passes the one access layer (assistant/api/access.py) first."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi_offline import FastAPIOffline

from assistant.application.corpus_service import CorpusService
from assistant.application.feedback import FeedbackLog
from assistant.interfaces.api import errors, fallback, openai_compat, openapi, routes, session
from assistant.interfaces.api.access import SESSION_COOKIE, AccessMiddleware, Sessions
from assistant.interfaces.api.audit import AuditLog
from assistant.settings import Settings


def create_app(settings: Settings, corpus: CorpusService, with_ui: bool = True) -> FastAPI:
    """The whole service; `library` must be opened (or opening) by the caller."""
    app = FastAPIOffline(title="政策通 API", version="1.0",
                         description="政策文件问答：每个回答都给出文件、文号、条款和原文。错误为 {code, message}"
                                     "（/v1 下为 OpenAI 的 {error: {message, type, param, code}}）。")
    sessions = Sessions()
    app.state.settings, app.state.corpus, app.state.sessions = settings, corpus, sessions
    app.state.audit = AuditLog(settings.audit_log_path)
    app.state.feedback = FeedbackLog(settings.feedback_path)
    errors.install(app)
    for router in (routes.router, openai_compat.router, session.router):
        app.include_router(router)
    api_routes = [route for route in (*routes.router.routes, *openai_compat.router.routes) if isinstance(route, APIRoute)]
    fallback.answer_unknown_paths(app, api_routes)
    openapi.install(app, settings, api_routes)
    if with_ui:
        from assistant.interfaces.ui import mount_ui

        mount_ui(app, corpus, app.state.feedback, lambda cookies: _page_role(sessions, cookies))
    app.add_middleware(AccessMiddleware, settings=settings, sessions=sessions, audit=app.state.audit)
    return app


def _page_role(sessions: Sessions, cookies: Mapping[str, str]) -> Literal["admin", "reader", ""]:
    """Who the page's visitor signed in as (the page shows the administrator's controls only to them)."""
    who = sessions.read(cookies.get(SESSION_COOKIE, ""))
    return who.role if who else ""


def create_worker_app() -> FastAPI:
    """One of several uvicorn workers (`serve --workers N`): the API only, since the Gradio UI keeps
    per-process session state; settings come from the environment the workers inherit."""
    settings = Settings()
    corpus = CorpusService(settings)
    corpus.open(reconcile=False)  # the parent process reconciled corpus and index before starting us
    return create_app(settings, corpus, with_ui=False)
