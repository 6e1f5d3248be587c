"""Normalising and clause parsing take time in proportion to the text, even for 20 000-line inputs."""

from __future__ import annotations

import gc
import time

import pytest

import ingest.normalize
from ingest.clauses import parse_clauses
from ingest.normalize import normalise

WRAPPED_LINE = "这是一行被排版软件按页宽折断的政策文件正文内容示例文字的一部分"  # a PDF line with no sentence end


def _hostile_text(lines: int) -> str:
    """Three shapes that used to cost quadratic time, a third of the lines each: one paragraph a PDF
    wrapped over thousands of lines, tab-led lines that are no table, one clause of many paragraphs."""
    part = lines // 3
    wrapped = [WRAPPED_LINE] * part
    tab_led = [f"\t第{number}项" for number in range(part)]
    clause = ["二、重点任务", *(f"第{number}段措施。" for number in range(part))]
    return "\n".join(["一、总体要求", *wrapped, *tab_led, *clause])


def test_a_wrapped_paragraph_is_cleaned_once_not_once_per_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """Deterministic: the characters passed to clean_line stay proportional to the input."""
    cleaned_chars = 0
    clean_line = ingest.normalize.clean_line

    def counting(line: str) -> str:
        nonlocal cleaned_chars
        cleaned_chars += len(line)
        return clean_line(line)

    monkeypatch.setattr(ingest.normalize, "clean_line", counting)
    raw = "\n".join([WRAPPED_LINE] * 2000)
    paragraphs = normalise(raw).text.split("\n")
    assert paragraphs == [WRAPPED_LINE * 2000]
    assert cleaned_chars <= 3 * len(raw)  # each line once, the joined paragraph once


def _seconds(raw: str, runs: int) -> float:
    """CPU seconds (other processes do not count), best of `runs`, without the garbage collector
    (whose passes grow with the heap, not with the text)."""
    best = float("inf")
    gc.disable()
    try:
        for _ in range(runs):
            start = time.process_time()
            parse_clauses(normalise(raw))
            best = min(best, time.process_time() - start)
    finally:
        gc.enable()
    return best


def test_20000_lines_take_about_four_times_as_long_as_5000() -> None:
    """Linear work gives ×4; the old quadratic steps gave ×16 (and minutes for 20 000 lines).
    The bound (×8, best of several runs) leaves room for a busy machine."""
    small, large = _hostile_text(5_000), _hostile_text(20_000)
    clauses = parse_clauses(normalise(large))
    assert [c.path for c in clauses if c.kind == "clause"] == ["一", "二"]
    assert _seconds(large, runs=3) < 8 * _seconds(small, runs=3)
