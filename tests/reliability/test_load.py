"""Bounded load on the real server, and queries while a document is being added (short form; the
long form is bench/load_test.py)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import httpx

from bench.load_test import questions, run_load
from tests.servers import ADMIN_KEY, Server


def test_twenty_clients_lose_nothing(make_server: Callable[..., Server]) -> None:
    server = make_server(rate_limit_per_minute=0)
    result = run_load(server.url, questions(200), clients=20)
    print(f"\nload: {result}")
    assert (result["ok"], result["errors"], result["lost"]) == (200, 0, 0)


def test_queries_during_an_upload_all_succeed_and_the_new_document_appears_at_once(
        make_server: Callable[..., Server]) -> None:
    server = make_server(rate_limit_per_minute=0, admin_key=ADMIN_KEY)
    seen_counts: set[int] = set()
    failures: list[str] = []
    uploading = threading.Event()
    uploading.set()

    def query() -> None:
        while uploading.is_set():
            listed = httpx.get(f"{server.url}/api/documents", timeout=30)
            asked = httpx.post(f"{server.url}/api/ask", json={"question": "县城新建住宅最高几层"}, timeout=30)
            if listed.status_code != 200 or asked.status_code != 200:
                failures.append(f"{listed.status_code}/{asked.status_code}")
            else:
                seen_counts.add(len(listed.json()))

    readers = [threading.Thread(target=query) for _ in range(6)]
    for reader in readers:
        reader.start()
    plan = "某旗冬季清洁取暖方案\n一、工作目标\n到2025年，全旗清洁取暖率达到96%。\n".encode()
    upload = httpx.post(f"{server.url}/api/documents?wait=true", files={"file": ("banner-heating.txt", plan)},
                        headers={"Authorization": f"Bearer {ADMIN_KEY}"}, timeout=300)
    uploading.clear()
    for reader in readers:
        reader.join()
    assert upload.status_code == 200 and not failures
    assert seen_counts <= {5, 6}  # each response saw the old corpus or the new one, never a mix
    answer = httpx.post(f"{server.url}/api/ask", json={"question": "全旗清洁取暖率到2025年达到多少"}, timeout=30).json()
    assert "96%" in answer["answer"]
