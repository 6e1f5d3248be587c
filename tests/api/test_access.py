"""Every door of a keyed server, tried as an attacker would: the web page and its Gradio API, REST,
/v1, uploads; bodies that lie about their size; headers that try to dodge the rate limit."""

from __future__ import annotations

import json
import socket
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.servers import ADMIN_KEY, PORTAL, READER_KEY, Server

AUTH = {"Authorization": f"Bearer {READER_KEY}"}
FILE_PART = {"type": "file", "file": {"path": "/proc/self/environ", "meta": {"_type": "gradio.FileData"}}}


def _gradio_call(server: Server, data: list, headers: dict[str, str] | None = None) -> tuple[int, str]:
    """Call the page's question handler through Gradio's own API; the status and everything it streamed."""
    start = httpx.post(f"{server.url}/gradio_api/call/on_question", json={"data": data}, headers=headers or {}, timeout=30)
    if start.status_code != 200:
        return start.status_code, start.text
    event_id = start.json()["event_id"]
    result = httpx.get(f"{server.url}/gradio_api/call/on_question/{event_id}", headers=headers or {}, timeout=60)
    data = [json.dumps(json.loads(line[6:]), ensure_ascii=False) for line in result.text.splitlines() if line.startswith("data: ")]
    return result.status_code, "\n".join(data)


def test_the_page_and_its_api_need_a_key_when_keys_are_set(server: Server) -> None:
    page = httpx.get(server.url + "/", headers={"Accept": "text/html"})
    assert page.status_code == 303 and page.headers["location"] == "/login"
    assert "访问密钥" in httpx.get(f"{server.url}/login").text
    for path in ("/config", "/gradio_api/info", "/gradio_api/queue/join", "/theme.css"):
        response = httpx.get(server.url + path)
        assert (response.status_code, response.json()["code"]) == (401, "unauthorized"), path
    status, _ = _gradio_call(server, ["县城新建住宅最高几层", [], [], [], "extractive"])
    assert status == 401
    assert httpx.post(f"{server.url}/login", data={"key": "guess"}).status_code == 401
    with httpx.Client(base_url=server.url) as browser:  # signs in once, then the cookie opens the page
        signed_in = browser.post("/login", data={"key": READER_KEY})
        assert signed_in.status_code == 303 and "HttpOnly" in signed_in.headers["set-cookie"]
        assert READER_KEY not in signed_in.headers["set-cookie"]
        assert browser.get("/", headers={"Accept": "text/html"}).status_code == 200
        # the page's events are its wiring, not an API (that is /api and /v1): none is listed for Gradio's clients
        assert browser.get("/gradio_api/info").json() == {"named_endpoints": {}, "unnamed_endpoints": {}}
        assert browser.post("/api/documents", files={"file": ("a.txt", b"x")}).status_code == 403  # a reader's cookie
        browser.get("/logout")
        assert browser.get("/gradio_api/info").status_code == 401


def test_no_file_on_the_server_is_served_through_the_page(make_server: Callable[..., Server]) -> None:
    server = make_server()  # reads open: the worst case for this attack
    cache = Path(tempfile.gettempdir()) / "gradio"
    before = set(cache.rglob("environ")) if cache.is_dir() else set()
    status, streamed = _gradio_call(server, ["县城新建住宅最高几层", [{"role": "user", "content": [FILE_PART]}], None, None,
                                             "extractive"])
    # Gradio may name the path it refused to read ("Cannot move /proc/self/environ…"); never its content or a URL to it
    assert "/gradio_api/file=" not in streamed and "PATH=" not in streamed and "HOME=" not in streamed
    after = set(cache.rglob("environ")) if cache.is_dir() else set()
    assert after == before  # nothing was copied into Gradio's public cache
    for path in ("/gradio_api/file=/etc/passwd", "/gradio_api/file=/proc/self/environ", "/gradio_api/upload"):
        assert httpx.get(server.url + path).status_code == 404
    upload = httpx.post(f"{server.url}/gradio_api/upload", files={"files": ("a.txt", b"x" * 1000)})
    assert upload.status_code == 404
    # the call itself may be refused (a client error, or Gradio's error event refusing the path), or answered without
    # the file part; never a server error
    refused = 400 <= status < 500 or (status == 200 and "blocked_paths" in streamed)
    assert (status == 200 and "最高不超过18层" in streamed) or refused, (status, streamed[:300])


def test_the_page_answers_with_its_own_state_not_the_clients(make_server: Callable[..., Server]) -> None:
    server = make_server()
    status, streamed = _gradio_call(server, ["县城新建住宅最高几层", None, None, None, "extractive"])  # question, filters, mode
    assert status == 200 and "最高不超过18层" in streamed
    assert "gradio.FileData" not in streamed


def test_cors_only_for_configured_origins_on_every_path(server: Server) -> None:
    for path in ("/api/ask", "/v1/chat/completions", "/gradio_api/queue/join", "/"):
        evil = httpx.options(server.url + path, headers={"Origin": "http://localhost:9999", "Access-Control-Request-Method": "POST"})
        assert evil.status_code == 403 and not any(h.startswith("access-control-") for h in evil.headers), path
        portal = httpx.options(server.url + path, headers={"Origin": PORTAL, "Access-Control-Request-Method": "POST"})
        assert portal.status_code == 204 and portal.headers["access-control-allow-origin"] == PORTAL
        assert "access-control-allow-credentials" not in portal.headers
    answer = httpx.post(f"{server.url}/api/ask", json={"question": "县城新建住宅最高几层"},
                        headers={**AUTH, "Origin": "http://localhost:9999"}, timeout=30)
    assert not any(h.startswith("access-control-") for h in answer.headers)


def _raw_request(port: int, head: str, chunks: int, chunk: bytes) -> tuple[str, int]:
    """Send a chunked body piece by piece; the status line and how many body bytes went out before it came."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(head.encode())
        sent = 0
        connection.settimeout(0.05)
        for _ in range(chunks):
            try:
                reply = connection.recv(4096)
                if reply:
                    return reply.split(b"\r\n")[0].decode(), sent
            except TimeoutError:
                pass
            try:
                connection.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(chunk)
        connection.settimeout(30)
        return connection.recv(4096).split(b"\r\n")[0].decode(), sent


def test_a_chunked_body_is_counted_and_refused_and_a_keyless_one_is_never_read(server: Server) -> None:
    head = "POST /api/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
    status, sent = _raw_request(server.port, head + "\r\n", chunks=2000, chunk=b"x" * 65536)  # 128 MB offered
    assert "401" in status and sent <= 2 * 65536
    status, sent = _raw_request(server.port, head + f"Authorization: Bearer {READER_KEY}\r\n\r\n", chunks=2000, chunk=b"x" * 65536)
    assert "413" in status and sent <= 64 * 1024 + 4 * 65536  # refused once past the 64 KB limit, not at the end
    upload_head = ("POST /api/documents HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                   "Content-Type: multipart/form-data; boundary=x\r\n\r\n")
    status, sent = _raw_request(server.port, upload_head, chunks=2000, chunk=b"x" * 65536)
    assert "401" in status and sent <= 2 * 65536
    assert not list((server.corpus.settings.data_dir / "uploads").glob("*/*"))


def test_rate_limit_is_per_key_not_per_header_spelling_and_covers_the_page(make_server: Callable[..., Server]) -> None:
    server = make_server(api_keys=["key-a"], rate_limit_per_minute=3)
    spellings = ["Bearer key-a", "Bearer   key-a", "bearer key-a", "BEARER\tkey-a"]
    codes = [httpx.get(f"{server.url}/api/documents", headers={"Authorization": s}).status_code for s in spellings]
    assert codes == [200, 200, 200, 429]
    limiter = next(m for m in _middlewares(server) if hasattr(m, "limiter")).limiter
    for n in range(100):  # wrong keys all count against the client address, one bucket
        httpx.get(f"{server.url}/api/documents", headers={"Authorization": f"Bearer wrong-{n}"})
    assert len(limiter) <= 3
    for _ in range(3):
        httpx.post(f"{server.url}/gradio_api/queue/join", json={}, headers={"Authorization": "Bearer key-a"})
    assert httpx.get(f"{server.url}/gradio_api/info", headers={"Authorization": "Bearer key-a"}).status_code == 200  # assets free
    joined = httpx.post(f"{server.url}/gradio_api/queue/join", json={}, headers={"Authorization": "Bearer key-a"})
    assert joined.status_code == 429


def _middlewares(server: Server) -> list:
    stack, found = server.app.middleware_stack, []
    while stack is not None:
        found.append(stack)
        stack = getattr(stack, "app", None)
    return found


def test_unknown_paths_and_methods_get_our_json_errors(server: Server) -> None:
    for method, path, status in [("GET", "/api/nope", 404), ("GET", "/v1/nope", 404), ("PUT", "/api/ask", 405),
                                 ("TRACE", "/api/documents", 405), ("DELETE", "/v1/models", 405)]:
        response = httpx.request(method, server.url + path, headers={"Authorization": f"Bearer {ADMIN_KEY}"})
        assert response.status_code == status, (method, path)
        assert set(response.json()) == ({"error"} if path.startswith("/v1/") else {"code", "message"})  # /v1: OpenAI's shape
    wrong_method = httpx.request("PUT", f"{server.url}/api/documents", headers={"Authorization": f"Bearer {ADMIN_KEY}"})
    assert wrong_method.status_code == 405 and "GET" in wrong_method.headers["allow"]  # says which methods there are


@pytest.mark.parametrize("body", ["[" * 100_00, '{"question": "县城"}'.encode("gbk"), "{broken"])
def test_unparseable_bodies_are_refused_in_chinese(server: Server, body: str | bytes) -> None:
    response = httpx.post(f"{server.url}/api/ask", content=body, headers={**AUTH, "Content-Type": "application/json"})
    assert 400 <= response.status_code < 500
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["message"])


def test_refusals_uploads_and_deletes_are_in_the_audit_log(make_server: Callable[..., Server]) -> None:
    server = make_server(api_keys=[READER_KEY], admin_key=ADMIN_KEY)
    admin = {"Authorization": f"Bearer {ADMIN_KEY}"}
    httpx.get(f"{server.url}/api/documents", headers={"Authorization": "Bearer not-a-key"})
    plan = "某旗供热方案\n一、目标\n到2025年，全旗清洁取暖率达到91%。\n".encode()
    job = httpx.post(f"{server.url}/api/documents?wait=true", files={"file": ("heat.txt", plan)}, headers=admin, timeout=120).json()
    assert job["status"] == "done"
    httpx.delete(f"{server.url}/api/documents/heat?wait=true", headers=admin, timeout=120)
    log = [json.loads(line) for line in server.corpus.settings.audit_log_path.read_text(encoding="utf-8").splitlines()]
    assert {"event": "refused", "status": 401, "key_id": "invalid"}.items() <= log[0].items()
    events = [(e["event"], e.get("result")) for e in log]
    assert ("upload", "done") in events and ("remove", "done") in events
    assert all(ADMIN_KEY not in json.dumps(e) and READER_KEY not in json.dumps(e) for e in log)
    assert httpx.get(f"{server.url}/api/audit", headers=admin).json()[-1]["event"] == "remove"
    assert httpx.get(f"{server.url}/api/audit", headers={"Authorization": f"Bearer {READER_KEY}"}).status_code == 403


def test_keys_may_be_given_as_a_plain_comma_list() -> None:
    from assistant.settings import Settings

    assert Settings(_env_file=None, api_keys="reader-a, reader-b").api_keys == ["reader-a", "reader-b"]
    assert Settings(_env_file=None, api_keys='["reader-a"]').api_keys == ["reader-a"]


def test_a_session_cookie_cannot_be_forged_or_kept_past_expiry() -> None:
    from assistant.interfaces.api.access import Identity, Sessions

    sessions = Sessions()
    cookie = sessions.issue(Identity("reader", "abc"))
    assert sessions.read(cookie) == Identity("reader", "abc")
    assert sessions.read(cookie.replace("reader", "admin", 1)) is None
    assert Sessions().read(cookie) is None  # another process's (or a restarted server's) secret
    assert sessions.read("garbage") is None and sessions.read("") is None
    expired = f"reader.abc.{int(time.time()) - 1}"
    assert sessions.read(f"{expired}.{sessions._sign(expired)}") is None
