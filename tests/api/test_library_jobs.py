"""Uploads and deletes as jobs: progress, cancel, one identity per document, and writes that are
all-or-nothing — through a real server, a real index, and a real process killed half-way."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from assistant.application.corpus_service import CorpusService
from assistant.settings import Settings
from bench.server import free_port, wait_ready
from tests.conftest import CORPUS
from tests.servers import ADMIN_KEY, Server
from vectorstore.embedders import Embedder

ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}
CHIFENG = "chifeng-2023-green-development.txt"


def _long_plan(items: int = 120) -> bytes:
    """A new plan whose every item is its own clause: indexing it takes a while (the embedder is slow)."""
    lines = ["某新区城乡建设专项行动方案", "一、重点任务"]
    lines += [f"{n}.第{n}项任务。到2027年，某新区第{n}片区新建绿色建筑{n + 3}万平方米，改造供热管网{n * 2}公里，"
              f"由区住房和城乡建设局牵头负责第{n}项。" for n in range(1, items + 1)]
    return "\n".join(lines).encode()


def _job(server: Server, job_id: str) -> dict:
    return httpx.get(f"{server.url}/api/jobs/{job_id}", headers=ADMIN).json()


def _corpus(server: Server) -> list[str]:
    return sorted(p.name for p in server.corpus.settings.corpus_path.iterdir())


def test_a_new_version_in_another_format_or_case_replaces_the_old_one(make_server: Callable[..., Server]) -> None:
    server = make_server(admin_key=ADMIN_KEY)
    text = (CORPUS / CHIFENG).read_text(encoding="utf-8").replace("最高不超过18层", "最高不超过16层")
    response = httpx.post(f"{server.url}/api/documents", files={"file": (CHIFENG.upper(), text.encode())}, headers=ADMIN)
    assert response.status_code == 202 and response.headers["location"] == f"/api/jobs/{response.json()['id']}"
    job = response.json()
    while job["status"] not in ("done", "failed", "cancelled"):
        time.sleep(0.2)
        job = _job(server, job["id"])
    assert job["status"] == "done" and job["replaced"] == [CHIFENG] and job["document"]["doc_id"] == CHIFENG[:-4]
    assert CHIFENG not in _corpus(server) and CHIFENG.upper()[:-4] + ".txt" in _corpus(server)
    assert list((server.corpus.settings.data_dir / "removed").glob(f"*{CHIFENG}"))
    documents = httpx.get(f"{server.url}/api/documents").json()
    assert len(documents) == 5
    answer = httpx.post(f"{server.url}/api/ask", json={"question": "赤峰县城新建住宅最高几层"}, timeout=30).json()
    direct = answer["answer"].split("**依据**")[0]
    assert "最高不超过16层" in direct and "最高不超过18层" not in direct
    assert [c["doc_id"] for c in answer["citations"]] == [CHIFENG[:-4]]  # one 赤峰, not the old and the new


def test_a_cancelled_upload_leaves_the_library_as_it_was(make_server: Callable[..., Server]) -> None:
    server = make_server(admin_key=ADMIN_KEY)
    corpus_before = _corpus(server)
    job = httpx.post(f"{server.url}/api/documents", files={"file": ("new-area.txt", _long_plan())}, headers=ADMIN).json()
    deadline = time.monotonic() + 120
    while _job(server, job["id"])["status"] != "indexing":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert _job(server, job["id"])["total"] >= 100
    assert httpx.delete(f"{server.url}/api/jobs/{job['id']}", headers=ADMIN).status_code == 200
    while not (finished := _job(server, job["id"]))["finished"]:
        time.sleep(0.1)
    assert finished["status"] == "cancelled" and "未改动" in finished["message"]
    assert _corpus(server) == corpus_before
    assert len(httpx.get(f"{server.url}/api/documents").json()) == 5
    assert not list((server.corpus.settings.data_dir / "uploads").rglob("*.txt"))
    assert httpx.delete(f"{server.url}/api/jobs/{job['id']}", headers=ADMIN).status_code == 409


def test_refused_uploads_report_why_and_leave_nothing_behind(make_server: Callable[..., Server]) -> None:
    server = make_server(admin_key=ADMIN_KEY, max_document_chunks=20)
    corpus_before = _corpus(server)

    def upload(name: str, content: bytes) -> dict:
        response = httpx.post(f"{server.url}/api/documents?wait=true", files={"file": (name, content)}, headers=ADMIN, timeout=60)
        return {**response.json(), "http": response.status_code}

    too_long = upload("long.txt", _long_plan(40))
    assert (too_long["http"], too_long["code"]) == (413, "document_too_long") and "拆分" in too_long["message"]
    long_name = "某" * 90 + "方案" * 10 + ".txt"  # 300 bytes: more than a file system takes
    named = upload(long_name, "某县方案\n一、目标\n到2025年，全县清洁取暖率达到95%。\n".encode())
    assert named["http"] == 200 and len(named["document"]["source_file"].encode()) < 255
    (server.corpus.settings.corpus_path / "manifest.json").write_text("{broken", encoding="utf-8")
    manifest = upload("other.txt", "某旗方案\n一、目标\n到2025年，全旗清洁取暖率达到96%。\n".encode())
    assert (manifest["http"], manifest["code"]) == (409, "bad_manifest")
    assert _corpus(server) == sorted({*corpus_before, named["document"]["source_file"], "manifest.json"})
    assert not any(name.startswith(".") for name in _corpus(server))


def test_a_corpus_file_that_cannot_be_indexed_is_reported_and_deletable(tmp_path: Path, corpus_index_dir: Path,
                                                                          embedder: Embedder) -> None:
    data = tmp_path / "data"
    shutil.copytree(CORPUS, data / "corpus")
    shutil.copytree(corpus_index_dir, data / "index")
    (data / "corpus" / "scan.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(4000))
    corpus = CorpusService(Settings(_env_file=None, data_dir=data), embedder)
    corpus.open()  # the bad file does not block the others
    assert len(corpus.assistant.documents) == 5
    assert [Path(s.path).name for s in corpus.refused] == ["scan.pdf"]
    corpus.remove_refused("scan.pdf")
    assert not (data / "corpus" / "scan.pdf").exists() and list((data / "removed").glob("*scan.pdf"))


def _limit_file_size(megabytes: int) -> Callable[[], None]:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (megabytes * 2**20, megabytes * 2**20))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead of killing us

    return limit


@pytest.mark.system  # a child process with a file size limit
def test_a_delete_that_cannot_be_written_leaves_the_document_in_place(tmp_path: Path, corpus_index_dir: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(CORPUS, data / "corpus")
    shutil.copytree(corpus_index_dir, data / "index")
    script = ("from assistant.application.corpus_service import CorpusService; from assistant.settings import Settings\n"
              f"corpus = CorpusService(Settings(_env_file=None, data_dir={str(data)!r}))\n"
              "corpus.open()\n"
              "try:\n    corpus.remove('jining-2022-green-development')\nexcept Exception as error:\n"
              "    print('FAILED', type(error).__name__, error)\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICY_")}
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
                            preexec_fn=_limit_file_size(1))  # a build writes far more than 1 MB
    assert "FAILED" in result.stdout, result.stdout + result.stderr
    assert (data / "corpus" / "jining-2022-green-development.txt").exists()
    assert not (data / "removed").exists() or not list((data / "removed").iterdir())


@pytest.mark.system  # a server process, killed with SIGKILL
def test_an_upload_killed_half_way_is_reported_as_interrupted_after_restart(tmp_path: Path, corpus_index_dir: Path,
                                                                              embedder: Embedder) -> None:
    data = tmp_path / "data"
    shutil.copytree(CORPUS, data / "corpus")
    shutil.copytree(corpus_index_dir, data / "index")
    port = free_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("POLICY_")}, "POLICY_DATA_DIR": str(data),
           "POLICY_ADMIN_KEY": ADMIN_KEY}
    process = subprocess.Popen([sys.executable, "-m", "assistant.interfaces.cli", "serve", "--port", str(port)], cwd=tmp_path, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_ready(f"{url}/readyz", process)
        job = httpx.post(f"{url}/api/documents", files={"file": ("new-area.txt", _long_plan())}, headers=ADMIN).json()
        deadline = time.monotonic() + 120
        while httpx.get(f"{url}/api/jobs/{job['id']}", headers=ADMIN).json()["status"] != "indexing":
            assert time.monotonic() < deadline
            time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    corpus = CorpusService(Settings(_env_file=None, data_dir=data), embedder)
    corpus.open()
    assert "new-area.txt" not in os.listdir(data / "corpus") and "new-area" not in corpus.assistant.documents
    interrupted = corpus.jobs.get(job["id"])
    assert interrupted is not None and (interrupted.status, interrupted.code) == ("failed", "interrupted")
    assert not (data / "uploads").exists()
