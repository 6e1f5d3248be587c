"""Run an evaluation set through the assistant exactly as a user asks, score it, report it, and
compare it with the committed baseline (the regression gate)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from assistant.answer import Mode
from assistant.application.assistant_service import PolicyAssistant
from eval.dataset import EvalItem, load_dataset
from eval.indicator_check import score_documents
from eval.metrics import HEADLINE, ItemScore, Prediction, Retrieved, aggregate, score
from eval.naive import NaivePipeline
from eval.report import write_report

DEFAULT_TOLERANCE = 0.02


@dataclass
class EvalResult:
    overall: dict[str, float]
    by_category: dict[str, dict[str, float]]
    scores: list[ItemScore]
    regressions: list[str] = field(default_factory=list)
    naive: dict[str, float] | None = None


def predict(assistant: PolicyAssistant, item: EvalItem, mode: Mode) -> Prediction:
    history = [turn.model_dump() for turn in item.history]
    started = time.perf_counter()
    answer = assistant.ask(item.question, history, mode=mode)
    latency = (time.perf_counter() - started) * 1000
    retrieved = [Retrieved(assistant.documents[h.chunk.doc_id].source_file, h.chunk.path, h.chunk.text)
                 for h in assistant.retrieve(item.question, history, k=10)]
    return Prediction(item=item, answer=answer.answer, answerable=answer.answerable,
                      citations=[c.model_dump() for c in answer.citations], retrieved=retrieved, latency_ms=latency)


def summarise(scores: list[ItemScore]) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    categories = sorted({s.item.category for s in scores})
    return aggregate(scores), {c: aggregate(s for s in scores if s.item.category == c) for c in categories}


def regressions(overall: dict[str, float], baseline: dict[str, float], tolerance: float) -> list[str]:
    """Headline metrics worse than the baseline by more than `tolerance`, described in Chinese."""
    found = []
    for name, higher_is_better in HEADLINE.items():
        if name not in baseline or name not in overall:
            continue
        drop = baseline[name] - overall[name] if higher_is_better else overall[name] - baseline[name]
        if drop > tolerance:
            found.append(f"{name}: {baseline[name]:.3f} → {overall[name]:.3f}")
    return found


def run_evaluation(assistant: PolicyAssistant, dataset: Path, mode: Mode, *, predictions_out: Path | None = None,
                   report_dir: Path | None = None, baseline: Path | None = None, naive: NaivePipeline | None = None,
                   on_item: Callable[[EvalItem], None] | None = None) -> EvalResult:
    items = load_dataset(dataset)
    predictions = []
    for item in items:
        if on_item:
            on_item(item)
        predictions.append(predict(assistant, item, mode))
    scores = [score(p) for p in predictions]
    overall, by_category = summarise(scores)
    if extraction := score_documents(assistant.index.documents.values()):  # the 指标库 against its hand-checked tables
        overall |= {"indicator_precision": extraction.precision, "indicator_recall": extraction.recall}
    baseline_data = json.loads(baseline.read_text(encoding="utf-8")) if baseline and baseline.is_file() else None
    result = EvalResult(overall, by_category, scores)
    if baseline_data:
        result.regressions = regressions(overall, baseline_data["metrics"], baseline_data.get("tolerance", DEFAULT_TOLERANCE))
    if naive:
        result.naive = aggregate(score(naive.predict(item)) for item in items)
    if predictions_out:
        _write_predictions(predictions_out, predictions)
    if report_dir:
        title = f"政策通评测报告 · {dataset.name} · {mode} · {time.strftime('%Y-%m-%d %H:%M')}"
        write_report(report_dir, title, overall, by_category, scores, baseline_data["metrics"] if baseline_data else None,
                     result.naive)
    return result


def write_baseline(path: Path, result: EvalResult, dataset: Path, mode: Mode) -> None:
    metrics = {name: result.overall[name] for name in HEADLINE if name in result.overall}
    data = {"dataset": dataset.name, "mode": mode, "tolerance": DEFAULT_TOLERANCE, "metrics": metrics,
            "per_category": result.by_category}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _write_predictions(path: Path, predictions: list[Prediction]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for p in predictions:
            record = {"id": p.item.id, "question": p.item.question, "answer": p.answer, "answerable": p.answerable,
                      "citations": p.citations, "latency_ms": round(p.latency_ms, 1),
                      "retrieved": [asdict(r) for r in p.retrieved]}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
