"""Faults: an ingest killed half-way, a damaged index, a full disk, and secrets that must not leak."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from assistant.application.assistant_service import PolicyAssistant
from assistant.settings import Settings
from tests.conftest import CORPUS
from tests.servers import Server
from vectorstore.embedders import Embedder
from vectorstore.index import PolicyIndex, current_build

QUESTION = "县城新建住宅最高几层"
pytestmark = pytest.mark.system  # the CLI runs as a child process: killed, out of disk space


@pytest.fixture
def data_dir(tmp_path: Path, corpus_index_dir: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(CORPUS, data / "corpus")
    shutil.copytree(corpus_index_dir, data / "index")
    return data


def _cli(data: Path, *args: str, limit: Callable[[], None] | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI in a child process: our environment (no POLICY_* left, see conftest) and a folder with no .env."""
    env = {**os.environ, "POLICY_DATA_DIR": str(data), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "assistant.interfaces.cli", *args], cwd=data.parent, env=env, capture_output=True,
                           text=True, timeout=600, preexec_fn=limit)


def _add_new_document(data: Path) -> None:
    """A new ~60-clause document (通辽's text for another city): its ingest must embed for a while."""
    text = (CORPUS / "tongliao-2023-green-development.txt").read_text(encoding="utf-8").replace("通辽", "某新市")
    (data / "corpus" / "new-city.txt").write_text(text, encoding="utf-8")


def _cached_vectors(data: Path) -> int:
    try:
        with sqlite3.connect(data / "index" / "embeddings.sqlite", timeout=1) as db:
            return db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
    except sqlite3.OperationalError:  # the ingest holds the write lock this instant
        return 0


def _answers(data: Path, embedder: Embedder) -> PolicyIndex:
    index = PolicyIndex.open(data / "index", embedder)
    assert "最高不超过18层" in PolicyAssistant(index, Settings()).ask(QUESTION).answer
    return index


def test_killed_ingest_keeps_the_previous_index_and_a_retry_completes(data_dir: Path, embedder: Embedder) -> None:
    _add_new_document(data_dir)
    before, build = _cached_vectors(data_dir), current_build(data_dir / "index")
    env = {**os.environ, "POLICY_DATA_DIR": str(data_dir)}
    process = subprocess.Popen([sys.executable, "-m", "assistant.interfaces.cli", "ingest"], cwd=data_dir.parent, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while _cached_vectors(data_dir) < before + 16:  # killed once its first batch of vectors is stored
        assert process.poll() is None and time.monotonic() < deadline, "ingest ended before it could be killed"
        time.sleep(0.2)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert current_build(data_dir / "index") == build
    assert "new-city" not in _answers(data_dir, embedder).documents  # every question is served as before
    retry = _cli(data_dir, "ingest")
    assert retry.returncode == 0, retry.stdout + retry.stderr
    assert "new-city" in _answers(data_dir, embedder).documents
    assert not [p for p in (data_dir / "index" / "builds").iterdir() if p.name.endswith(".partial")]


@pytest.mark.parametrize("damage", ["deleted", "garbage"])
def test_damaged_index_says_so_and_rebuild_fixes_it(data_dir: Path, damage: str) -> None:
    chroma = current_build(data_dir / "index") / "chroma"
    if damage == "deleted":
        shutil.rmtree(chroma)
    else:
        (chroma / "chroma.sqlite3").write_bytes(b"\x00garbage" * 1000)
    broken = _cli(data_dir, "ask", QUESTION)
    assert broken.returncode == 1 and "索引已损坏" in broken.stdout and "ingest --rebuild" in broken.stdout
    assert "Traceback" not in broken.stdout + broken.stderr
    assert _cli(data_dir, "ingest", "--rebuild").returncode == 0
    fixed = _cli(data_dir, "ask", QUESTION)
    assert fixed.returncode == 0 and "最高不超过18层" in fixed.stdout


def _small_disk() -> None:
    """A disk that fills up: no file may grow past 256 KB (and the write fails instead of killing us)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, 256 * 1024))


def test_full_disk_during_ingest_is_a_clear_error_and_the_old_index_is_intact(data_dir: Path, embedder: Embedder) -> None:
    _add_new_document(data_dir)
    build = current_build(data_dir / "index")
    result = _cli(data_dir, "ingest", limit=_small_disk)
    assert result.returncode == 1 and "写入索引失败" in result.stdout and "原有索引未改动" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert current_build(data_dir / "index") == build
    assert "new-city" not in _answers(data_dir, embedder).documents
    assert not [p for p in (data_dir / "index" / "builds").iterdir() if p.name.endswith(".partial")]


def test_the_llm_key_never_leaks(make_server: Callable[..., Server], caplog: pytest.LogCaptureFixture) -> None:
    secret = "sk-do-not-leak-4242"
    server = make_server(llm_base_url="http://127.0.0.1:9/v1", llm_model="qwen", llm_api_key=secret)
    answer = httpx.post(f"{server.url}/api/ask", json={"question": QUESTION, "mode": "llm"}, timeout=60)
    assert answer.status_code == 200 and "大模型服务不可用" in answer.json()["notice"]
    pages = [answer.text, httpx.get(f"{server.url}/openapi.json").text, httpx.get(f"{server.url}/readyz").text,
             caplog.text, repr(server.corpus.settings)]
    assert not any(secret in page for page in pages)
