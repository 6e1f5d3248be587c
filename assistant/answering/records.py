"""Answers read from the document record rather than searched for: its 文号, issuers and date
("济宁的文号是什么"), and the tasks a department leads ("济宁住建局牵头哪些任务", from the parsed unit lists).
Every statement cites the clause where the document prints it."""

from __future__ import annotations

import re

from assistant.answer import Answer, Citation
from assistant.answering.markup import escape_markdown
from assistant.answering.query import QueryIntent
from ingest.models import Clause, Document
from ingest.units import unit_list_text

_FIELD_NAMES = {"doc_number": "文号", "issuer": "发文机关", "date": "印发日期"}
_LEVEL_PREFIX = re.compile(r"^(?:自治区|省|市|盟|县|区|旗)")


def record_answer(intent: QueryIntent, documents: dict[str, Document]) -> Answer | None:
    """The answer from the records of the documents the question names, or None if it asks no such thing."""
    named = [documents[d] for d in intent.doc_ids or intent.scope_doc_ids if d in documents]
    if intent.record_field and named:
        return _field_answer(intent, named)
    if intent.unit:
        return _tasks_answer(intent, named or list(documents.values()))
    return None


def _field_answer(intent: QueryIntent, named: list[Document]) -> Answer:
    field = intent.record_field
    lines, citations = [], []
    for document in named:
        meta = document.meta
        value = meta.issuer if field == "issuer" else getattr(meta, field)
        printed = _where_printed(document, _printed_forms(field, value)) if value else None
        title = escape_markdown(meta.title)
        if printed is None:
            lines.append(f"- 《{title}》未载明{_FIELD_NAMES[field]}。")
            continue
        clause, line = printed
        citations.append(Citation.of(len(citations) + 1, meta, clause, line))
        shown = _printed_forms(field, value)[0] if field == "date" else value
        lines.append(f"- 《{title}》的{_FIELD_NAMES[field]}：{escape_markdown(shown)}。[{len(citations)}]")
    return _answer(intent, lines, citations)


def _tasks_answer(intent: QueryIntent, documents: list[Document]) -> Answer:
    """The tasks the unit leads (牵头) or takes part in, document by document. A document that marks no
    lead unit at all answers with the tasks naming the unit, and says it marks none."""
    lines: list[str] = []
    citations: list[Citation] = []
    for document in documents:
        marks_leads = any(clause.lead_units for clause in document.clauses)
        by_lead = intent.unit_leads and marks_leads
        tasks = [c for c in document.clauses if c.kind == "clause"
                 and any(_abbreviates(intent.unit, unit) for unit in (c.lead_units if by_lead else c.units))]
        if tasks and intent.unit_leads and not marks_leads:
            lines.append(f"《{escape_markdown(document.meta.title)}》未标明牵头单位，列有“{escape_markdown(intent.unit)}”的任务：")
        for clause in tasks:
            citations.append(Citation.of(len(citations) + 1, document.meta, clause, unit_list_text(clause.text) or clause.text))
            lines.append(f"- 《{escape_markdown(document.meta.title)}》{escape_markdown(clause.path)}"
                         f"「{escape_markdown(clause.heading)}」[{len(citations)}]")
    if not lines:
        role = "牵头" if intent.unit_leads else "负责"
        lines = [f"现有文件中没有由“{escape_markdown(intent.unit)}”{role}的任务。"]
    return _answer(intent, lines, citations)


def _answer(intent: QueryIntent, lines: list[str], citations: list[Citation]) -> Answer:
    sources = [f"> {escape_markdown(c.quote)}\n\n- [{c.n}] 《{escape_markdown(c.title)}》{escape_markdown(c.clause)}" for c in citations]
    text = "\n\n".join(["**答：**\n" + "\n".join(lines), *(["**依据**", *sources] if sources else [])])
    return Answer(question=intent.question, answer=text, answerable=bool(citations), citations=citations, mode="extractive")


def _printed_forms(field: str, value: str) -> list[str]:
    """How a record value stands in the text: an ISO date as 2023年12月15日; issuers each on their own."""
    if field == "date":
        year, month, day = value.split("-")
        return [f"{int(year)}年{int(month)}月{int(day)}日"]
    return value.split("、") if field == "issuer" else [value]


def _where_printed(document: Document, forms: list[str]) -> tuple[Clause, str] | None:
    """The first clause (and its line) where the document prints the value."""
    for clause in document.clauses:
        for line in clause.text.split("\n"):
            if forms and forms[0] in line:
                return clause, line.strip()
    return None


def _abbreviates(asked: str, unit: str) -> bool:
    """"住建局" for 市住房城乡建设局, "发改委" for 发展改革委: a Chinese short name keeps the full name's
    characters in order, its first and its last (the kind of body: 局, 委, 厅)."""
    asked, unit = _LEVEL_PREFIX.sub("", asked), _LEVEL_PREFIX.sub("", unit)
    if not asked or not unit or asked[0] != unit[0] or asked[-1] != unit[-1]:
        return False
    position = 0
    for char in asked:
        position = unit.find(char, position)
        if position < 0:
            return False
        position += 1
    return True
