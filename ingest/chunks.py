"""Retrieval chunks: one per clause, long clauses split at sentence ends into parts of one path.

Each chunk's indexed text starts with its breadcrumb (文件标题 > 章 > 条 heading) so a short
clause like "（一）加强组织领导" is still found by the words of its document and section.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from ingest.models import SECONDARY_KINDS, Chunk, Clause, Document
from ingest.sentences import split_sentences_keeping_breaks

TokenCounter = Callable[[str], int]
_NOT_CHUNKED = ("back_matter",)


def make_chunks(document: Document, max_tokens: int, count_tokens: TokenCounter) -> list[Chunk]:
    """All retrieval chunks of a document; a section that is only a title line is carried by its
    children's breadcrumbs instead of becoming a chunk of its own."""
    parents = {clause.parent_path for clause in document.clauses}
    chunks: list[Chunk] = []
    for clause in document.clauses:
        if clause.kind in _NOT_CHUNKED or (clause.path in parents and _is_title_line(clause)):
            continue
        breadcrumb = " > ".join(_breadcrumb(document, clause))
        budget = max(max_tokens - count_tokens(breadcrumb) - 2, 32)
        for part, text in enumerate(_split(clause.text, budget, count_tokens)):
            indexed_text = f"{breadcrumb}\n{text}"
            chunks.append(Chunk(chunk_id=_chunk_id(document.doc_id, clause.path, part, indexed_text),
                                doc_id=document.doc_id, path=clause.path, part=part, text=text,
                                indexed_text=indexed_text, secondary=clause.kind in SECONDARY_KINDS))
    return chunks


def _is_title_line(clause: Clause) -> bool:
    """"三、重点任务", "（一）构建集约高效绿色空间载体": a title with no sentence of its own."""
    return "\n" not in clause.text and "。" not in clause.text


def _breadcrumb(document: Document, clause: Clause) -> list[str]:
    trail = [node.heading if node.kind != "preamble" else "前言" for node in document.heading_chain(clause)]
    return [document.meta.title, *trail]


def _split(text: str, budget: int, count_tokens: TokenCounter) -> list[str]:
    """Greedy packing of whole sentences into parts of at most `budget` tokens (a single longer
    sentence stands alone; the embedder truncates it)."""
    if count_tokens(text) <= budget:
        return [text]
    parts: list[str] = []
    current = ""
    for sentence in split_sentences_keeping_breaks(text):
        if current and count_tokens(current + sentence) > budget:
            parts.append(current)
            current = ""
        current += sentence
    if current:
        parts.append(current)
    return [part.strip("\n") for part in parts if part.strip()]


def _chunk_id(doc_id: str, path: str, part: int, indexed_text: str) -> str:
    content = hashlib.sha256(indexed_text.encode("utf-8")).hexdigest()
    return hashlib.sha256(f"{doc_id}|{path}|{part}|{content}".encode()).hexdigest()[:24]
