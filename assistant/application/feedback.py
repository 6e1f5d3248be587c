"""What users said of answers (赞/踩, and a comment): kept with the question, the answer and its citations, so a
maintainer can read them and turn the approved ones into evaluation items."""

from __future__ import annotations

from typing import Any, Literal

from assistant.application.json_lines import JsonLines

Rating = Literal["up", "down"]
_MAX_COMMENT = 1000


class FeedbackLog(JsonLines):
    def add(self, question: str, answer: str, citations: list[dict[str, Any]], rating: Rating | None,
            comment: str = "") -> dict[str, Any]:
        return self.append({"question": question, "answer": answer, "citations": citations, "rating": rating,
                            "comment": comment.strip()[:_MAX_COMMENT]})

    def eval_items(self, source_files: dict[str, str]) -> list[dict[str, Any]]:
        """Approved answers as evaluation items (eval/dataset.py's format): the clauses they cited are expected.
        `source_files`: doc_id → file name, as evaluation items name documents. Disapproved answers are not
        items: what the right answer is, a maintainer has to say."""
        items = []
        for number, entry in enumerate(self.read(limit=100_000), start=1):
            expected = [{"doc": source_files[c["doc_id"]], "clause": c["clause"], "heading": c.get("heading", ""),
                         "evidence": c["quote"]}
                        for c in entry.get("citations", []) if not c.get("related_only") and c.get("doc_id") in source_files
                        and c.get("quote")]
            if entry.get("rating") == "up" and expected:
                items.append({"id": f"fb-{number:04d}", "category": "feedback", "question": entry["question"],
                              "history": [], "expected": expected, "answer_keywords": []})
        return items
