"""Starter questions drawn from the corpus itself: what its documents can answer, in the words officials use.

One of each kind the assistant answers well — a target of a document, the same target across documents, the unit
that leads a task, a document's 文号 — each built from what the index holds, so a new corpus gets its own.
"""

from __future__ import annotations

import re
from collections import defaultdict

from ingest.indicators import Indicator, measure_groups, same_measure
from ingest.models import Document

_MOST = 4
_MEASURE_END = re.compile(r"(?:率|比例|占比|比重|密度)$")


def starter_questions(documents: dict[str, Document], indicators: list[Indicator]) -> list[str]:
    """Up to four questions the corpus answers, in a fixed order for a given corpus."""
    names = {doc_id: _name(document) for doc_id, document in documents.items()}
    questions = [*_target_question(indicators, names), *_comparison_question(indicators, documents),
                 *_lead_question(documents, names), *_number_question(documents, names)]
    return list(dict.fromkeys(questions))[:_MOST]


def _name(document: Document) -> str:
    return document.meta.short_name or document.meta.region or document.meta.title


def _target_question(indicators: list[Indicator], names: dict[str, str]) -> list[str]:
    dated = [i for i in indicators if i.year and i.unit == "%" and len(i.name) <= 12 and _MEASURE_END.search(i.name)]
    return [f"{names[i.doc_id]}到{i.year}年{i.name}要达到多少" for i in dated[:1]]


def _comparison_question(indicators: list[Indicator], documents: dict[str, Document]) -> list[str]:
    """A measure several documents set: "各地清洁取暖率目标分别是多少"."""
    groups = measure_groups([i.name for i in indicators])
    documents_by_group: dict[str, set[str]] = defaultdict(set)
    for indicator in indicators:
        documents_by_group[groups[indicator.name]].add(indicator.doc_id)
    shared = [group for group, ids in documents_by_group.items() if len(ids) >= 2 and len(group) <= 12 and ids <= set(documents)]
    best = max(shared, key=lambda group: (len(documents_by_group[group]), -len(group)), default=None)
    return [f"各地{best}目标分别是多少"] if best else []


def _lead_question(documents: dict[str, Document], names: dict[str, str]) -> list[str]:
    for doc_id, document in documents.items():
        clause = next((c for c in document.clauses if c.lead_units and c.heading and len(c.heading) <= 16), None)
        if clause is not None:
            return [f"{names[doc_id]}“{clause.heading.rstrip('。')}”由哪个部门牵头"]
    return []


def _number_question(documents: dict[str, Document], names: dict[str, str]) -> list[str]:
    numbered = [doc_id for doc_id, document in documents.items() if document.meta.doc_number]
    return [f"{names[numbered[0]]}的文件文号是什么"] if numbered else []


def follow_up_questions(cited: list[tuple[str, str]], documents: dict[str, Document], indicators: list[Indicator]) -> list[str]:
    """Two or three questions to ask next, from what an answer cited (document id, clause path): the same target in
    another document ("那济宁呢？"), who leads the cited task, and the clause beside the cited one."""
    if not cited or cited[0][0] not in documents:
        return []
    doc_id, path = cited[0]
    document = documents[doc_id]
    answered = {cited_doc for cited_doc, _ in cited}
    questions = [*_same_target_elsewhere(doc_id, path, answered, documents, indicators)]
    clause = document.clause(path)
    if clause is not None and clause.lead_units:
        questions.append("这项任务由哪个部门牵头？")
    questions += _neighbour_question(document, path)
    return list(dict.fromkeys(questions))[:3]


def _same_target_elsewhere(doc_id: str, path: str, answered: set[str], documents: dict[str, Document],
                           indicators: list[Indicator]) -> list[str]:
    """The cited target in a document the answer did not already cover."""
    cited = [i for i in indicators if i.doc_id == doc_id and i.path == path]
    others = [i for i in indicators if i.doc_id not in answered and i.doc_id in documents
              and any(same_measure(i.name, mine.name) for mine in cited)]
    return [f"那{_name(documents[others[0].doc_id])}呢？"] if others else []


def _neighbour_question(document: Document, path: str) -> list[str]:
    """The clause beside the cited one under the same heading (the next, else the one before), asked about by its heading."""
    clauses = [c for c in document.clauses if c.kind == "clause"]
    position = next((n for n, c in enumerate(clauses) if c.path == path), None)
    if position is None:
        return []
    parent = clauses[position].parent_path
    beside = [c for c in [*clauses[position + 1:], *reversed(clauses[:position])]
              if c.parent_path == parent and c.heading and len(c.heading) <= 20]
    return [f"{_name(document)}“{beside[0].heading.rstrip('。')}”有哪些要求？"] if beside else []
