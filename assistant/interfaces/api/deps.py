"""Request dependencies: the corpus, the audit log, and who is asking.

Keys are checked once, by the access layer (assistant/api/access.py), before a route runs; the
`Reader` and `Admin` markers re-check its verdict so a route can never be served without it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from assistant.application.corpus_service import CorpusService
from assistant.application.feedback import FeedbackLog
from assistant.interfaces.api.access import Identity, Keys
from assistant.interfaces.api.audit import AuditLog
from assistant.interfaces.api.errors import ApiError


def get_corpus(request: Request) -> CorpusService:
    return request.app.state.corpus


def get_audit(request: Request) -> AuditLog:
    return request.app.state.audit


def get_feedback(request: Request) -> FeedbackLog:
    return request.app.state.feedback


def identity(request: Request) -> Identity | None:
    return getattr(request.state, "identity", None)


def require_reader(request: Request) -> None:
    if identity(request) is None and not Keys(request.app.state.settings).reads_open:
        raise ApiError(401, "unauthorized", "缺少或错误的 API 密钥（Authorization: Bearer …）。", {"WWW-Authenticate": "Bearer"})


def require_admin(request: Request) -> None:
    who = identity(request)
    if who is None or who.role != "admin":
        raise ApiError(403, "forbidden", "需要管理员密钥。")


CorpusDep = Annotated[CorpusService, Depends(get_corpus)]
AuditDep = Annotated[AuditLog, Depends(get_audit)]
FeedbackDep = Annotated[FeedbackLog, Depends(get_feedback)]
Reader = Depends(require_reader)
Admin = Depends(require_admin)
