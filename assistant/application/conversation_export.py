"""A conversation as the documents officials paste into their reports: Word (.docx) and Markdown.

Each turn gives the question, the direct answer, the quoted clauses and a source list (文件名、文号、条款).
The input is the conversation as the UI keeps it: user turns, and assistant turns with their answer Markdown
and the Answer's citations.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

_SOURCES_START = re.compile(r"\n\*\*(?:依据|相关条款（仅供参考)")
_TABLE_RULE = re.compile(r"^\|[-|\s:]+\|$")
_MARKUP = re.compile(r"\*\*|\\(?=[\\`*_{}\[\]()#+\-.!|<>~])")


def conversation_markdown(turns: Sequence[dict[str, Any]]) -> str:
    """The conversation as Markdown: every answer whole (it already is Markdown), then its sources."""
    parts = ["# 政策通问答记录"]
    for question, answer in _pairs(turns):
        parts += [f"## 问：{question}", answer["content"].strip(), _source_list(answer.get("citations", []))]
    return "\n\n".join(part for part in parts if part) + "\n"


def conversation_docx(turns: Sequence[dict[str, Any]]) -> bytes:
    """The conversation as a Word document: question, direct answer (tables as tables), quotes, sources."""
    from docx import Document  # python-docx, already the loader of .docx files

    document = Document()
    document.add_heading("政策通问答记录", level=1)
    for question, answer in _pairs(turns):
        document.add_heading(f"问：{question}", level=2)
        direct = _SOURCES_START.split(answer["content"], maxsplit=1)[0]
        _add_markdown(document, direct)
        citations = answer.get("citations", [])
        if citations:
            document.add_paragraph("依据", style="Heading 3")
            for citation in citations:
                document.add_paragraph(_source_line(citation), style="List Bullet")
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def _pairs(turns: Sequence[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """(question, assistant turn) for each answered question."""
    return [(before.get("content", ""), turn) for before, turn in pairwise(turns)
            if before.get("role") == "user" and turn.get("role") == "assistant"]


def _source_list(citations: list[dict[str, Any]]) -> str:
    return "\n".join(["**出处**", "", *(f"- {_source_line(c)}" for c in citations)]) if citations else ""


def _source_line(citation: dict[str, Any]) -> str:
    number = f"（{citation['doc_number']}）" if citation.get("doc_number") else ""
    reference = "（仅供参考）" if citation.get("related_only") else ""
    return (f"[{citation['n']}] 《{citation.get('title', '')}》{number} {citation.get('clause', '')}"
            f"{reference}：“{citation.get('quote', '')}”")


def _add_markdown(document: Any, text: str) -> None:
    """The answer's Markdown as Word paragraphs: tables as tables, list items as bullets, bold marks dropped."""
    table: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        line = line.strip()
        if line.startswith("|") and line.endswith("|"):
            if not _TABLE_RULE.match(line):
                table.append([_plain(cell.strip()) for cell in line.strip("|").split("|")])
            continue
        if table:
            _add_table(document, table)
            table = []
        if line.startswith(("- ", "* ")):
            document.add_paragraph(_plain(line[2:]), style="List Bullet")
        elif line.startswith(">"):
            document.add_paragraph(_plain(line.lstrip("> ")), style="Quote")
        elif line:
            document.add_paragraph(_plain(line))


def _add_table(document: Any, rows: list[list[str]]) -> None:
    width = max(len(row) for row in rows)
    grid = document.add_table(rows=len(rows), cols=width)
    grid.style = "Table Grid"
    for cells, row in zip(grid.rows, rows):
        for cell, text in zip(cells.cells, row):
            cell.text = text


def _plain(text: str) -> str:
    """Markdown emphasis and escapes removed: **答：** → 答：, \\* → *."""
    return _MARKUP.sub("", text)
