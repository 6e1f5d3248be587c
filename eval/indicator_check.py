"""指标库 quality: the extracted targets against a hand-checked table (eval/indicators/*.jsonl).

An expected record is found when an extracted one of the same document states the same value for the same
target year, in a sentence that overlaps the expected source text. Names are not compared: the hand table
and the extractor may word the same measure differently (城镇清洁取暖率 / 全盟城镇清洁取暖率).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval.metrics import squash
from ingest.indicators import Indicator, extract_indicators
from ingest.models import Document

EXPECTED_DIR = Path(__file__).parent / "indicators"


@dataclass
class IndicatorScore:
    expected: int
    extracted: int
    matched: int
    named_alike: int = 0  # matched records whose name shares half the hand table's wording (a looser check, reported)
    missed: list[dict[str, Any]] = field(default_factory=list)  # expected records not extracted
    spurious: list[Indicator] = field(default_factory=list)  # extracted records not in the table

    @property
    def precision(self) -> float:
        return (self.extracted - len(self.spurious)) / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0


def score_documents(documents: Iterable[Document]) -> IndicatorScore | None:
    """The extractor on the indexed documents that a hand table covers (None when it covers none)."""
    documents = list(documents)
    expected = [record for table in sorted(EXPECTED_DIR.glob("*.jsonl")) for record in load_expected(table)]
    files = {d.doc_id: d.meta.source_file for d in documents}
    expected = [record for record in expected if record["doc"] in set(files.values())]
    if not expected:
        return None
    return score([i for d in documents for i in extract_indicators(d)], expected, files)


def load_expected(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def score(extracted: list[Indicator], expected: list[dict[str, Any]], source_files: dict[str, str]) -> IndicatorScore:
    """`source_files`: doc_id → file name, as the hand table names documents. Only documents the table covers count."""
    covered = {record["doc"] for record in expected}
    mine = [i for i in extracted if source_files.get(i.doc_id) in covered]
    used: set[int] = set()
    missed, named_alike = [], 0
    for record in expected:
        candidates = [n for n, i in enumerate(mine) if n not in used and _same(i, record, source_files)]
        # of several same figures in one sentence, the one whose name is closest
        match = max(candidates, key=lambda n: _overlap(mine[n].name, record["indicator"]), default=None)
        if match is None:
            missed.append(record)
        else:
            used.add(match)
            named_alike += _overlap(mine[match].name, record["indicator"]) >= 0.5
    spurious = [i for n, i in enumerate(mine) if n not in used and not any(_same(i, r, source_files) for r in expected)]
    return IndicatorScore(len(expected), len(mine), len(expected) - len(missed), named_alike, missed, spurious)


def _same(indicator: Indicator, record: dict[str, Any], source_files: dict[str, str]) -> bool:
    if source_files.get(indicator.doc_id) != record["doc"] or not _same_value(indicator.value, str(record["value"])):
        return False
    if record.get("year") and indicator.year and record["year"] != indicator.year:
        return False
    mine, theirs = squash(indicator.sentence), squash(record["source"])
    return mine in theirs or theirs in mine or _overlap(mine, theirs) >= 0.6


def _same_value(value: float, expected: str) -> bool:
    numbers = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", expected.replace(",", ""))]
    return any(abs(value - n) < 1e-6 * max(1.0, n) for n in numbers)


def _overlap(a: str, b: str) -> float:
    """Share of the shorter text's character bigrams found in the longer."""
    short, long_ = sorted((a, b), key=len)
    grams = {short[i:i + 2] for i in range(len(short) - 1)}
    return sum(gram in long_ for gram in grams) / len(grams) if grams else 0.0
