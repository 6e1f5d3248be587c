"""Offline metrics (no LLM judge): retrieval recall@k and MRR, citation recall and precision,
answer keywords, numeric faithfulness, abstention, comparison coverage, latency."""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from assistant.answering.verification import check_answer
from eval.dataset import EvalItem, Expected
from ingest.quantities import quantities

RECALL_AT = (1, 3, 5, 10)
# Headline metrics the regression gate watches; False means lower is better.
HEADLINE = {"evidence_recall@5": True, "mrr": True, "citation_recall": True, "citation_precision": True,
            "keyword_accuracy": True, "numeric_faithfulness": True, "abstention_accuracy": True,
            "false_abstention": False, "comparison_coverage": True, "indicator_precision": True, "indicator_recall": True}
# Every metric's name as reports show it.
METRIC_LABELS = {
    "evidence_recall@1": "检索证据召回@1", "evidence_recall@3": "检索证据召回@3", "evidence_recall@5": "检索证据召回@5",
    "evidence_recall@10": "检索证据召回@10", "mrr": "MRR", "citation_recall": "引用召回", "citation_precision": "引用精确率",
    "keyword_accuracy": "答案关键词准确率", "numeric_faithfulness": "数字忠实度", "abstention_accuracy": "拒答准确率（无答案题）",
    "false_abstention": "误拒答率（有答案题）", "comparison_coverage": "对比题文件覆盖率", "latency_p50_ms": "延迟 p50（毫秒）",
    "latency_p95_ms": "延迟 p95（毫秒）", "items": "题数",
    "indicator_precision": "指标库抽取精确率", "indicator_recall": "指标库抽取召回率",
}
# The per-category table (the CLI's and the report's): each metric with the short label a terminal column gets.
TABLE_COLUMNS = (("items", "题数"), ("evidence_recall@5", "召回@5"), ("citation_recall", "引用召回"), ("keyword_accuracy", "关键词"),
                 ("false_abstention", "误拒答"), ("abstention_accuracy", "拒答准确"), ("comparison_coverage", "对比覆盖"))


@dataclass
class Retrieved:
    source_file: str
    clause: str
    text: str


@dataclass
class Prediction:
    """What the system under test did for one item (the assistant, or the naive pipeline)."""

    item: EvalItem
    answer: str
    answerable: bool
    citations: list[dict] = field(default_factory=list)  # Answer.citations as dicts
    retrieved: list[Retrieved] = field(default_factory=list)
    latency_ms: float = 0.0


@dataclass
class ItemScore:
    item: EvalItem
    values: dict[str, float]  # metric → value for this item (only metrics that apply to it)
    cited: list[str]  # "file 条款" of what was cited, for the failure list


_SOURCES_START = re.compile(r"\n\s*\*\*(?:依据|相关条款)")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def keyword_present(keyword: str, answer: str) -> bool:
    """A keyword is in the answer as written, or as the same quantity with the same words around it
    (六层 = 6层, 百分之九十三 = 93%)."""
    if squash(keyword) in squash(answer):
        return True
    wanted = quantities(keyword)
    words = re.sub(r"[\d.%％]+", "", squash(keyword))
    return bool(wanted) and wanted <= quantities(answer) and all(w in squash(answer) for w in words if w not in "万亿")


def direct_answer(answer: str) -> str:
    """The answer's own statement: the text before its quoted sources ("**依据**") or reference-only
    clauses ("**相关条款（仅供参考…"); the whole text when it has neither (an LLM's reply)."""
    return _SOURCES_START.split(answer, maxsplit=1)[0]


def score(prediction: Prediction) -> ItemScore:
    item = prediction.item
    cited = [c for c in prediction.citations if not c.get("related_only")]
    values: dict[str, float] = {"latency_ms": prediction.latency_ms}
    if item.answerable:
        values.update(_retrieval(item, prediction.retrieved))
        values["citation_recall"] = _mean(any(_holds(c, e.doc, e.evidence) for c in cited) for e in item.expected)
        direct = direct_answer(prediction.answer)  # a keyword only in a quote or a 仅供参考 clause was not answered
        values["keyword_accuracy"] = float(all(keyword_present(k, direct) for k in item.answer_keywords))
        values["false_abstention"] = float(not prediction.answerable)
        expected_docs = {e.doc for e in item.expected}
        if len(expected_docs) > 1:
            values["comparison_coverage"] = len(expected_docs & {c["source_file"] for c in cited}) / len(expected_docs)
        # precision is micro-averaged over citations: counted here, divided in aggregate()
        values["citation_precision_hits"] = float(sum(any(_precise(c, e) for e in item.expected) for c in cited))
        values["citation_precision_total"] = float(len(cited))
    else:
        values["abstention_accuracy"] = float(not prediction.answerable)
    if prediction.answerable and prediction.citations:
        # the statement's numbers, against what it cites (the quote, and the heading shown to locate it); the sources
        # list below the statement prints titles and headings verbatim (…（2025—2027年）) and is not checked
        quotes = {int(c["n"]): f"{c['quote']} {c.get('heading', '')}" for c in prediction.citations if "n" in c}
        values["numeric_faithfulness"] = float(not check_answer(direct_answer(prediction.answer), quotes).unsupported_numbers)
    return ItemScore(item, values, [f"{c['source_file']} {c['clause']}" for c in cited])


def aggregate(scores: Iterable[ItemScore]) -> dict[str, float]:
    """Means over the items each metric applies to; precision over citations; latency percentiles."""
    scores = list(scores)
    result: dict[str, float] = {"items": float(len(scores))}
    names = {name for s in scores for name in s.values} - {"latency_ms", "citation_precision_hits", "citation_precision_total"}
    for name in sorted(names):
        result[name] = round(_mean(s.values[name] for s in scores if name in s.values), 4)
    total = sum(s.values.get("citation_precision_total", 0.0) for s in scores)
    if total:
        result["citation_precision"] = round(sum(s.values.get("citation_precision_hits", 0.0) for s in scores) / total, 4)
    latencies = [s.values["latency_ms"] for s in scores]
    if len(latencies) >= 2:
        cuts = statistics.quantiles(latencies, n=100)
        result["latency_p50_ms"], result["latency_p95_ms"] = round(cuts[49], 1), round(cuts[94], 1)
    return result


def failed(item_score: ItemScore) -> list[str]:
    """Why an item counts as failed (empty if it passed everything that applies to it)."""
    values = item_score.values
    reasons = [name for name in ("citation_recall", "keyword_accuracy", "abstention_accuracy", "numeric_faithfulness",
                                 "comparison_coverage") if name in values and values[name] < 1.0]
    if values.get("false_abstention"):
        reasons.append("false_abstention")
    return reasons


def _retrieval(item: EvalItem, retrieved: list[Retrieved]) -> dict[str, float]:
    found_at = [next((rank for rank, r in enumerate(retrieved, start=1) if _holds_text(r, e.doc, e.evidence)), None)
                for e in item.expected]
    values = {f"evidence_recall@{k}": _mean(rank is not None and rank <= k for rank in found_at) for k in RECALL_AT}
    first = min((rank for rank in found_at if rank is not None), default=None)
    values["mrr"] = 1.0 / first if first else 0.0
    return values


def _precise(citation: dict, expected: Expected) -> bool:
    """A citation is right if it is an expected clause, or another clause of an expected document
    that holds the expected evidence (通辽's table row repeating its text)."""
    return citation["source_file"] == expected.doc and (
        citation["clause"] == expected.clause or squash(expected.evidence) in squash(citation["text"]))


def _holds(citation: dict, doc: str, evidence: str) -> bool:
    return citation["source_file"] == doc and squash(evidence) in squash(citation["text"])


def _holds_text(retrieved: Retrieved, doc: str, evidence: str) -> bool:
    return retrieved.source_file == doc and squash(evidence) in squash(retrieved.text)


def _mean(values: Iterable[float | bool]) -> float:
    values = [float(v) for v in values]
    return sum(values) / len(values) if values else 0.0
