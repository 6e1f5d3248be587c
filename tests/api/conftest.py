"""A real uvicorn server on a free loopback port, serving the session's corpus index."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn

from assistant.api.app import create_app
from assistant.library import Library
from assistant.settings import Settings
from tests.conftest import CORPUS
from vectorstore.embedders import Embedder

READER_KEY, ADMIN_KEY = "reader-key-123", "admin-key-456"
PORTAL = "https://portal.example.gov.cn"


class Server:
    def __init__(self, settings: Settings, embedder: Embedder) -> None:
        library = Library(settings, embedder)
        library.open()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.library = library
        self._server = uvicorn.Server(uvicorn.Config(create_app(settings, library), host="127.0.0.1", port=self.port,
                                                     log_level="warning"))
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


@pytest.fixture(scope="session")
def make_server(tmp_path_factory: pytest.TempPathFactory, corpus_index_dir: Path,
                embedder: Embedder) -> Iterator[Callable[..., Server]]:
    """Start servers on private copies of the corpus and its index, with the given settings."""
    servers: list[Server] = []

    def start(**overrides: object) -> Server:
        data = tmp_path_factory.mktemp("served")
        shutil.copytree(CORPUS, data / "corpus")
        shutil.copytree(corpus_index_dir, data / "index")
        server = Server(Settings(**{"data_dir": data, **overrides}), embedder).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def server(make_server: Callable[..., Server]) -> Server:
    """The secured configuration a portal would run: reader keys, an admin key, one allowed origin."""
    return make_server(api_keys=[READER_KEY], admin_key=ADMIN_KEY, cors_origins=[PORTAL])
