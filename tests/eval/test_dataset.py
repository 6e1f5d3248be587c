"""Every evaluation item is checked against the corpus and against the clause tree we parse."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from ingest.models import Document

DATASET = Path(__file__).resolve().parents[2] / "eval" / "datasets" / "policy_qa.jsonl"
ITEMS = [json.loads(line) for line in DATASET.read_text(encoding="utf-8").splitlines() if line.strip()]
CATEGORIES = {"fact", "numeric", "department", "comparison", "paraphrase", "unanswerable", "multiturn"}


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def test_dataset_size_and_categories() -> None:
    assert len(ITEMS) >= 120
    assert len({item["id"] for item in ITEMS}) == len(ITEMS)
    assert {item["category"] for item in ITEMS} == CATEGORIES


@pytest.mark.parametrize("item", ITEMS, ids=[item["id"] for item in ITEMS])
def test_item_points_at_a_real_clause_holding_its_evidence(item: dict, corpus_documents: dict[str, Document]) -> None:
    assert item["question"].strip() and isinstance(item["answer_keywords"], list)
    assert (item["category"] == "unanswerable") == (not item["expected"])
    assert ("history" in item) == (item["category"] == "multiturn")
    for expected in item["expected"]:
        assert 8 <= len(expected["evidence"]) <= 60
        document = corpus_documents[expected["doc"]]
        clause = document.clause(expected["clause"])
        assert clause is not None, f"{expected['doc']} has no clause {expected['clause']}"
        assert clause.heading == expected["heading"]
        assert _squash(expected["evidence"]) in _squash(clause.text)
