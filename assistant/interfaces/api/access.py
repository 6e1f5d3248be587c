"""One access layer for every door: REST, /v1, the web page and its Gradio API, files and uploads.

Each request passes, in this order and before the application reads a byte of its body:
CORS (only configured origins) → who is asking (a bearer key, or the page's signed session cookie)
→ may they (public, reader or admin path) → rate limit (by key, else by client address) → body size,
counted in bytes as it arrives (chunked bodies too). Refusals are JSON {code, message} in Chinese
(OpenAI's error shape under /v1, see errors.py) and go to the audit log.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from assistant.interfaces.api.audit import AuditLog
from assistant.interfaces.api.errors import error_body
from assistant.settings import Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
Role = Literal["public", "reader", "admin"]

SESSION_COOKIE = "policy_session"
SESSION_SECONDS = 12 * 3600
_PUBLIC = ("/healthz", "/readyz", "/login", "/logout", "/docs", "/redoc", "/openapi.json", "/static-offline-docs/")
# Reads that are POSTs; every other write under /api/ needs the admin key, so a new write route is closed by default.
_READER_POSTS = ("/api/ask", "/api/ask/stream", "/v1/chat/completions")
_ADMIN_READS = ("/api/jobs", "/api/corpus", "/api/feedback", "/api/audit")
# Gradio routes that would serve or store files: the page needs neither (uploads go through /api/documents).
_CLOSED = ("/gradio_api/upload", "/gradio_api/file=", "/gradio_api/proxy=", "/gradio_api/stream/", "/gradio_api/mcp")
# Requests that make the server work; page assets and the page's event stream are not counted.
_COUNTED = ("/api/", "/v1/", "/login", "/gradio_api/queue/join", "/gradio_api/call/", "/gradio_api/run/", "/gradio_api/api/")
_UPLOAD_PATH = "/api/documents"
_MAX_BUCKETS = 10_000  # rate-limit memory stays bounded whatever clients send
_MULTIPART_SLACK = 65_536  # form boundaries and headers around an uploaded file


@dataclass(frozen=True)
class Identity:
    role: Literal["reader", "admin"]
    key_id: str  # a short hash of the key, for logs; "" when no keys are configured


def key_id(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:10]


def required_role(method: str, path: str) -> Role:
    if path.startswith(_PUBLIC) or path == "/favicon.ico":
        return "public"
    if path.startswith("/api/") and (
            (method not in ("GET", "HEAD", "OPTIONS") and path not in _READER_POSTS) or path.startswith(_ADMIN_READS)):
        return "admin"
    return "reader"


def counted(path: str) -> bool:
    """Whether requests to `path` count against the rate limit."""
    return path.startswith(_COUNTED)


class Keys:
    """The configured keys: readers (`POLICY_API_KEYS`) and the admin (`POLICY_ADMIN_KEY`), who reads too."""

    def __init__(self, settings: Settings) -> None:
        self.readers = [k for k in settings.api_keys if k]
        self.admin = settings.admin_key.get_secret_value() if settings.admin_key else ""

    @property
    def reads_open(self) -> bool:
        return not self.readers

    def identify(self, key: str) -> Identity | None:
        if not key:
            return None
        if self.admin and _same(key, self.admin):
            return Identity("admin", key_id(key))
        if any(_same(key, reader) for reader in self.readers):
            return Identity("reader", key_id(key))
        return None


class Sessions:
    """Signed session cookies for the web page: "role.key id.expiry.HMAC" (cookie-safe characters only).
    The secret lives in this process only, so a restart signs everyone out (the page's state is per
    process anyway)."""

    def __init__(self) -> None:
        self._secret = secrets.token_bytes(32)

    def issue(self, identity: Identity) -> str:
        payload = f"{identity.role}.{identity.key_id}.{int(time.time()) + SESSION_SECONDS}"
        return f"{payload}.{self._sign(payload)}"

    def read(self, cookie: str) -> Identity | None:
        payload, _, signature = cookie.rpartition(".")
        if not payload or not hmac.compare_digest(signature, self._sign(payload)):
            return None
        role, key, expiry = payload.split(".")
        if role not in ("reader", "admin") or int(expiry) < time.time():
            return None
        return Identity(role, key)  # type: ignore[arg-type]

    def _sign(self, payload: str) -> str:
        return hmac.new(self._secret, payload.encode(), hashlib.sha256).hexdigest()


class RateLimiter:
    """A token bucket per client: `per_minute` requests a minute, in bursts of up to `per_minute`.
    At most `_MAX_BUCKETS` clients are remembered; the least recently seen is forgotten first."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # client → (tokens, last refill)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._buckets)

    def wait_seconds(self, client: str) -> int:
        """0 if the request may go ahead (and is counted), else how long to wait."""
        if not self.per_minute:
            return 0
        rate = self.per_minute / 60
        with self._lock:
            now = time.monotonic()
            tokens, last = self._buckets.pop(client, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - last) * rate)
            wait = 0 if tokens >= 1 else math.ceil((1 - tokens) / rate)
            self._buckets[client] = (tokens - 1 if not wait else tokens, now)
            if len(self._buckets) > _MAX_BUCKETS:
                self._buckets.popitem(last=False)
            return wait


class Refusal(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


class AccessMiddleware:
    """The ASGI middleware wrapping the whole app, Gradio included."""

    def __init__(self, app: ASGIApp, settings: Settings, sessions: Sessions, audit: AuditLog) -> None:
        self.app = app
        self.settings = settings
        self.keys = Keys(settings)
        self.sessions = sessions
        self.audit = audit
        self.limiter = RateLimiter(settings.rate_limit_per_minute)
        self.origins = set(settings.cors_origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = _Request(scope)
        cross_origin = request.origin if request.origin and not request.same_origin else ""
        if cross_origin and cross_origin not in self.origins:
            if request.is_preflight:
                await self._refuse(request, send, Refusal(403, "origin_not_allowed", "不允许该来源跨域访问。"))
                return
            cross_origin = ""  # served as to anyone, but without CORS headers the browser will not hand it over
        if request.is_preflight:
            await _respond(send, 204, b"", {**_cors_headers(cross_origin), **_PREFLIGHT_HEADERS})
            return
        try:
            identity = self._admit(request)
            body = await self._read_body(request, receive)
        except Refusal as refusal:
            await self._refuse(request, send, refusal, cross_origin)
            return
        if identity is not None:
            scope.setdefault("state", {})["identity"] = identity
        await self.app(scope, _replay(body, receive), _with_cors(send, cross_origin))

    def _admit(self, request: _Request) -> Identity | None:
        """Who is asking and whether they may; counted against their rate budget."""
        if request.path.startswith(_CLOSED):
            raise Refusal(404, "not_found", "没有这个接口或资源。")
        identity = self.keys.identify(request.bearer) or self.sessions.read(request.cookie(SESSION_COOKIE))
        role = required_role(request.method, request.path)
        writes_disabled = "未配置管理员密钥（POLICY_ADMIN_KEY），不允许上传或删除文档。"
        needs_key = role == "admin" or (role == "reader" and not self.keys.reads_open)
        if needs_key and identity is None:  # 401 when no valid key came (HTTP's rule), 403 when the key may not
            if request.wants_page:
                raise Refusal(303, "sign_in", "请先登录。", {"Location": "/login"})
            wrong = "错误的密钥。" if request.bearer else "缺少密钥（Authorization: Bearer …）。"
            raise Refusal(401, "unauthorized", wrong + (writes_disabled if role == "admin" and not self.keys.admin else ""),
                          {"WWW-Authenticate": "Bearer"})
        if role == "admin" and not self.keys.admin:
            raise Refusal(403, "writes_disabled", writes_disabled)
        if role == "admin" and identity is not None and identity.role != "admin":
            raise Refusal(403, "forbidden", "只读密钥不能上传或删除文档。")
        if counted(request.path):
            wait = self.limiter.wait_seconds(identity.key_id if identity else f"ip:{request.client}")
            if wait:
                raise Refusal(429, "rate_limited", f"请求过于频繁，请 {wait} 秒后再试。", {"Retry-After": str(wait)})
        return identity

    async def _read_body(self, request: _Request, receive: Receive) -> bytes:
        """The whole body, refused as soon as it passes the limit (Content-Length or bytes counted)."""
        limit = self.settings.max_request_kb * 1024
        if request.path == _UPLOAD_PATH and request.method == "POST":
            limit = self.settings.max_file_bytes + _MULTIPART_SLACK
        too_large = Refusal(413, "payload_too_large", f"请求内容过大（上限 {limit // 1024} KB）。")
        declared = request.header("content-length")
        if declared.isdigit() and int(declared) > limit:
            raise too_large
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise too_large
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    async def _refuse(self, request: _Request, send: Send, refusal: Refusal, cross_origin: str = "") -> None:
        if refusal.status != 303:
            self.audit.record("refused", client=request.client, key_id=self._key_id(request), method=request.method,
                              path=request.path[:200], status=refusal.status, code=refusal.code)
        body = json.dumps(error_body(refusal.status, refusal.code, refusal.message, request.path), ensure_ascii=False).encode()
        headers = {"content-type": "application/json", **refusal.headers, **_cors_headers(cross_origin)}
        await _respond(send, refusal.status, body, headers)

    def _key_id(self, request: _Request) -> str:
        identity = self.keys.identify(request.bearer)
        return identity.key_id if identity else ("invalid" if request.bearer else "")


_PREFLIGHT_HEADERS = {"access-control-allow-methods": "GET, POST, DELETE, OPTIONS",
                      "access-control-allow-headers": "Authorization, Content-Type", "access-control-max-age": "600"}


class _Request:
    """What the access rules read from an ASGI scope."""

    def __init__(self, scope: Scope) -> None:
        self.method: str = scope["method"]
        self.path: str = scope["path"]
        self.headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        self.client = scope["client"][0] if scope.get("client") else ""

    def header(self, name: str) -> str:
        return self.headers.get(name, "")

    @property
    def bearer(self) -> str:
        scheme, *key = self.header("authorization").split(None, 1) or [""]
        return key[0].strip() if scheme.lower() == "bearer" and key else ""

    def cookie(self, name: str) -> str:
        for part in self.header("cookie").split(";"):
            key, _, value = part.strip().partition("=")
            if key == name:
                return value
        return ""

    @property
    def origin(self) -> str:
        return self.header("origin")

    @property
    def same_origin(self) -> bool:
        return urlsplit(self.origin).netloc == self.header("host")

    @property
    def is_preflight(self) -> bool:
        return self.method == "OPTIONS" and "access-control-request-method" in self.headers

    @property
    def wants_page(self) -> bool:
        return self.method == "GET" and self.path == "/" and "text/html" in self.header("accept")


def _same(a: str, b: str) -> bool:
    return secrets.compare_digest(a.encode(), b.encode())


def _cors_headers(origin: str) -> dict[str, str]:
    if not origin:
        return {}
    return {"access-control-allow-origin": origin, "vary": "Origin",
            "access-control-expose-headers": "Retry-After, Location"}


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body already read, then the client's own messages (a disconnect while streaming)."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


def _with_cors(send: Send, origin: str) -> Send:
    """Only our CORS headers reach the client (Gradio answers any localhost origin on its own)."""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [(k, v) for k, v in message.get("headers", []) if not k.lower().startswith(b"access-control-")]
            headers += [(k.encode(), v.encode()) for k, v in _cors_headers(origin).items()]
            message = {**message, "headers": headers}
        await send(message)

    return sending


async def _respond(send: Send, status: int, body: bytes, headers: dict[str, str]) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(k.lower().encode(), v.encode("utf-8")) for k, v in headers.items()]})
    await send({"type": "http.response.body", "body": body})
