"""The offline answer: deterministic, composed only of the documents' own words.

A direct answer first (the figure, limit, date or units asked for), then the supporting quotes
with [n] markers. A clause that several documents share word for word is quoted once with all
its citations. Comparisons get a table with a row per document, including the asked documents
that have no such provision.

Document text (quotes, headings, titles, unit lists) goes into the Markdown through escape_markdown, so
markup a document contains shows as its characters; Citation.quote and .text stay verbatim.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from assistant.answer import Answer, Citation
from assistant.answering.evidence import Evidence
from assistant.answering.markup import escape_markdown
from assistant.answering.selection import Findings
from ingest.models import DocumentMeta
from ingest.places import NATIONWIDE
from ingest.units import unit_list_text

_PUNCTUATION = re.compile(r"[\s，。；：、,.;:（）()“”\"']")


@dataclass
class _Group:
    """Evidence that says the same thing in one or more documents."""

    fragment: str
    members: list[tuple[Evidence, Citation]]

    @property
    def markers(self) -> str:
        return "".join(f"[{c.n}]" for _, c in self.members)


def compose(findings: Findings, documents: dict[str, DocumentMeta]) -> Answer:
    """The extractive Answer for what research found."""
    intent = findings.intent
    supporting = findings.answering + findings.closest + findings.other_scope
    citations = [Citation.of(n, documents[e.doc_id], e.clause, _quote(e, intent.department), related_only=e in findings.closest)
                 for n, e in enumerate(supporting, start=1)]
    pairs = list(zip(supporting, citations))
    answered, closest_end = len(findings.answering), len(findings.answering) + len(findings.closest)
    groups, closest, also = _groups(pairs[:answered]), pairs[answered:closest_end], _groups(pairs[closest_end:])
    missing = [_no_provision(documents[d], intent.topic) for d in findings.missing]
    missing += [f"现有文件中没有关于{escape_markdown(place)}的文件。" for place in intent.missing_places]
    labels = _labels(documents, [e.doc_id for e in supporting] + findings.missing)
    closest_lines = "".join(_closest_line(evidence, citation, documents, intent.topic) for evidence, citation in closest)
    closest_section = _related_section([citation for _, citation in closest], documents)
    if not groups and closest:
        text = "\n\n".join(["**答：** " + "".join(missing) + closest_lines, closest_section])
        return Answer(question=intent.question, answer=text, answerable=False, citations=citations, mode="extractive")
    if not groups:
        related = [Citation.of(n, documents[e.doc_id], e.clause, e.sentence.strip(), related_only=True)
                   for n, e in enumerate(findings.related, start=1)]
        nothing = missing or [f"现有文件中没有找到关于“{escape_markdown(intent.topic)}”的规定。"]
        text = "\n\n".join(["**答：** " + "".join(nothing), _related_section(related, documents)])
        return Answer(question=intent.question, answer=text.strip(), answerable=False, citations=related,
                      mode="extractive")
    if intent.department:
        direct = _department_lines(groups, labels)
    elif intent.comparison and (len(groups) > 1 or missing or closest):
        direct, closest_lines = _comparison_table(groups, closest, findings, labels), ""
    else:
        direct = _direct_lines(groups, labels)
    parts = [direct, _also_lines(also, labels), "".join(missing) + closest_lines, _sources_section(groups + also, documents),
             closest_section]
    return Answer(question=intent.question, answer="\n\n".join(p for p in parts if p), answerable=True,
                  citations=citations, mode="extractive")


def _quote(evidence: Evidence, department: bool) -> str:
    """The supporting words: the answering sentence, or for "who is responsible" the unit list."""
    if department and (units := unit_list_text(evidence.clause.text)):
        return units
    return evidence.sentence.strip()


def _also_lines(groups: list[_Group], labels: dict[str, str]) -> str:
    if not groups:
        return ""
    lines = ["其他文件的相关规定（适用范围或表述不同）："]
    for group in groups:
        for evidence, citation in group.members:
            lines.append(f"- **{labels[evidence.doc_id]}** {_where(citation)}：{_sentence(group.fragment)}[{citation.n}]")
    return "\n".join(lines)


def _groups(pairs: list[tuple[Evidence, Citation]]) -> list[_Group]:
    groups: dict[str, _Group] = {}
    for evidence, citation in pairs:
        key = _PUNCTUATION.sub("", evidence.fragment)
        groups.setdefault(key, _Group(evidence.fragment, [])).members.append((evidence, citation))
    return list(groups.values())


def _labels(documents: dict[str, DocumentMeta], doc_ids: list[str]) -> dict[str, str]:
    """How the answer names each document (escaped for Markdown): its short name, or its title where short
    names would be ambiguous (a city with several plans)."""
    short = {d: documents[d].short_name or (documents[d].region if documents[d].region != NATIONWIDE else documents[d].issuer)
             or documents[d].title for d in doc_ids}  # a nationwide document by its issuer: "全国" names none of them
    taken = Counter(short[d] for d in set(doc_ids))
    return {d: escape_markdown(name if taken[name] == 1 else documents[d].title) for d, name in short.items()}


def _where(citation: Citation) -> str:
    return f"{escape_markdown(citation.clause)}「{escape_markdown(citation.heading)}」"


def _direct_lines(groups: list[_Group], labels: dict[str, str]) -> str:
    if len(groups) == 1 and len(groups[0].members) == 1:
        group = groups[0]
        return f"**答：** {_sentence(group.fragment)}{group.markers}"
    lines = ["**答：**"]
    for group in groups:
        names = "、".join(labels[e.doc_id] for e, _ in group.members)
        lines.append(f"- **{names}**：{_sentence(group.fragment)}{group.markers}"
                     + (f"（见 {_where(group.members[0][1])}）" if len(group.members) == 1 else ""))
    return "\n".join(lines)


def _department_lines(groups: list[_Group], labels: dict[str, str]) -> str:
    lines = ["**答：**"]
    for group in groups:
        for evidence, citation in group.members:
            clause = evidence.clause
            others = [u for u in clause.units if u not in clause.lead_units]
            units = (f"牵头单位：{_names(clause.lead_units)}" + (f"；配合单位：{_names(others)}" if others else "")
                     if clause.lead_units else f"责任单位：{_names(clause.units)}" if clause.units
                     else escape_markdown(evidence.sentence.strip().rstrip("。")))
            lines.append(f"- **{labels[evidence.doc_id]} {_where(citation)}**：{units}。[{citation.n}]")
    return "\n".join(lines)


def _comparison_table(groups: list[_Group], closest: list[tuple[Evidence, Citation]], findings: Findings,
                      labels: dict[str, str]) -> str:
    rows = ["| 文件 | 条款 | 规定/指标 |", "|---|---|---|"]
    for group in groups:
        for evidence, citation in group.members:
            rows.append(f"| {labels[evidence.doc_id]} | {escape_markdown(citation.clause)} | {_sentence(group.fragment)}[{citation.n}] |")
    rows += [f"| {labels[evidence.doc_id]} | — | 未直接规定（最接近的规定见[{citation.n}]） |" for evidence, citation in closest]
    rows += [f"| {labels[d]} | — | 未作规定 |" for d in findings.missing]
    return "**答：** 各文件的规定如下（文件全称、文号见“依据”）：\n\n" + "\n".join(rows)


def _sources_section(groups: list[_Group], documents: dict[str, DocumentMeta]) -> str:
    """Quotes grouped by clause text: a clause several documents share is quoted once."""
    blocks: dict[str, list[Citation]] = {}
    for group in groups:
        for _, citation in group.members:
            blocks.setdefault(_PUNCTUATION.sub("", citation.quote), []).append(citation)
    lines = ["**依据**", ""]
    for cited in blocks.values():
        lines += ["> " + escape_markdown(cited[0].quote), ""]
        for citation in cited:
            meta = documents[citation.doc_id]
            number = f"（{escape_markdown(meta.doc_number)}）" if meta.doc_number else ""
            lines.append(f"- [{citation.n}] 《{escape_markdown(meta.title)}》{number} {_where(citation)}")
        lines.append("")
    return "\n".join(lines).strip()


def _related_section(related: list[Citation], documents: dict[str, DocumentMeta]) -> str:
    if not related:
        return ""
    lines = ["**相关条款（仅供参考，并非所问问题的答案）**"]
    for citation in related:
        title, quote = escape_markdown(documents[citation.doc_id].title), escape_markdown(citation.quote)
        lines.append(f"- [{citation.n}] 《{title}》{_where(citation)}：“{quote}”")
    return "\n".join(lines)


def _closest_line(evidence: Evidence, citation: Citation, documents: dict[str, DocumentMeta], topic: str) -> str:
    title = escape_markdown(documents[evidence.doc_id].title)
    return f"《{title}》未直接规定“{escape_markdown(topic)}”，最接近的规定见[{citation.n}]。"


def _no_provision(meta: DocumentMeta, topic: str) -> str:
    return f"《{escape_markdown(meta.title)}》未对“{escape_markdown(topic)}”作出规定。"


def _sentence(fragment: str) -> str:
    """A fragment of a document sentence as a sentence of the answer."""
    fragment = fragment.strip().rstrip("，；。")
    return escape_markdown(fragment) + "。"


def _names(units: list[str]) -> str:
    return escape_markdown("、".join(units))
