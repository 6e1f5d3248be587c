"""The real server: start to ready with an existing index, and its memory under load.

    policy-assistant ingest            # once, if there is no index yet
    python -m bench.server [--questions 400 --clients 8]

Starts `policy-assistant serve` on a free loopback port (extractive mode, no rate limit), times it
until /readyz answers, asks the evaluation questions, and reads the server's resident memory (now
and peak) from /proc. Writes bench/results/server.json.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bench.load_test import questions, run_load
from bench.results_file import write_result


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_ready(ready_url: str, process: subprocess.Popen[bytes], timeout_s: float = 120) -> float:
    """Seconds until `ready_url` answers 200; raises if the process dies or time runs out."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout_s:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} exited with {process.returncode}")
        try:
            if httpx.get(ready_url, timeout=1).status_code == 200:
                return time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{ready_url} was not ready within {timeout_s:.0f} s")


def memory_mb(pid: int) -> dict[str, float]:
    """Resident memory now (VmRSS) and at its peak (VmHWM), in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return {name: round(int(fields[key].split()[0]) / 1024, 1) for name, key in (("rss_mb", "VmRSS"), ("peak_rss_mb", "VmHWM"))}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=400)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    environment = {**os.environ, "POLICY_RATE_LIMIT_PER_MINUTE": "0", "POLICY_ANSWER_MODE": "extractive"}
    process = subprocess.Popen([sys.executable, "-m", "assistant.interfaces.cli", "serve", "--port", str(port)], env=environment)
    try:
        ready_s = wait_ready(f"{url}/readyz", process)
        idle = memory_mb(process.pid)
        load = run_load(url, questions(args.questions), args.clients)
        loaded = memory_mb(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)
    write_result("server", {"start_to_ready_s": round(ready_s, 2), "idle": idle, "after_load": loaded, "load": load})


if __name__ == "__main__":
    main()
