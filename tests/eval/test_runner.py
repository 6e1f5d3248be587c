"""The evaluation runner and its command, on a small slice of the real set and the real index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.application.assistant_service import PolicyAssistant
from assistant.interfaces.cli import main
from assistant.settings import Settings
from eval.dataset import DEFAULT_DATASET, load_dataset
from eval.runner import run_evaluation
from vectorstore.index import PolicyIndex

SLICE = ("num-001", "cmp-001", "dept-002", "unans-001", "multi-001")


@pytest.fixture
def small_dataset(tmp_path: Path) -> Path:
    lines = [line for line in DEFAULT_DATASET.read_text(encoding="utf-8").splitlines() if json.loads(line)["id"] in SLICE]
    path = tmp_path / "slice.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_run_writes_predictions_and_a_self_contained_report(corpus_index: PolicyIndex, small_dataset: Path,
                                                            tmp_path: Path) -> None:
    result = run_evaluation(PolicyAssistant(corpus_index, Settings()), small_dataset, "extractive",
                            predictions_out=tmp_path / "pred.jsonl", report_dir=tmp_path / "report")
    assert result.overall["items"] == 5 and result.overall["citation_recall"] == 1.0
    assert result.by_category["unanswerable"]["abstention_accuracy"] == 1.0
    records = [json.loads(line) for line in (tmp_path / "pred.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == [i.id for i in load_dataset(small_dataset)]
    assert {"id", "question", "answer", "answerable", "citations", "latency_ms"} <= set(records[0])
    assert {"source_file", "clause", "quote", "text"} <= set(records[0]["citations"][0])
    page = (tmp_path / "report" / "report.html").read_text(encoding="utf-8")
    assert "<svg" in page and "分类指标" in page
    assert "<script" not in page and "<link" not in page and "https://" not in page
    assert "| 编号 | 类别 |" in (tmp_path / "report" / "report.md").read_text(encoding="utf-8")


def test_gate_fails_on_regression(corpus_index_dir: Path, small_dataset: Path, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICY_INDEX_DIR", str(corpus_index_dir))
    strict = tmp_path / "baseline.json"
    strict.write_text(json.dumps({"tolerance": 0.0, "metrics": {"keyword_accuracy": 1.01}}), encoding="utf-8")
    args = ["eval", "--dataset", str(small_dataset), "--baseline", str(strict)]
    assert main([*args, "--fail-on-regression"]) == 3
    assert main(args) == 0  # reported, but only the gate flag makes it fail
    assert main(["eval", "--dataset", str(small_dataset), "--write-baseline", str(tmp_path / "new.json")]) == 0
    assert main(["eval", "--dataset", str(small_dataset), "--baseline", str(tmp_path / "new.json"), "--fail-on-regression"]) == 0


def test_malformed_dataset_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "category": "fact", "question": "q"}\n{not json}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="第 2 行"):
        load_dataset(path)
