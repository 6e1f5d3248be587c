"""Extractive answer latency on the bundled corpus, warm: p50/p95/p99 over 200 mixed questions.

    python -m bench.answer_latency [--questions 200]

The questions are the evaluation set's (facts, figures, departments, comparisons, paraphrases,
unanswerable, follow-ups), then the same again reworded ("请问…") so no answer comes from a cache.
Uses the configured index (run `policy-assistant ingest` first); writes bench/results/answer_latency.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from itertools import cycle, islice
from pathlib import Path
from typing import Any

from assistant.application.assistant_service import PolicyAssistant
from assistant.settings import Settings
from bench.results_file import write_result

DATASET = Path(__file__).resolve().parents[1] / "eval" / "datasets" / "policy_qa.jsonl"
_REWORDINGS = ("{}", "请问{}", "{}？", "想了解一下，{}")


def mixed_questions(count: int) -> list[dict[str, Any]]:
    """`count` distinct evaluation items (question and any conversation history)."""
    items = [json.loads(line) for line in DATASET.read_text(encoding="utf-8").splitlines() if line.strip()]
    reworded = ({**item, "question": wording.format(item["question"])} for wording in _REWORDINGS for item in items)
    return list(islice(cycle(reworded), count))


def percentiles(milliseconds: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(milliseconds, n=100)
    return {"p50_ms": round(cuts[49], 1), "p95_ms": round(cuts[94], 1), "p99_ms": round(cuts[98], 1),
            "max_ms": round(max(milliseconds), 1)}


def time_answers(assistant: PolicyAssistant, items: list[dict[str, Any]]) -> list[float]:
    """Milliseconds per extractive answer."""
    latencies = []
    for item in items:
        begin = time.perf_counter()
        assistant.ask(item["question"], item.get("history", ()), mode="extractive")
        latencies.append((time.perf_counter() - begin) * 1000)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=200)
    items = mixed_questions(parser.parse_args().questions)
    started = time.perf_counter()
    assistant = PolicyAssistant.open(Settings())
    assistant.index.warm_up()
    open_s = time.perf_counter() - started
    latencies = time_answers(assistant, items)
    write_result("answer_latency", {"questions": len(latencies), "chunks": len(assistant.index.chunks),
                                    **percentiles(latencies), "open_and_warm_up_s": round(open_s, 2)})


if __name__ == "__main__":
    main()
