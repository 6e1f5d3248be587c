"""Answers read from the document rather than searched for: its 文号, issuers and dates ("济宁的文号是什么",
"条例从哪天起施行"), a standard section by name ("阿拉善的主要目标是什么"), and the tasks a department leads
("济宁住建局牵头哪些任务", from the parsed unit lists). Every statement cites the clause where it stands."""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.answer import Answer, Citation
from assistant.answering.markup import escape_markdown
from assistant.answering.query import QueryIntent
from ingest.models import Clause, Document, DocumentMeta
from ingest.numbering import to_int
from ingest.units import unit_list_text

_FIELD_NAMES = {"doc_number": "文号", "issuer": "发文机关", "date": "印发日期", "施行": "施行日期", "通过": "通过日期",
                "批准": "批准日期"}
_DATED = re.compile(r"\d{4}年\d{1,2}月(?:\d{1,2}日)?|[〇零一二三四五六七八九]{4}年|之日|有效期[^。，]{0,4}\d")
_MIN_TITLE_PAIRS = 4  # character pairs a question shares with a title to point at it
_TITLE_MATCH = 0.6  # of a place's documents, those whose titles the question echoes this much of the best one
_SECTION_CLAUSES = 8  # a section's items listed at most
_SECTION_PARAGRAPHS = 3  # paragraphs of a section's own text quoted at most
# How a regulation states a section that has no heading of its own: "本条例适用于…", "…适用本办法".
_SECTION_FORMULAS = {"适用范围": re.compile(r"(?:本|此)(?:条例|办法|规定|细则|预案|意见|方案|通知)适用于|适用本(?:条例|办法|规定|细则|预案)")}
_LEVEL_PREFIX = re.compile(r"^(?:自治区|省|市|盟|县|区|旗)")


def record_answer(intent: QueryIntent, documents: dict[str, Document]) -> Answer | None:
    """The answer from the records of the documents the question names, or None if it asks no such thing."""
    named = _asked_documents(intent, documents)
    if intent.record_fields and named:
        return _field_answer(intent, named)
    if intent.article and named and (answer := article_answer(intent, named)):
        return answer
    if intent.section and named and (answer := _section_answer(intent, named)):
        return answer
    if intent.unit:
        return _tasks_answer(intent, named or list(documents.values()))
    return None


def _asked_documents(intent: QueryIntent, documents: dict[str, Document]) -> list[Document]:
    """The documents named; of a place's several, those whose title the question echoes ("广州就业见习基地
    管理办法的有效期": that one of 广州's seven), else all of them."""
    if intent.doc_ids:
        return [documents[d] for d in intent.doc_ids if d in documents]
    scope = [documents[d] for d in intent.scope_doc_ids if d in documents]
    echoes = {d.doc_id: _shared_pairs(intent.question, d.meta.title) for d in scope}
    best = max(echoes.values(), default=0)
    return [d for d in scope if echoes[d.doc_id] >= max(_MIN_TITLE_PAIRS, _TITLE_MATCH * best)] or scope


def _shared_pairs(question: str, title: str) -> int:
    return len({question[i:i + 2] for i in range(len(question) - 1)} & {title[i:i + 2] for i in range(len(title) - 1)})


def _field_answer(intent: QueryIntent, named: list[Document]) -> Answer:
    lines: list[str] = []
    citations: list[Citation] = []
    for document in named:
        title = escape_markdown(document.meta.title)
        for field in intent.record_fields:
            found = _record_value(document, field)
            if found is None:
                lines.append(f"- 《{title}》未载明{_FIELD_NAMES[field]}。")
                continue
            value, clause, line = found
            citations.append(Citation.of(len(citations) + 1, document.meta, clause, line))
            lines.append(f"- 《{title}》的{_FIELD_NAMES[field]}：{escape_markdown(value)}[{len(citations)}]")
    return _answer(intent, lines, citations)


def _record_value(document: Document, field: str) -> tuple[str, Clause, str] | None:
    """(value as shown, clause, line) for a field of the record, or for an event the text dates itself
    ("本条例自2024年3月1日起施行", "…会议通过"): the line stating it is the value."""
    meta = document.meta
    if field in ("doc_number", "issuer", "date"):
        printed = _printed_form(meta, field)
        found = next((where for wanted in _record_lines(meta, field, printed) if (where := _first_line(document, wanted))), None)
        shown = {"date": printed, "issuer": meta.issuer, "doc_number": meta.doc_number}[field]
        return (shown, *found) if found else None
    found = _first_line(document, lambda line: field in line and bool(_DATED.search(line)), provisions_first=True)
    if found is None:
        return None
    clause, line = found
    sentence = next((s for s in re.split(r"(?<=。)", line) if field in s), line).strip()
    return sentence, clause, sentence


def _record_lines(meta: DocumentMeta, field: str, printed: str) -> list[Callable[[str], bool]]:
    """Where a record value is best read, best first: the date from the line that says 印发 (the 版记's
    "…办公厅 2022年11月18日印发"); the issuers from the line naming them all ("A、B关于印发…"), else one that is
    the issuer alone (a signature); else any line that holds the value."""
    if not printed:
        return []

    def holds(line: str) -> bool:
        return printed in line.replace(" ", "")  # a PDF's "2022 年 11 月 18 日" too

    if field == "date":
        return [lambda line: holds(line) and "印发" in line, holds]
    if field == "issuer":
        return [lambda line: all(issuer in line for issuer in meta.issuers), lambda line: line.strip() == printed, holds]
    return [holds]


def article_answer(intent: QueryIntent, named: list[Document]) -> Answer | None:
    """"第二十四条具体怎么说": the article of that number in the first document asked about that has one."""
    for document in named:
        article = next((c for c in document.clauses if c.kind == "clause" and _article_number(c.label) == intent.article), None)
        if article is not None:
            return clause_answer(intent.question, document.meta, article)
    return None


def clause_answer(question: str, meta: DocumentMeta, clause: Clause) -> Answer:
    """A clause asked for by where it stands, quoted whole."""
    citation = Citation.of(1, meta, clause, clause.text)
    quoted = escape_markdown(clause.text).replace("\n", "\n> ")
    text = (f"**答：** 《{escape_markdown(meta.title)}》{escape_markdown(clause.path)}「{escape_markdown(clause.heading)}」"
            f"原文如下：\n\n> {quoted}\n> —— [1]")
    return Answer(question=question, answer=text, answerable=True, citations=[citation], mode="extractive")


def _article_number(label: str) -> int | None:
    match = re.fullmatch(r"第(.+)条", label)
    return to_int(match.group(1)) if match else None


def _section_answer(intent: QueryIntent, named: list[Document]) -> Answer | None:
    """A section asked for by its name: the clause headed so, its items if it has them, else its text."""
    lines: list[str] = []
    citations: list[Citation] = []
    for document in named:
        headed = next((c for c in document.clauses if c.kind == "clause" and intent.section in c.heading), None)
        formula = _SECTION_FORMULAS.get(intent.section)  # an article without a heading states it in a set form
        section = headed or next((c for c in document.clauses if c.kind == "clause" and formula and formula.search(c.text)), None)
        if section is None:
            continue
        items = [c for c in document.clauses if c.parent_path == section.path][:_SECTION_CLAUSES] or [section]
        title = escape_markdown(document.meta.title)
        lines.append(f"《{title}》{escape_markdown(section.path)}「{escape_markdown(section.heading)}」：")
        for clause in items:
            for quote in _openings(clause.text, skip_heading=clause is headed):
                citations.append(Citation.of(len(citations) + 1, document.meta, clause, quote))
                lines.append(f"- {escape_markdown(quote)}[{len(citations)}]")
    return _answer(intent, lines, citations) if citations else None


def _openings(text: str, skip_heading: bool) -> list[str]:
    """What a clause says first: the first sentence of each of its first paragraphs, verbatim (its heading
    line left out when a section's text follows it) — "到2025年，…。" and "到2030年，…。" of a 主要目标."""
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    if skip_heading and len(paragraphs) > 1:
        paragraphs = paragraphs[1:]
    return [re.split(r"(?<=。)", paragraph)[0] for paragraph in paragraphs[:_SECTION_PARAGRAPHS]] or [text.strip()]


def _tasks_answer(intent: QueryIntent, documents: list[Document]) -> Answer:
    """The tasks the unit leads (牵头) or takes part in, document by document. A document that marks no
    lead unit at all answers with the tasks naming the unit, and says it marks none."""
    lines: list[str] = []
    citations: list[Citation] = []
    for document in documents:
        marks_leads = any(clause.lead_units for clause in document.clauses)
        by_lead = intent.unit_leads and marks_leads
        tasks = [c for c in document.clauses if c.kind == "clause"
                 and any(_abbreviates(intent.unit, unit) for unit in (c.lead_units if by_lead else c.units))
                 and not (intent.unit_alone and by_lead and len(c.lead_units) > 1)]
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


def _printed_form(meta: DocumentMeta, field: str) -> str:
    """How a record value stands in the text: an ISO date as 2023年12月15日; of joint issuers, the first."""
    if field == "issuer":
        return meta.issuers[0] if meta.issuers else ""
    if field == "date" and meta.date:
        year, month, day = meta.date.split("-")
        return f"{int(year)}年{int(month)}月{int(day)}日"
    return meta.doc_number if field == "doc_number" else ""


def _first_line(document: Document, wanted: Callable[[str], bool], provisions_first: bool = False) -> tuple[Clause, str] | None:
    """The first clause, and its line, for which `wanted(line)` holds; with `provisions_first`, a numbered
    clause before the preamble (the article "本条例自…起施行" before the adopting notice that repeats it)."""
    clauses = sorted(document.clauses, key=lambda c: c.kind != "clause") if provisions_first else document.clauses
    for clause in clauses:
        for line in clause.text.split("\n"):
            if wanted(line):
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
