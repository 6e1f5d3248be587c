"""Beyond one process: vectors on a Chroma server (`chroma run` on loopback), the API served by
several uvicorn workers sharing it and the index folder. An upload through one worker must be
answered by every worker; a removed build's collection must leave the server. A stopped Chroma server
is reported (503 to questions and to /readyz) until it runs again."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from bench.server import free_port, wait_ready
from tests.conftest import CORPUS
from tests.servers import Server
from tests.vectorstore.readme_snippet import run_readme_snippet

ADMIN = "admin-key-chroma"
NEW_DOCUMENT = "某旗冬季清洁取暖方案\n一、工作目标\n到2026年，全旗清洁取暖率达到91%。\n"
_STOP_TIMEOUT_S = 30
_WORKERS_UP_TIMEOUT_S = 120  # each worker opens the index itself, after the first one already answers
pytestmark = pytest.mark.system  # `chroma run` and a two-worker server, as real processes


def _start(command: list[str], cwd: Path, environment: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """A child process in `cwd` (an empty folder: no .env is read there)."""
    return subprocess.Popen(command, cwd=cwd, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=_STOP_TIMEOUT_S)


def _run_chroma(folder: Path, port: int) -> subprocess.Popen[bytes]:
    """`chroma run` on loopback keeping its data in `folder`, once it answers."""
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent))
    assert chroma, "the chroma CLI comes with the chromadb package"
    process = _start([chroma, "run", "--path", str(folder), "--host", "127.0.0.1", "--port", str(port)], folder)
    wait_ready(f"http://127.0.0.1:{port}/api/v2/heartbeat", process)
    return process


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    process = _run_chroma(tmp_path_factory.mktemp("chroma-server"), port)
    yield f"http://127.0.0.1:{port}"
    _stop(process)


@pytest.fixture(scope="module")
def workers_url(chroma_url: str, tmp_path_factory: pytest.TempPathFactory, corpus_index_dir: Path) -> Iterator[str]:
    data = tmp_path_factory.mktemp("shared-data")
    shutil.copytree(CORPUS, data / "corpus")
    (data / "index").mkdir()
    shutil.copy(corpus_index_dir / "embeddings.sqlite", data / "index")  # vectors cached: nothing is embedded again
    port = free_port()
    environment = {"POLICY_DATA_DIR": str(data), "POLICY_CHROMA_URL": chroma_url, "POLICY_ADMIN_KEY": ADMIN,
                   "POLICY_RATE_LIMIT_PER_MINUTE": "0", "POLICY_ANSWER_MODE": "extractive", "PATH": str(Path(sys.executable).parent)}
    process = _start([sys.executable, "-m", "assistant.interfaces.cli", "serve", "--workers", "2", "--port", str(port)],
                     tmp_path_factory.mktemp("workers-cwd"), environment)
    url = f"http://127.0.0.1:{port}"
    wait_ready(f"{url}/readyz", process)  # one worker answers; the other may still be opening the index
    _answering_workers(url, 2)
    yield url
    _stop(process)


def _answering_workers(url: str, expected: int) -> set[int]:
    """The worker pids seen answering /healthz (a new connection each time), polled until `expected`
    of them have answered or `_WORKERS_UP_TIMEOUT_S` has passed."""
    seen: set[int] = set()
    deadline = time.monotonic() + _WORKERS_UP_TIMEOUT_S
    while len(seen) < expected and time.monotonic() < deadline:
        seen.add(httpx.get(f"{url}/healthz").json()["worker"])
        time.sleep(0.05)  # leave the CPU to the worker still starting
    return seen


def _collections(chroma_url: str) -> set[str]:
    listed = httpx.get(f"{chroma_url}/api/v2/tenants/default_tenant/databases/default_database/collections").json()
    return {collection["name"] for collection in listed}


def _ask(url: str, question: str) -> dict:
    response = httpx.post(f"{url}/api/ask", json={"question": question}, timeout=30)  # a new connection each time
    assert response.status_code == 200, response.text
    return response.json()


def test_several_workers_answer_from_the_chroma_server(workers_url: str, chroma_url: str) -> None:
    assert len(_answering_workers(workers_url, 2)) == 2
    assert len(_collections(chroma_url)) == 1  # the vectors live on the server, one collection per build
    for _ in range(10):
        answer = _ask(workers_url, "县城新建住宅最高几层")
        assert "18层" in answer["answer"]
        assert {"chifeng-2023-green-development", "tongliao-2023-green-development"} <= {c["doc_id"] for c in answer["citations"]}


def test_an_upload_through_one_worker_is_answered_by_every_worker(workers_url: str, chroma_url: str) -> None:
    before = _collections(chroma_url)
    uploaded = httpx.post(f"{workers_url}/api/documents?wait=true", headers={"Authorization": f"Bearer {ADMIN}"},
                          files={"file": ("qi-heating.txt", NEW_DOCUMENT.encode())}, timeout=120)
    assert uploaded.status_code == 200, uploaded.text
    # At once, on new connections, while the other worker is still loading the new build: every answer is from it.
    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(lambda _: httpx.get(f"{workers_url}/api/documents/qi-heating", timeout=60).status_code, range(24)))
    assert statuses == [200] * 24
    for _ in range(20):  # keyword and vector search both come from the new build in whichever worker answers
        answer = _ask(workers_url, "全旗清洁取暖率要达到多少")
        assert answer["answerable"] and "91%" in answer["answer"]
        assert answer["citations"][0]["doc_id"] == "qi-heating"

    removed = httpx.delete(f"{workers_url}/api/documents/qi-heating?wait=true", headers={"Authorization": f"Bearer {ADMIN}"}, timeout=120)
    assert removed.status_code == 200
    for _ in range(20):
        assert "qi-heating" not in {c["doc_id"] for c in _ask(workers_url, "全旗清洁取暖率要达到多少")["citations"]}
    after = _collections(chroma_url)
    assert len(after) == 2 and not before & after  # the live build and the one it replaced; the first one dropped


def _readyz_once(url: str, status: int) -> httpx.Response:
    """/readyz once it answers `status`: it asks the Chroma server at most every 1.5 s, so a change shows within that."""
    deadline = time.monotonic() + 10
    while (response := httpx.get(f"{url}/readyz")).status_code != status and time.monotonic() < deadline:
        time.sleep(0.1)
    assert response.status_code == status, response.text
    return response


def test_a_stopped_chroma_server_is_reported_until_it_returns(make_server: Callable[..., Server], tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """While `chroma run` is stopped, corpus-wide questions get 503 with a Chinese message and /readyz says why;
    both recover by themselves once it runs again on the same port and folder. One server process: what is
    tested is each process's own connection to Chroma."""
    port, folder = free_port(), tmp_path / "chroma"
    folder.mkdir()
    url = f"http://127.0.0.1:{port}"
    chroma = _run_chroma(folder, port)
    try:
        server = make_server(chroma_url=url)  # its index is rebuilt onto the server, the vectors from the cache
        _stop(chroma)
        down = _readyz_once(server.url, 503).json()
        assert down["ready"] is False and down["reason"].startswith(f"无法连接 Chroma 服务器 {url}")
        asked = httpx.post(f"{server.url}/api/ask", json={"question": "县城新建住宅最高几层"}, timeout=30)
        assert asked.status_code == 503, asked.text
        assert asked.json() == {"code": "vector_server_unavailable", "message": down["reason"]}

        chroma = _run_chroma(folder, port)
        assert _readyz_once(server.url, 200).json() == {"ready": True, "documents": 5}
        assert "18层" in _ask(server.url, "县城新建住宅最高几层")["answer"]
        # the README's snippet, server branch: the live build's collection, found with the project's embedder
        hits = run_readme_snippet(monkeypatch, POLICY_INDEX_DIR=str(server.corpus.settings.index_path), POLICY_CHROMA_URL=url)["hits"]
        assert {m["doc_number"] for m in hits["metadatas"][0]} == {"赤政办发〔2023〕61号"}
    finally:
        _stop(chroma)
