"""The evaluation set format (JSONL, one item per line); other sets in the same schema run too."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

DEFAULT_DATASET = Path(__file__).resolve().parent / "datasets" / "policy_qa.jsonl"


class Expected(BaseModel):
    doc: str  # corpus file name
    clause: str  # clause path, e.g. 三（一）2
    heading: str
    evidence: str = Field(min_length=1)  # verbatim answer text, 8-60 characters in our set


class Turn(BaseModel):
    role: str
    content: str


class EvalItem(BaseModel):
    id: str
    category: str
    question: str
    history: list[Turn] = []
    expected: list[Expected] = []
    answer_keywords: list[str] = []

    @property
    def answerable(self) -> bool:
        return bool(self.expected)


def load_dataset(path: Path) -> list[EvalItem]:
    """Items of a JSONL file; a malformed line is an error naming the line, not a silent skip."""
    items: list[EvalItem] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append(EvalItem.model_validate(json.loads(line)))
        except (json.JSONDecodeError, ValidationError) as error:
            raise ValueError(f"{path} 第 {number} 行不是有效的评测条目：{error}") from error
    if not items:
        raise ValueError(f"{path} 中没有评测条目")
    return items
