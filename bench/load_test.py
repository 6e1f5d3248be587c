"""Load test against a running server on loopback: N concurrent clients, a fixed number of
questions, stopping by itself; reports errors, lost responses and latency percentiles.

    policy-assistant serve &          # (POLICY_RATE_LIMIT_PER_MINUTE=0 for a load test)
    python -m bench.load_test --url http://127.0.0.1:7860 --clients 20 --questions 1000

Writes bench/results/load_test.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from itertools import cycle, islice
from pathlib import Path

import httpx

DATASET = Path(__file__).resolve().parents[1] / "eval" / "datasets" / "policy_qa.jsonl"
RESULT = Path(__file__).resolve().parent / "results" / "load_test.json"


def questions(count: int) -> list[str]:
    items = [json.loads(line)["question"] for line in DATASET.read_text(encoding="utf-8").splitlines() if line.strip()]
    return list(islice(cycle(items), count))


def run_load(url: str, asked: list[str], clients: int, headers: dict[str, str] | None = None,
             timeout_s: float = 60) -> dict[str, float]:
    """Ask every question once, `clients` at a time; count what came back and how fast."""
    def ask(question: str) -> tuple[int, float, str]:
        started = time.perf_counter()
        try:
            response = httpx.post(f"{url}/api/ask", json={"question": question, "mode": "extractive"}, headers=headers,
                                  timeout=timeout_s)
            echoed = response.json().get("question", "") if response.status_code == 200 else ""
            return response.status_code, time.perf_counter() - started, echoed
        except httpx.HTTPError:
            return 0, time.perf_counter() - started, ""

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(ask, asked))
    elapsed = time.perf_counter() - started
    latencies = sorted(seconds * 1000 for _, seconds, _ in results)
    cuts = statistics.quantiles(latencies, n=100)
    return {"questions": len(asked), "clients": clients, "ok": sum(status == 200 for status, _, _ in results),
            "errors": sum(status != 200 for status, _, _ in results),
            "lost": sum(status == 200 and echoed != q.strip() for (status, _, echoed), q in zip(results, asked)),
            "p50_ms": round(cuts[49], 1), "p95_ms": round(cuts[94], 1), "max_ms": round(latencies[-1], 1),
            "throughput_per_s": round(len(asked) / elapsed, 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:7860")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--key", help="API key, if the server needs one")
    args = parser.parse_args()
    headers = {"Authorization": f"Bearer {args.key}"} if args.key else None
    result = run_load(args.url, questions(args.questions), args.clients, headers)
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
