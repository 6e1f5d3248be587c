"""Feedback on answers: kept with its question, answer and citations; approved answers become evaluation items."""

from __future__ import annotations

from pathlib import Path

from assistant.application.feedback import FeedbackLog
from eval.dataset import EvalItem

CITED = {"n": 1, "doc_id": "chifeng", "clause": "三（一）2", "heading": "建设美丽城市", "quote": "最高不超过18层",
         "related_only": False}
CONTEXT = {**CITED, "n": 2, "clause": "三（一）3", "quote": "只是相关", "related_only": True}


def test_only_approved_answers_become_items_with_the_clauses_they_cited(tmp_path: Path) -> None:
    log = FeedbackLog(tmp_path / "feedback.jsonl")
    log.add("县城新建住宅最高几层", "**答：** 最高不超过18层。[1]", [CITED, CONTEXT], "up")
    log.add("通辽的清洁取暖率", "**答：** …", [CITED], "down", "数字不对")
    log.add("县城新建住宅最高几层", "", [], None, "  ")
    [item] = log.eval_items({"chifeng": "chifeng-2023-green-development.txt"})
    parsed = EvalItem.model_validate(item)  # the evaluation set's own format
    assert parsed.question == "县城新建住宅最高几层" and [(e.doc, e.clause) for e in parsed.expected] == [
        ("chifeng-2023-green-development.txt", "三（一）2")]  # not the reference-only clause
    assert [e["comment"] for e in log.read()] == ["", "数字不对", ""]
