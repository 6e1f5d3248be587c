"""Questions about a set of targets, answered from the 指标库 (ingest.indicators) rather than from one sentence.

- a list: "通辽2025年有哪些量化指标", "赤峰在供水、污水方面有哪些量化指标", "2025年指标要达到100%的有哪几项" —
  every target of the named documents that the question's year, value and subjects select;
- a comparison or a ranking: "各地城镇清洁取暖率目标分别是多少", "哪个地方的装配式建筑比例目标最高" — the
  targets for that measure in every document that sets one (the named ones, when some are named), and
  "未作规定" for a named document without one — only when searching it finds no such provision either; when
  the search does find one, the usual researched answer is given instead.

Every row is cited to its clause; the table and the text say the same. A question these do not fit returns
None and is researched as usual.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import jieba

from assistant.answer import Answer, Citation
from assistant.answering.markup import escape_markdown
from assistant.answering.query import QueryIntent
from assistant.text.rarity import is_function_word
from ingest.indicators import COMPARATOR_WORDS, Indicator, measure_key, same_measure
from ingest.models import Document
from ingest.quantities import quantities

_ASKS_LIST = re.compile(r"(?:哪些|哪几项|哪几个|有什么|列出|列举|都有啥|多少项)[^，。？?]{0,12}(?:指标|目标)|"
                        r"(?:指标|目标)[^，。？?]{0,12}(?:哪些|哪几项|哪几个|有什么)|(?:达到|要达到|是)[^，。？?]{0,8}的有哪")
_RANKING = re.compile(r"最高|最低|最大|最小|最多|最少|排名|排序|哪个(?:地方|城市|地区)")
_PROPERTY = re.compile(r"约束性|预期性")
# What a measure is, in a question: the words ending in a measure word ("清洁取暖率", "装配式建筑占…比例").
_MEASURE = re.compile(r"[\u4e00-\u9fff]{2,14}?(?:率|比例|占比|比重|密度|面积|层数)")
_LIST_WORDS = re.compile(r"有哪些|哪几项|哪几个|哪些|有什么|列出|列举|量化|百分比|约束性|预期性|指标|目标|方面|"
                         r"在|里|中|的|和|、|是|要|达到|定了|提出了?")
_UNITS = re.compile(r"牵头|负责|部门|单位|哪个局")
_TABLE = re.compile(r"附件|附表|指标表|明细表|一览表")
_UP, _DOWN = re.compile(r"最高|最大|最多"), re.compile(r"最低|最小|最少")


def indicator_answer(intent: QueryIntent, indicators: list[Indicator], documents: dict[str, Document],
                     topic_words: Callable[[], list[str]], researched_silent: Callable[[], set[str]]) -> Answer | None:
    """The answer from the 指标库, or None when the question is not about a set of targets.

    `topic_words()`: the question's content words (without document names, years and question words); like
    `researched_silent()`, asked only when the question turns out to be about a set of targets.
    `researched_silent()`: the named documents that the usual research finds no provision in."""
    named = [d for d in intent.doc_ids if d in documents]
    asks_units = intent.department or intent.unit or _UNITS.search(intent.question)  # the department answers those
    if named and _ASKS_LIST.search(intent.question) and not (intent.comparison or asks_units):
        return _list_answer(intent, [i for i in indicators if i.doc_id in named], documents, topic_words)
    if (intent.comparison or _RANKING.search(intent.question)) and (measure := _measure(intent, named, documents)):
        return _comparison_answer(intent, measure, indicators, named, documents, researched_silent)
    return None


# --- lists ---------------------------------------------------------------------------------

def _list_answer(intent: QueryIntent, candidates: list[Indicator], documents: dict[str, Document],
                 topic_words: Callable[[], list[str]]) -> Answer | None:
    selected = [i for i in candidates if not intent.years or i.year in intent.years]
    if _TABLE.search(intent.question):  # "附件指标表里…": the appendix table's rows
        selected = [i for i in selected if _from_table(i, documents)]
    values = {q.value for q in quantities(re.sub(r"(?:19|20)\d\d年", "", intent.question))}
    if values:
        selected = [i for i in selected if i.value in values]
    titles = "".join(documents[d].meta.title for d in {i.doc_id for i in candidates})
    if intent.facets:  # "在供水、污水方面": a target on any of them
        selected = [i for i in selected if any(_mentions(i, facet) for facet in intent.facets)]
    else:  # "关于建筑垃圾": one on all of its words, other than those citing the document (its title's 碳达峰)
        words = [w for w in topic_words() if not (_LIST_WORDS.fullmatch(w) or _TABLE.search(w) or re.search(r"\d|表", w)
                                                or is_function_word(w) or w in intent.citing_words or w in titles)]
        selected = [i for i in selected if all(_mentions(i, word) for word in words)]
    if not selected:
        return None
    asked_property = _PROPERTY.search(intent.question)
    note = ""
    if asked_property:
        marked = [i for i in selected if i.property == asked_property.group()]
        if marked:
            selected = marked
        else:
            note = f"文件未标明哪些指标属于{asked_property.group()}指标；以下是所问范围内的全部量化指标。\n\n"
    return _table_answer(intent, _distinct(selected), documents, note)


def _from_table(indicator: Indicator, documents: dict[str, Document]) -> bool:
    clause = documents[indicator.doc_id].clause(indicator.path)
    return clause is not None and clause.kind == "table_row"


def _mentions(indicator: Indicator, subject: str) -> bool:
    """The subject in the record's sentence; or, for a compound word, its head in the record's name (污水处理 → 污水:
    农村生活污水治理率). A phrase of several words (再生水利用) must stand whole: 再生 alone is also 可再生能源's."""
    if subject in indicator.sentence:
        return True
    words = jieba.lcut(subject)
    head = next((w for w in jieba.lcut_for_search(subject) if len(w) > 1), "") if len(words) == 1 else ""
    return bool(head) and head != subject and head in indicator.name


def _distinct(selected: list[Indicator]) -> list[Indicator]:
    """One row per measure, value and year in a document: an appendix row repeating an article adds nothing."""
    seen: set[tuple[str, str, float, str]] = set()
    rows = []
    for indicator in selected:
        key = (indicator.doc_id, measure_key(indicator.name), indicator.value, indicator.year)
        if key not in seen:
            seen.add(key)
            rows.append(indicator)
    return rows


# --- comparisons and rankings --------------------------------------------------------------

def _measure(intent: QueryIntent, named: list[str], documents: dict[str, Document]) -> str:
    """The measure the question compares, without scope words: 清洁取暖率 of "各地城镇清洁取暖率目标分别是多少"."""
    text = intent.question
    for doc_id in named:
        text = text.replace(documents[doc_id].meta.short_name or "\0", " ")
    found = _MEASURE.findall(re.sub(r"(?:19|20)\d\d年|各地|各市|分别|目标|指标|哪个|哪些|地方|城市的|的", " ", text))
    return measure_key(found[-1]) if found else ""


def _comparison_answer(intent: QueryIntent, measure: str, indicators: list[Indicator], named: list[str],
                       documents: dict[str, Document], researched_silent: Callable[[], set[str]]) -> Answer | None:
    allowed = set(named or intent.scope_doc_ids or documents)
    matching = [i for i in indicators if same_measure(measure, i.name) and i.doc_id in allowed
                and (not intent.years or i.year in intent.years)]
    covered = {i.doc_id for i in matching}
    missing = [d for d in named if d not in covered]
    # "未作规定" only where searching the document finds nothing either: the 指标库 may have missed its target
    if not covered or len(covered) + len(missing) < 2 or (missing and not set(missing) <= researched_silent()):
        return None
    in_articles = {i.doc_id for i in matching if not _from_table(i, documents)}
    rows = _distinct([i for i in matching if i.doc_id not in in_articles or not _from_table(i, documents)])
    lead = ""
    if (up := _UP.search(intent.question)) or _DOWN.search(intent.question):
        rows.sort(key=lambda i: i.value, reverse=bool(up))
        top = rows[0]
        lead = (f"{'最高' if up else '最低'}的是{_label(documents[top.doc_id])}"
                f"（{escape_markdown(top.requirement or top.value_text)}）。\n\n")
    return _table_answer(intent, rows, documents, lead, missing)


# --- the answer ----------------------------------------------------------------------------

def _label(document: Document) -> str:
    return escape_markdown(document.meta.short_name or document.meta.title)


def _table_answer(intent: QueryIntent, rows: list[Indicator], documents: dict[str, Document], note: str,
                  missing: Sequence[str] = ()) -> Answer:
    citations: list[Citation] = []
    numbers: dict[tuple[str, str, str], int] = {}  # one citation per sentence quoted
    lines = ["| 文件 | 指标 | 要求 | 目标年份 | 条款 |", "|---|---|---|---|---|"]
    for row in rows:
        document = documents[row.doc_id]
        key = (row.doc_id, row.path, row.sentence)
        if key not in numbers:
            clause = document.clause(row.path)
            assert clause is not None
            numbers[key] = len(citations) + 1
            citations.append(Citation.of(numbers[key], document.meta, clause, row.sentence.strip()))
        lines.append(f"| {_label(document)} | {escape_markdown(row.name)} | {escape_markdown(_requirement(row))} | {row.year or '—'} "
                     f"| {escape_markdown(row.path)}[{numbers[key]}] |")
    lines += [f"| {_label(documents[d])} | — | 未作规定 | — | — |" for d in missing]
    text = f"**答：** {note}各项指标如下（来自指标库，每项注明条款）：\n\n" + "\n".join(lines) + "\n\n" + _sources(citations)
    return Answer(question=intent.question, answer=text, answerable=True, citations=citations, mode="extractive")


def _requirement(row: Indicator) -> str:
    """In the document's words where they were read (达到93%以上), else the comparator spelled out."""
    scope = f"（{row.scope}）" if row.scope and row.scope not in row.name else ""
    return (row.requirement or f"{COMPARATOR_WORDS.get(row.comparator, '')}{row.value_text}") + scope


def _sources(citations: list[Citation]) -> str:
    lines = ["**依据**", ""]
    for citation in citations:
        number = f"（{escape_markdown(citation.doc_number)}）" if citation.doc_number else ""
        lines += [f"- [{citation.n}] 《{escape_markdown(citation.title)}》{number} {escape_markdown(citation.clause)}："
                  f"“{escape_markdown(citation.quote)}”"]
    return "\n".join(lines)
