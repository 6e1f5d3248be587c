"""A real uvicorn server on a free loopback port (tests start it through the make_server fixture)."""

from __future__ import annotations

import socket
import threading
import time

import uvicorn

from assistant.application.corpus_service import CorpusService
from assistant.interfaces.api.app import create_app
from assistant.settings import Settings
from vectorstore.embedders import Embedder

READER_KEY, ADMIN_KEY = "reader-key-123", "admin-key-456"
PORTAL = "https://portal.example.gov.cn"


class Server:
    def __init__(self, settings: Settings, embedder: Embedder) -> None:
        corpus = CorpusService(settings, embedder)
        corpus.open()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.corpus = corpus
        self.app = create_app(settings, corpus)
        self._server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning"))
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert self._server.started, "server did not start"
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
