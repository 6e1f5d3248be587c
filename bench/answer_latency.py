"""Extractive answer latency on the bundled corpus: p50/p95/p99 over the evaluation questions.

    python -m bench.answer_latency [--rounds 2]

Uses the configured index (run `policy-assistant ingest` first); writes bench/results/answer_latency.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

from assistant.service import PolicyAssistant
from assistant.settings import Settings

DATASET = Path(__file__).resolve().parents[1] / "eval" / "datasets" / "policy_qa.jsonl"
RESULT = Path(__file__).resolve().parent / "results" / "answer_latency.json"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2, help="passes over the question set")
    rounds = parser.parse_args().rounds
    items = [json.loads(line) for line in DATASET.read_text(encoding="utf-8").splitlines() if line.strip()]
    started = time.perf_counter()
    assistant = PolicyAssistant.open(Settings())
    assistant.ask("县城新建住宅最高几层", mode="extractive")  # warm up: first use loads jieba and the model
    warm_up_s = time.perf_counter() - started
    latencies = []
    for _ in range(rounds):
        for item in items:
            begin = time.perf_counter()
            assistant.ask(item["question"], item.get("history", ()), mode="extractive")
            latencies.append((time.perf_counter() - begin) * 1000)
    cuts = statistics.quantiles(latencies, n=100)
    result = {"questions": len(latencies), "p50_ms": round(cuts[49], 1), "p95_ms": round(cuts[94], 1),
              "p99_ms": round(cuts[98], 1), "max_ms": round(max(latencies), 1), "open_and_first_answer_s": round(warm_up_s, 2),
              "machine": f"{os.cpu_count()} cores {platform.machine()}, Python {platform.python_version()}",
              "measured": time.strftime("%Y-%m-%d")}
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
