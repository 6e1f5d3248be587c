"""Uploading bad documents: refused or handled, the index stays consistent, nothing is written
outside the data directory."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import httpx

from tests.conftest import CORPUS
from tests.servers import ADMIN_KEY, Server

ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}
PLAN = "某县城乡建设方案\n一、总体要求\n（一）住宅层数。县城新建住宅最高不超过15层。\n"


def _files_outside(root: Path, data: Path) -> set[str]:
    return {str(Path(folder) / name) for folder, _, names in os.walk(root) for name in names
            if not Path(folder).is_relative_to(data)}


def test_bad_uploads_are_refused_and_the_library_stays_whole(make_server: Callable[..., Server]) -> None:
    server = make_server(admin_key=ADMIN_KEY, max_file_mb=1)
    data = server.corpus.settings.data_dir
    before = _files_outside(data.parent, data)

    def upload(name: str, content: bytes) -> tuple[int, str]:
        response = httpx.post(f"{server.url}/api/documents?wait=true", files={"file": (name, content)}, headers=ADMIN, timeout=120)
        return response.status_code, response.json().get("code", "")

    assert upload("empty.txt", b"") == (400, "bad_document")
    assert upload("image.txt", bytes(range(256)) * 64) == (400, "bad_document")
    assert upload("huge.txt", "政策".encode() * 700_000) == (413, "payload_too_large")
    assert upload("program.exe", PLAN.encode()) == (400, "unsupported_file")
    assert upload("../../etc/passwd", b"root:x:0:0") == (400, "unsupported_file")
    assert upload("again.txt", (CORPUS / "jining-2022-green-development.txt").read_bytes()) == (409, "duplicate_document")
    assert upload("gbk-plan.txt", PLAN.encode("gbk"))[0] == 200
    assert upload("../../outside.txt", PLAN.replace("15", "16").encode())[0] == 200  # stored as outside.txt, inside

    assert _files_outside(data.parent, data) == before
    names = sorted(p.name for p in (data / "corpus").iterdir() if not p.name.startswith("."))
    assert "outside.txt" in names and "gbk-plan.txt" in names and "program.exe" not in names
    listed = httpx.get(f"{server.url}/api/documents").json()
    assert len(listed) == 7
    answer = httpx.post(f"{server.url}/api/ask", json={"question": "某县城新建住宅最高不超过几层"}, timeout=30).json()
    assert answer["answerable"]
