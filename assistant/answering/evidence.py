"""The sentence-level pass: inside retrieved clauses, find the sentence that answers and the part
of it that states the answer ("最高不超过18层"), and measure how much of the question it covers.

Coverage is the weighted share of the question's content words found in the sentence (words
found only in the clause's headings count for less). It decides whether a document answers at all:
a clause about 县城 that never mentions 住宅 or 层 does not answer "县城新建住宅最高几层".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import jieba

from assistant.answering.policy import DEFAULT_POLICY, AnswerPolicy
from assistant.answering.query import QUESTION_WORDS, QueryIntent
from assistant.answering.retrieval import Hit
from assistant.text.rarity import general_weight, is_function_word
from assistant.text.synonyms import synonyms
from ingest.models import Clause
from ingest.quantities import quantities
from ingest.sentences import split_sentences
from ingest.tables import CELL_SEPARATOR
from vectorstore.index import PolicyIndex

_YEAR = re.compile(r"20\d\d年")
_TARGET_YEAR = re.compile(r"(?:到|至|在|截至)?(20\d\d)年(?:底|前|末)?")
_DEADLINE = re.compile(r"(?:到|至|在|截至)?20\d\d年(?:底|前|末)?")
_OPENING, _CLOSING = "（(《“[【", "）)》”]】"
_MEASURE_ENDINGS = ("率", "比例", "占比", "比重", "密度")
# Kinds of document: in "北京条例", "济宁方案" they name the document asked, not what is asked about it.
_DOCUMENT_KINDS = ("条例", "方案", "办法", "意见", "通知", "预案", "细则", "政策")
# Words that say what kind of answer is wanted, not what it is about.
_GENERIC = frozenset((
    *QUESTION_WORDS, "哪些", "哪个", "怎样", "呢", "要", "是", "有", "为", "达到",
    "目标", "要求", "规定", "指标", "提出", "提到", "文件", *_DOCUMENT_KINDS, "地方", "地区", "各地", "分别", "不同", "区别", "差异", "一样", "相同",
    "对比", "比较", "各", "这条", "这项", "该项", "具体", "说", "负责", "牵头", "部门", "单位", "责任", "哪些单位", "控制", "预期",
    "情况", "内容", "方面", "工作", "开始", "哪年", "时候", "一下", "全市", "全区", "全盟", "城市", "推动", "推进", "加强", "建设",
))
# Question phrasing, removed before segmentation so that "清洁取暖率要达到多少" does not yield "率要".
_QUESTION_PHRASES = re.compile(
    r"要达到|达到|要求|是多少|各是多少|分别是多少|各控制在多少|控制在|多少|有何不同|有什么不同|有何|有什么|是什么|什么|哪几个|哪几|"
    r"哪些|哪个|哪所|哪年|哪|这个|这条|这项|几级|几个|几项|吗|呢|是否|要不要|能不能|怎么|如何|表述|包括|目标|指标|规定|"
    r"分别|各是|一样|不同|区别|差异|展开|量化|百分比|最多能|最多|最少|至少|能|可以|需要|应该|从哪|多远|多久|多长时间|啥|的|了")
# How a question names what the text states: "几层"/"层数" are answered by "18层".
_QUESTION_FORMS = {"层数": "层", "几层": "层", "多少层": "层", "层": "层", "楼层": "层", "高度": "高"}


@dataclass
class Evidence:
    clause: Clause
    doc_id: str
    sentence: str  # verbatim from the clause text
    fragment: str  # the part of the sentence that states the answer
    coverage: float  # 0..1, weighted share of the question's terms found in the sentence (and headings)
    fragment_coverage: float  # the same for the fragment (and headings): is the figure about the question?
    has_number: bool
    names_the_measure: bool = True  # every rate or share the question names (污水处理率) is in the sentence
    agreed: bool = False  # keyword and vector retrieval both ranked this clause first


class EvidenceFinder:
    def __init__(self, index: PolicyIndex, policy: AnswerPolicy = DEFAULT_POLICY) -> None:
        self.index = index
        self.policy = policy

    def terms(self, intent: QueryIntent, names: list[str]) -> dict[str, float]:
        """Content words of the question, weighted by their rarity in general Chinese (assistant.text.rarity)."""
        text = intent.text
        for name in sorted(names, key=len, reverse=True):
            text = text.replace(name, " ")
        text = _QUESTION_PHRASES.sub(" ", _YEAR.sub(" ", text))
        words = {_QUESTION_FORMS.get(w, w) for w in _with_rates(jieba.lcut_for_search(text))
                 if (len(w) > 1 or w in _QUESTION_FORMS) and w not in _GENERIC and re.search(r"[\u4e00-\u9fff\dA-Za-z]", w)}
        # a word that another kept word contains adds nothing (县城 and 县城新建 would count twice)
        words = {w for w in words if not any(w != other and w in other for other in words)} or words
        return {w: self._weight(w) for w in words}

    def ranked(self, hits: list[Hit], intent: QueryIntent, terms: dict[str, float]) -> list[Evidence]:
        """The best sentence of each clause among `hits` (one document's hits), best clause first."""
        best: dict[str, tuple[float, Evidence]] = {}
        for hit in hits:
            clause = self.index.documents[hit.chunk.doc_id].clause(hit.chunk.path)
            if clause is None:
                continue
            context = self._context(hit.chunk.doc_id, clause)
            for sentence in _sentences(hit.chunk.text, clause):
                evidence = self._evidence(clause, hit.chunk.doc_id, sentence, context, intent, terms)
                evidence.agreed = hit.agreed
                rank = self._rank(evidence, intent, sentence)
                if clause.path not in best or rank > best[clause.path][0]:
                    best[clause.path] = (rank, evidence)
        return [evidence for _, evidence in sorted(best.values(), key=lambda item: -item[0])]

    # --- scoring ---------------------------------------------------------------------------

    def _weight(self, word: str) -> float:
        return general_weight(word) * (self.policy.function_word_weight if is_function_word(word) else 1.0)

    def _context(self, doc_id: str, clause: Clause) -> str:
        """Headings above and of the clause: words there support every sentence of it."""
        chain = self.index.documents[doc_id].heading_chain(clause)
        return " ".join(node.heading for node in reversed(chain))

    def _evidence(self, clause: Clause, doc_id: str, sentence: str, context: str, intent: QueryIntent,
                  terms: dict[str, float]) -> Evidence:
        coverage = self._coverage(terms, sentence, context)
        fragment = self._fragment(sentence, terms, intent, clause.kind == "table_row")
        return Evidence(clause=clause, doc_id=doc_id, sentence=sentence, fragment=fragment, coverage=coverage,
                        fragment_coverage=self._coverage(terms, fragment, context), has_number=bool(quantities(fragment)),
                        names_the_measure=_names_measures(terms, sentence))

    def _coverage(self, terms: dict[str, float], text: str, context: str = "") -> float:
        """The weighted share of `terms` in `text`; a term only in the headings (`context`) counts partly."""
        total = sum(terms.values())
        if not total:
            return 0.0
        found = {term: _found(term, text, context, self.policy) for term in terms}
        return sum(weight * found[term] for term, weight in terms.items()) / total

    def _rank(self, evidence: Evidence, intent: QueryIntent, sentence: str) -> float:
        policy, rank = self.policy, evidence.coverage
        if intent.numeric and evidence.has_number:
            rank += policy.numeric_sentence_bonus
        if intent.years:
            if states_other_years(sentence, intent.years):
                rank -= policy.year_mismatch_penalty
            elif set(_TARGET_YEAR.findall(sentence)):
                rank += policy.year_match_bonus
        if intent.department and evidence.clause.units:
            rank += policy.unit_list_bonus
        return rank

    def _fragment(self, sentence: str, terms: dict[str, float], intent: QueryIntent, is_table_row: bool) -> str:
        """The shortest run of 1-3 comma parts that covers the sentence's answer best."""
        if is_table_row:
            return _row_fragment(sentence, intent)
        if not intent.numeric and not intent.department:  # what a provision says is its whole sentence
            return sentence.strip()
        policy, separator = self.policy, "，"
        parts = _outside_brackets(sentence.rstrip("。；！？"), separator)
        best: tuple[float, int, str] | None = None
        for size in range(1, min(policy.fragment_window, len(parts)) + 1):
            for start in range(len(parts) - size + 1):
                if _DEADLINE.fullmatch(parts[start + size - 1].strip()) and start + size < len(parts):
                    continue  # "…，到2025年" says nothing yet: the statement follows the deadline
                window = separator.join(parts[start:start + size])
                score = self._coverage(terms, window)
                stated = quantities(window) if intent.numeric else set()  # 二星级 and 18层 alike
                if stated:
                    score += policy.numeric_fragment_bonus + policy.many_numbers_fragment_bonus * (len(stated) > 1)
                if intent.years and any(year in window for year in intent.years):
                    score += policy.year_fragment_bonus
                candidate = (score, -size, window)
                if best is None or candidate[:2] > best[:2]:
                    best = candidate
        fragment = best[2] if best else sentence
        return _with_target_year(sentence, fragment)


def _found(term: str, text: str, context: str, policy: AnswerPolicy) -> float:
    """Credit for a question word: in the sentence, or a synonym of it (词林) there; else in the headings."""
    if term in text:
        return 1.0
    if any(synonym in text for synonym in synonyms(term)):
        return policy.synonym_weight
    if term in context or any(synonym in context for synonym in synonyms(term)):
        return policy.heading_weight
    return 0.0


def states_other_years(sentence: str, years: list[str]) -> bool:
    """The sentence gives targets for years, none of them asked (a 2025 figure for a 2024 question)."""
    stated = set(_TARGET_YEAR.findall(sentence))
    return bool(years) and bool(stated) and not stated & set(years)


def _outside_brackets(text: str, separator: str) -> list[str]:
    """`text` split at the separators that stand outside brackets: "（含税，下同）" stays whole."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += (char in _OPENING) - (char in _CLOSING and depth > 0)
        if char == separator and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    return [*parts, text[start:]]


def _with_rates(words: list[str]) -> list[str]:
    """"污水处理" + "率" → "污水处理率": a rate is a different figure from the thing it measures."""
    merged: list[str] = []
    for word in words:
        if word == "率" and merged and re.fullmatch(r"[\u4e00-\u9fff]+", merged[-1]):
            merged[-1] += word
        else:
            merged.append(word)
    return merged


def _names_measures(terms: dict[str, float], sentence: str) -> bool:
    """A figure answers a question about a rate or share only if the sentence names that measure: every
    word of it (清洁取暖率 in "清洁能源取暖率" yes; 污水处理率 in "城镇用水普及率" no); and one about an amount
    per unit (每台, 每户) only if it is per that unit ("每台", "元/台"), not a total."""
    measures = [term for term in terms if term.endswith(_MEASURE_ENDINGS) and len(term) > 2]
    per_unit = [term for term in terms if term.startswith("每") and len(term) > 1]
    return (all(part in sentence for term in measures for part in jieba.lcut(term) if len(part) > 1 or part in _MEASURE_ENDINGS)
            and all(_per(term, sentence) for term in per_unit))


def _per(term: str, sentence: str) -> bool:
    """Whether the sentence states an amount per the unit of "每天" (每日, 元/人/日 too) or "每平米" (每平方米)."""
    units = {term[1:], *(synonym[1:] for synonym in synonyms(term) if synonym.startswith("每"))}
    return any(re.search("[每/／]" + ".?".join(map(re.escape, unit)), sentence) for unit in units if unit)


def _sentences(text: str, clause: Clause) -> list[str]:
    if clause.kind == "table_row":
        return [text]
    return [s for s in split_sentences(text) if s.strip()]


def _row_fragment(row: str, intent: QueryIntent) -> str:
    """A table row answers with its indicator and the value for the asked year (all years if none)."""
    cells = row.split(CELL_SEPARATOR)
    named = [c for c in cells if re.match(r"[^：]*(?:内容|名称|事项)：", c)]
    values = [c for c in cells if _YEAR.match(c)]
    asked = [c for c in values if any(c.startswith(year) for year in intent.years)]
    return CELL_SEPARATOR.join(named + (asked or values)) or row


def _with_target_year(sentence: str, fragment: str) -> str:
    """"城镇燃气普及率超过80%" loses its deadline; put "到2025年，" back in front."""
    if _YEAR.search(fragment):
        return fragment
    before = sentence[: sentence.find(fragment)]
    years = re.findall(r"(?:到|至|在)20\d\d年(?:底|前)?", before)
    return f"{years[-1]}，{fragment}" if years else fragment
