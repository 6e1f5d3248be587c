"""The one result type every caller shares: CLI, API, UI and evaluation."""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, Field

from ingest.models import Clause, DocumentMeta

# How to answer: auto = by the LLM when one is configured and available, else extractive (原文摘录).
Mode = Literal["auto", "extractive", "llm"]
MODES: tuple[Mode, ...] = get_args(Mode)
MODE_NAMES: dict[Mode, str] = {"auto": "自动", "extractive": "原文摘录", "llm": "大模型"}  # as the UI names them


class Citation(BaseModel):
    """Where a statement of the answer stands: document, clause and the exact supporting words."""

    n: int = Field(description="the number used as [n] in the answer text")
    doc_id: str
    source_file: str
    title: str
    doc_number: str = Field(description="文号, '' when the document does not state one")
    issuer: str
    date: str
    clause: str = Field(description="clause path, e.g. 三（一）2")
    heading: str
    quote: str = Field(description="the supporting sentence(s), verbatim from the normalised document")
    text: str = Field(description="the clause's full text")
    related_only: bool = Field(False, description="shown as context: does not support the answer")

    @classmethod
    def of(cls, n: int, meta: DocumentMeta, clause: Clause, quote: str, related_only: bool = False) -> Citation:
        return cls(n=n, doc_id=meta.doc_id, source_file=meta.source_file, title=meta.title,
                   doc_number=meta.doc_number, issuer=meta.issuer, date=meta.date, clause=clause.path,
                   heading=clause.heading, quote=quote, text=clause.text, related_only=related_only)


class Answer(BaseModel):
    question: str
    answer: str = Field(description="Markdown, with [n] markers")
    answerable: bool = Field(description="false when nothing in the corpus answers the question")
    citations: list[Citation] = []
    mode: Literal["extractive", "llm"]
    notice: str = Field("", description="e.g. why LLM mode fell back to the extractive answer")
    understood_as: str = Field("", description="the question as searched: a follow-up completed from the conversation; "
                                               "send it back with the turn in `history` so the next follow-up builds on it")
    timings: dict[str, float] = Field(default_factory=dict, description="milliseconds per step")
