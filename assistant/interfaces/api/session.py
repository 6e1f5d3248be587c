"""Signing in to the web page when keys are configured: the key is typed once, the browser keeps
a signed, HttpOnly session cookie (never the key itself)."""

from __future__ import annotations

import html

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from assistant.interfaces.api.access import SESSION_COOKIE, SESSION_SECONDS, Keys

router = APIRouter(include_in_schema=False)

_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>登录 · 政策通</title>
<style>body{{font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;max-width:360px;margin:12vh auto;padding:0 16px;color:#1f2328}}
input,button{{font-size:16px;padding:8px 10px;width:100%;box-sizing:border-box;margin-top:8px}}
button{{background:#1f6feb;color:#fff;border:0;border-radius:6px;cursor:pointer}}.error{{color:#b42318}}</style></head>
<body><h2>政策通 · 政策文件问答</h2><p>本服务需要访问密钥，请向管理员索取。</p>{error}
<form method="post" action="/login"><label for="key">访问密钥</label>
<input id="key" name="key" type="password" autocomplete="current-password" required autofocus>
<button type="submit">登录</button></form></body></html>"""


def sign_in_page(error: str = "", status: int = 200) -> HTMLResponse:
    message = f"<p class='error' role='alert'>{html.escape(error)}</p>" if error else ""
    return HTMLResponse(_PAGE.format(error=message), status_code=status, headers={"Cache-Control": "no-store"})


@router.get("/login")
def login_page() -> HTMLResponse:
    return sign_in_page()


@router.post("/login")
def login(request: Request, key: str = Form("", max_length=1000)) -> Response:
    identity = Keys(request.app.state.settings).identify(key.strip())
    if identity is None:
        request.app.state.audit.record("refused", client=request.client.host if request.client else "", key_id="invalid",
                                       method="POST", path="/login", status=401, code="unauthorized")
        return sign_in_page("密钥错误，请重试。", 401)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(SESSION_COOKIE, request.app.state.sessions.issue(identity), max_age=SESSION_SECONDS,
                        httponly=True, samesite="lax", secure=request.url.scheme == "https")
    return response


@router.get("/logout")
def logout() -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
