"""A small OpenAI-compatible chat server on loopback: the only stand-in for the remote LLM.

It answers /v1/chat/completions (streaming or not) from a queue of canned replies, can be slow,
fail, or send garbage, and keeps every request so tests can see the prompt the model received.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    text: str = "现有文件中没有找到相关规定。"
    delay_s: float = 0.0
    status: int = 200
    garbage: bool = False


class FakeLLM:
    def __init__(self) -> None:
        self.replies: list[Reply] = []
        self.requests: list[dict[str, Any]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        # polled every 50 ms, so that stop() returns at once (the default 0.5 s poll adds that to every test)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def start(self) -> FakeLLM:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def prompt(self, index: int = -1) -> str:
        """All message contents of a received request, joined."""
        return "\n".join(m["content"] for m in self.requests[index]["messages"])

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self._send(200, {"object": "list", "data": [{"id": "fake", "object": "model", "owned_by": "test"}]})

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                fake.requests.append(body)
                reply = fake.replies.pop(0) if fake.replies else Reply()
                time.sleep(reply.delay_s)
                if reply.status != 200:
                    self._send(reply.status, {"error": {"message": "server error", "type": "server_error"}})
                elif reply.garbage:
                    self._raw(200, b"<html>502 Bad Gateway</html>", "text/html")
                elif body.get("stream"):
                    self._stream(body["model"], reply.text)
                else:
                    self._send(200, _completion(body["model"], reply.text))

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                self._raw(status, json.dumps(payload, ensure_ascii=False).encode(), "application/json")

            def _raw(self, status: int, data: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, model: str, text: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                pieces = [text[i:i + 6] for i in range(0, len(text), 6)]
                for piece in pieces:
                    self.wfile.write(f"data: {json.dumps(_chunk(model, piece, None), ensure_ascii=False)}\n\n".encode())
                self.wfile.write(f"data: {json.dumps(_chunk(model, '', 'stop'))}\n\ndata: [DONE]\n\n".encode())

        return Handler


def _completion(model: str, text: str) -> dict[str, Any]:
    return {"id": "chatcmpl-fake", "object": "chat.completion", "created": 0, "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}


def _chunk(model: str, text: str, finish_reason: str | None) -> dict[str, Any]:
    return {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 0, "model": model,
            "choices": [{"index": 0, "delta": {"role": "assistant", "content": text}, "finish_reason": finish_reason}]}
