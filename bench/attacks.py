"""The server's memory under the attacks of the security review: huge chunked bodies (with and
without a key) and a flood of requests with distinct made-up keys.

    policy-assistant ingest            # once, if there is no index yet
    python -m bench.attacks [--body-mb 150 --parallel 3 --flood 15000]

Starts `policy-assistant serve` with reader and admin keys on a free loopback port, reads its
resident memory (now and peak) from /proc before and after each attack, and writes
bench/results/attacks.json. Every request goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import threading
import time
from typing import Any

import httpx

from bench.results_file import write_result
from bench.server import free_port, memory_mb, wait_ready

READER, ADMIN = "bench-reader-key", "bench-admin-key"
_CHUNK = b"x" * 65536


def chunked_body(port: int, path: str, key: str, megabytes: int) -> dict[str, Any]:
    """Offer `megabytes` of chunked body; what came back and how much the server took before answering."""
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
            + (f"Authorization: Bearer {key}\r\n" if key else "") + "\r\n")
    sent, status = 0, ""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as connection:
        connection.sendall(head.encode())
        connection.settimeout(0.01)
        for _ in range(megabytes * 16):
            try:
                reply = connection.recv(4096)
                if reply:
                    status = reply.split(b"\r\n")[0].decode()
                    break
            except TimeoutError:
                pass
            try:
                connection.sendall(f"{len(_CHUNK):x}\r\n".encode() + _CHUNK + b"\r\n")
            except OSError:
                break
            sent += len(_CHUNK)
        if not status:
            connection.settimeout(60)
            status = connection.recv(4096).split(b"\r\n")[0].decode()
    return {"status": status, "sent_mb_before_answer": round(sent / 2**20, 2)}


def parallel(count: int, work: Any) -> list[Any]:
    results: list[Any] = [None] * count

    def run(i: int) -> None:
        results[i] = work()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--body-mb", type=int, default=150)
    parser.add_argument("--parallel", type=int, default=3)
    parser.add_argument("--flood", type=int, default=15000)
    args = parser.parse_args()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    environment = {**os.environ, "POLICY_API_KEYS": f'["{READER}"]', "POLICY_ADMIN_KEY": ADMIN}
    process = subprocess.Popen([sys.executable, "-m", "assistant.interfaces.cli", "serve", "--port", str(port)], env=environment,
                               stdout=subprocess.DEVNULL)
    result: dict[str, Any] = {}
    try:
        wait_ready(f"{url}/readyz", process)
        result["idle"] = memory_mb(process.pid)
        for name, path, key in (("ask_without_key", "/api/ask", ""), ("ask_with_reader_key", "/api/ask", READER),
                                ("upload_without_key", "/api/documents", ""), ("upload_with_admin_key", "/api/documents", ADMIN)):
            started = time.perf_counter()
            replies = parallel(args.parallel, lambda p=path, k=key: chunked_body(port, p, k, args.body_mb))
            result[name] = {"offered_mb": args.body_mb * args.parallel, "replies": replies,
                            "seconds": round(time.perf_counter() - started, 2), "memory": memory_mb(process.pid)}
        started = time.perf_counter()
        with httpx.Client(base_url=url, timeout=10) as client:
            codes: dict[int, int] = {}
            for n in range(args.flood):
                code = client.get("/api/documents", headers={"Authorization": f"Bearer made-up-{n}"}).status_code
                codes[code] = codes.get(code, 0) + 1
        result["header_flood"] = {"requests": args.flood, "status_codes": codes,
                                  "seconds": round(time.perf_counter() - started, 1), "memory": memory_mb(process.pid)}
    finally:
        process.terminate()
        process.wait(timeout=30)
    write_result("attacks", result)


if __name__ == "__main__":
    main()
