"""Our JSON errors for requests no API route takes: a wrong method on an API path (405 with `Allow`, whatever
the method, QUERY and TRACE included) and an unknown path under /api or /v1 (404). Without these, the web
page mounted at "/" would answer them with its own HTML or {"detail": "Not Found"}."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.routing import APIRoute
from starlette.routing import Match, Route
from starlette.types import Receive, Scope, Send

from assistant.interfaces.api import errors

_PREFIXES = ("/api", "/v1")


class _Refusal:
    """An ASGI endpoint rather than a function, so that Starlette routes it every method (a function gets GET)."""

    def __init__(self, known: list[APIRoute]) -> None:
        self.known = known

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        allowed = sorted({method for route in self.known for method in route.methods
                          if route.matches({**scope, "method": method})[0] == Match.FULL})
        path = Request(scope).url.path
        if allowed:
            response = errors.error_response(405, "method_not_allowed", f"不支持该请求方法（可用：{'、'.join(allowed)}）。",
                                             {"Allow": ", ".join(allowed)}, path=path)
        else:
            response = errors.error_response(404, "not_found", "没有这个接口或资源。", path=path)
        await response(scope, receive, send)


def answer_unknown_paths(app: FastAPI, known: list[APIRoute]) -> None:
    """`known`: the app's API routes. Call after they are added and before the page is mounted."""
    refusal = _Refusal(known)
    paths = [route.path for route in known] + [f"{prefix}{tail}" for prefix in _PREFIXES for tail in ("", "/{rest:path}")]
    for path in dict.fromkeys(paths):
        app.router.routes.append(Route(path, refusal, include_in_schema=False))
