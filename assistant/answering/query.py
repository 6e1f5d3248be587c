"""Rule-based query understanding: which documents a question names, what kind of answer it
wants, and what a follow-up question means in its conversation."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from assistant.answering.references import DocumentReferences
from assistant.text.variants import simplified
from ingest.models import DocumentMeta
from ingest.numbering import to_int
from ingest.places import NATIONWIDE, Mention, Place, gazetteer

_COMPARISON = re.compile(r"区别|不同|差异|差别|对比|比较|分别|各地|各自|各是|异同|一样吗|相同吗|一致吗|哪些文件|哪些地方|哪些地区|哪几个|哪几份|都有")
_LIST_ALL = re.compile(r"哪些文件|哪些地方|哪些地区|哪几个|哪几份|哪些方案|各地")
# "哪几个部门牵头", "归哪些厅局管", "谁来监管": which body is responsible.
_DEPARTMENT = re.compile(r"(?:哪个|哪些|哪几个|哪一个|哪家|什么)(?:部门|单位|机关|机构|厅局|局|委|厅|办)"
                         r"|谁来?(?:牵头|负责|管|监管|主管|审批|受理|组织|实施)|由谁|牵头单位|牵头部门|责任单位|责任部门|负责单位|配合部门|哪家")
# Numeric: a question asking for a quantity, or naming a metric without asking yes/no or "which files".
_QUANTITY_QUESTION = re.compile(r"多少|几[层个项年成倍级月]?|多高|多大|多密|多远|多长|多宽|多久|哪年|哪一年|何时|什么时候|啥时候|最晚|最迟")
_METRIC = re.compile(r"比例|比率|[^效]率|面积|指标|目标|达到|不低于|不超过|层数|密度|规模")
_NOT_A_QUANTITY = re.compile(r"算不算|要不要|是否|能不能|提到|提出|哪些文件|哪些地方|哪些地区")
_YEAR = re.compile(r"(20\d\d)年")
_CLAUSE_REFERENCE = re.compile(r"第([一二三四五六七八九十\d]+)(?:条|项|个)")
# "第二十四条具体怎么说", "条例第4条规定了什么": an article asked for by its number, and nothing else about it.
_ARTICLE_ASKED = re.compile(r"^[^，,。？?]{0,12}?第([一二三四五六七八九十百零〇两\d]+)条(?:具体|的|原文|内容|全文|规定|讲|说|写|了|是|什么|啥"
                            r"|怎么|怎样|如何|哪些|有|吗|呢)*[？?。！!\s]*$")
_FOLLOW_UP = re.compile(r"^(?:那|那么|那个|还有|另外|再问|这条|这项|该项|这个|上述|它|其)|呢[？?！!。]*$")
# "要是不设，谁来罚？", "其中技术调查官制度…": a case or part of what was just asked, when no document is named.
_CONTINUING = re.compile(r"要是|如果|假如|万一|其中")
_COMPARISON_TAIL = re.compile(r"(?:上|方面)?(?:有什么|有何|有哪些)?(?:不同|区别|差异|差别|异同)$|(?:各|分别)(?:是|为)?多少$|一样吗$|相同吗$|一致吗$")
_MARKUP = re.compile(r"[<>`*_\[\]{}|\\#]")
_TOPIC_CHARS = 40
_EDGE_WORDS = re.compile(r"^[和与及、，,对在的]+|[，,、的]+$")
# Questions about the document record, not its provisions.
_RECORD_FIELDS = (
    ("doc_number", re.compile(r"文号|发文字号|发文编号|什么令|哪号令")),
    ("issuer", re.compile(r"发文机关|发文单位|印发单位|发布单位|发布机关|哪(?:个|几个|两个|些)(?:部门|单位|机关)(?:联合)?(?:发|印发|发布|出台|制定)的"
                          r"|谁(?:发|印发|发布|出台)的")),
    ("date", re.compile(r"(?:印发|发布|发文|成文|出台|公布)(?:日期|时间)|(?:什么时候|哪天|何时|哪年|哪一年)(?:印发|发布|出台|公布|发的)"
                        r"|(?:哪天|何时|什么时候)(?:经\S{0,12})?(?:印发|发布)")),
    # events the text itself dates: 施行 (and 有效期), 通过, 批准
    ("施行", re.compile(r"施行|生效|实施日期|起实施|有效期")),
    ("通过", re.compile(r"(?:哪天|何时|什么时候)\S{0,12}通过|通过(?:日期|时间)")),
    ("批准", re.compile(r"(?:哪天|何时|什么时候)\S{0,16}批准|批准(?:日期|时间)")),
)
# The standard sections of a policy document, asked for by name ("主要目标是什么", "适用范围").
_SECTION = re.compile(r"(?:主要|总体|发展|工作|阶段)目标|(?:基本|工作)原则|指导思想|总体要求|适用范围|工作方针|重点任务|保障措施")
_SCOPE_ASKED = re.compile(r"适用(?:于|的)?(?:哪些|什么|哪)|适用对象")  # "预案适用于哪些工作": its 适用范围
# "住建局牵头哪些任务", "市财政局负责什么": a department, and the tasks asked of it.
_UNIT_TASKS = re.compile(r"((?:(?![由让是里的在])[\u4e00-\u9fff]){2,14}?(?:局|委|厅|办|部|委员会|政府|中心))(单独|主要)?(牵头|负责|参与|配合)"
                         r"[^，。？?]{0,6}?(?:哪些|什么|几项|几个|哪几)")
# "在供水、污水方面有哪些量化指标": several subjects of one list question, each answered on its own.
_FACETS = re.compile(r"(?:在|关于|对)([\u4e00-\u9fff]{2,10}?(?:(?:、|和|与|及|以及)[\u4e00-\u9fff]{2,10}?)+)(?:等)?(?:方面|领域|的)")
_FACET_SEPARATOR = re.compile(r"、|以及|和|与|及")
_ASKS_FOR_SEVERAL = re.compile(r"哪些|哪几|有什么|都有")
_SHORT_FOLLOW_UP = 12  # characters: a question this short leans on the one before it
# Everyday words → the words policy texts use, so "农村的房子" finds "农房" (longest first).
_OFFICIAL_TERMS = {
    "农村的房子": "农房", "农村房子": "农房", "农民的房子": "农房", "新房子": "商品房", "精装修": "全装修", "精装": "全装修",
    "老楼": "既有建筑", "老房子": "既有建筑", "楼房": "建筑", "房子": "建筑", "矮楼": "低层建筑", "盖楼": "建设",
    "新盖": "新建", "盖个": "建设", "盖房": "建设", "房顶": "屋顶", "光伏板": "光伏", "烧暖气": "取暖", "暖气": "取暖", "供暖": "供热",
    "冬天": "冬季", "马路": "道路", "多密": "密度", "公交": "公共交通", "老百姓": "居民", "出门": "出行",
    "村里": "农村", "工地": "施工现场", "拆掉": "拆除", "清掉": "消除", "下大雨": "内涝", "积水的地方": "积水点",
    "带头": "率先", "翻新": "改造", "预制拼装": "装配式", "住多密": "人口密度", "算不算": "计入", "的钱": "费用",
    "城里": "城区", "啥时候": "什么时候",
}
_OFFICIAL_PATTERN = re.compile("|".join(sorted(map(re.escape, _OFFICIAL_TERMS), key=len, reverse=True)))
# The words that make a sentence a question; they say what kind of answer is wanted, never what it is about.
QUESTION_WORDS = ("多少", "几", "什么", "哪", "谁", "怎么", "如何", "是否", "吗")
_OWN_QUESTION = re.compile("|".join(QUESTION_WORDS))


@dataclass
class QueryIntent:
    """What a question asks, after resolving it against the conversation."""

    question: str  # as the user typed it
    text: str  # the question to retrieve with: follow-ups completed from history, everyday words made official
    doc_ids: list[str] = field(default_factory=list)  # documents the question names, in order
    comparison: bool = False
    list_all: bool = False  # 哪些文件/各地: every document with a provision
    department: bool = False
    numeric: bool = False
    years: list[str] = field(default_factory=list)
    clause_reference: int | None = None  # "第二条…" in a follow-up: the n-th source of the last answer
    article: int | None = None  # "第二十四条具体怎么说": that article of the document asked about
    topic: str = ""  # the subject, for "…未对“topic”作出规定"
    missing_places: list[str] = field(default_factory=list)  # places named that no document covers, as written
    record_fields: list[str] = field(default_factory=list)  # 文号, 发文机关, or events (施行, 通过…) asked of a document
    section: str = ""  # a standard section asked for: 主要目标, 基本原则, 适用范围…
    unit: str = ""  # "住建局" in "济宁住建局牵头哪些任务": the department whose tasks are asked for
    unit_leads: bool = True  # 牵头 (its lead tasks) rather than 负责/参与 (every task naming it)
    unit_alone: bool = False  # 单独牵头: the tasks it leads with no other lead unit
    scope_doc_ids: list[str] = field(default_factory=list)  # a place's several documents (广州, 全区): searched together
    facets: list[str] = field(default_factory=list)  # 供水, 污水 in "在供水、污水方面有哪些量化指标": each answered
    citing_words: list[str] = field(default_factory=list)  # 国务院, 促进, 就业 of "国务院2018年促进就业意见": not the topic


class QueryAnalyser:
    """Understands questions against the documents of one index."""

    def __init__(self, documents: Sequence[DocumentMeta]) -> None:
        self._aliases: dict[str, list[str]] = {}
        for meta in documents:
            for alias in document_aliases(meta):
                self._aliases.setdefault(alias, []).append(meta.doc_id)
        self._references = DocumentReferences(documents)
        self._places = {meta.doc_id: place for meta in documents if (place := gazetteer().by_code.get(meta.region_code))}
        # with a document of unknown place, any place might be covered: none is said to be missing
        self._all_placed = all(meta.doc_id in self._places or meta.region == NATIONWIDE for meta in documents)
        # longest first, so 阿拉善盟 wins over 阿拉善
        self._pattern = re.compile("|".join(re.escape(a) for a in sorted(self._aliases, key=len, reverse=True))) \
            if self._aliases else None

    def analyse(self, question: str, history: Sequence[dict[str, Any]] = ()) -> QueryIntent:
        typed = question.strip()
        question = simplified(typed)  # 濟寧 is 济宁; the intent keeps the question as typed, for display
        own_docs, own_place_docs = self._mentioned(question)
        previous = self._previous_question(history)
        follow_up = bool(previous) and (_FOLLOW_UP.search(question) is not None or len(question) <= _SHORT_FOLLOW_UP
                                        or (_CONTINUING.match(question) is not None and not own_docs and not own_place_docs))
        text, doc_ids, place_docs = question, own_docs, own_place_docs
        if follow_up:
            text = self._complete(question, previous, own_docs or own_place_docs)
            if not own_docs and not own_place_docs:
                doc_ids, place_docs = self._mentioned(previous)
        if doc_ids and place_docs:  # "赤峰和广州": each is asked about by name
            doc_ids, place_docs = doc_ids + [d for d in place_docs if d not in doc_ids], []
        text = _OFFICIAL_PATTERN.sub(lambda m: _OFFICIAL_TERMS[m.group()], text)
        intent_source = question if _has_own_question(question) or not follow_up else f"{previous} {question}"
        comparison = len(doc_ids) > 1 or len(place_docs) > 1 or bool(_COMPARISON.search(question))
        return QueryIntent(
            question=typed,
            text=text,
            doc_ids=doc_ids,
            comparison=comparison,
            list_all=bool(_LIST_ALL.search(question)) and not own_docs,
            department=bool(_DEPARTMENT.search(question)),
            numeric=_asks_quantity(intent_source) and not _DEPARTMENT.search(question),
            years=_YEAR.findall(question) or (_YEAR.findall(previous) if follow_up else []),
            clause_reference=_clause_reference(question) if follow_up else None,
            article=self._article_asked(question),
            topic=self.topic(text),
            missing_places=self.uncovered_places(question),
            scope_doc_ids=place_docs,
            record_fields=[name for name, pattern in _RECORD_FIELDS if pattern.search(question)],
            section=_section_asked(question),
            facets=self._facets(question),
            citing_words=self._references.citing_words(question),
            **self._unit_asked(question),
        )

    def named_documents(self, text: str) -> list[str]:
        """Documents a text names one by one (by a region with one document, short name, 文号 or title)."""
        return self._mentioned(text)[0]

    def _unit_asked(self, question: str) -> dict[str, Any]:
        """{unit, unit_leads, unit_alone} when the question asks which tasks a department leads or takes part in."""
        match = _UNIT_TASKS.search(self._without_names(question, " "))
        return {"unit": match.group(1), "unit_leads": match.group(3) == "牵头", "unit_alone": match.group(2) == "单独"} if match else {}

    def _facets(self, question: str) -> list[str]:
        """The subjects of a list question that names several ("在供水、污水方面有哪些…"), as written."""
        if not _ASKS_FOR_SEVERAL.search(question):
            return []
        match = _FACETS.search(self._without_names(question))
        return [facet for facet in _FACET_SEPARATOR.split(match.group(1)) if len(facet) >= 2] if match else []

    def _article_asked(self, question: str) -> int | None:
        match = _ARTICLE_ASKED.search(self._without_names(question))
        return to_int(match.group(1)) if match else None

    def _without_names(self, text: str, replacement: str = "") -> str:
        """`text` with every name of a document taken out ("济宁住建局…" → "住建局…")."""
        return self._pattern.sub(replacement, text) if self._pattern else text

    def _mentioned(self, text: str) -> tuple[list[str], list[str]]:
        """(documents the text names one by one, in order of mention; documents of the places it names that
        have several — 广州 with its seven, 全区 for an 自治区 and a district — to be searched together)."""
        if self._pattern is None:
            return self._references.cited(text), []
        matches = list(self._pattern.finditer(text))
        named: list[str] = []
        of_places: list[str] = []
        for i, match in enumerate(matches):
            doc_ids = self._aliases[match.group()]
            child = self._aliases[matches[i + 1].group()] if i + 1 < len(matches) and matches[i + 1].start() == match.end() else []
            if child and all(self._encloses(d, c) for d in doc_ids for c in child):
                continue  # "内蒙古自治区阿拉善盟": the parent region only locates the child
            found = named if len(doc_ids) == 1 else of_places
            found.extend(d for d in doc_ids if d not in found)
        if of_places and (of_the_year := self._references.cited(text, among=of_places)):
            named, of_places = named + [d for d in of_the_year if d not in named], []  # "杭州2024年的政策": that one
        named += [d for d in self._references.cited(text) if d not in named]  # "国务院2018年促进就业意见"
        return named, [d for d in of_places if d not in named]

    def uncovered_places(self, text: str) -> list[str]:
        """Places the text names (any 省, 市 or 县 of China) that no document is about: not the place of a
        document, nor inside a city or county that has one. 呼伦贝尔 is uncovered by a 自治区 plan: asked
        about 呼伦贝尔, no figure of the 自治区 or of 赤峰 is its answer."""
        if not self._all_placed:
            return []
        named = [match.span() for match in self._pattern.finditer(text)] if self._pattern else []
        uncovered: list[Mention] = []
        for mention in gazetteer().mentions(text):
            if self._covered(mention.place) or any(start <= mention.start and mention.end <= end for start, end in named):
                continue
            if uncovered and uncovered[-1].end == mention.start and mention.place.within(uncovered[-1].place):
                mention = replace(mention, text=uncovered.pop().text + mention.text)  # 北京市朝阳区 is one place
            uncovered.append(mention)
        return list(dict.fromkeys(m.text for m in uncovered))

    def _covered(self, place: Place) -> bool:
        return any(own.within(place) or (place.within(own) and own.rank != "省") for own in self._places.values())

    def _encloses(self, parent: str, child: str) -> bool:
        outer, inner = self._places.get(parent), self._places.get(child)
        return outer is not None and inner is not None and inner != outer and inner.within(outer)

    def topic(self, text: str) -> str:
        """What the question is about, as a phrase: "济宁县城新建住宅最高不超过几层？" → "县城新建住宅最高不超过几层"."""
        topic = self._without_names(text, " ")
        topic = _COMPARISON_TAIL.sub("", re.sub(r"[？?！!。\s]+", " ", topic).strip())
        topic = _EDGE_WORDS.sub("", topic.replace(" ", "")) or text.strip()
        topic = _MARKUP.sub("", topic)  # echoed into Markdown/HTML answers: never markup
        return topic if len(topic) <= _TOPIC_CHARS else topic[:_TOPIC_CHARS] + "…"

    def _previous_question(self, history: Sequence[dict[str, Any]]) -> str:
        """The question the conversation is about: as the last answer understood it (a follow-up already
        completed), else the user's last message — itself completed when it was a follow-up ("那阿拉善呢？"
        after "赤峰县城新建住宅最高几层"), so that a chain of follow-ups keeps its subject."""
        for i in range(len(history) - 1, -1, -1):
            message = history[i]
            if message.get("role") == "assistant" and message.get("understood_as"):
                return simplified(str(message["understood_as"]).strip())
            if message.get("role") == "user":
                asked = simplified(str(message.get("content", "")).strip())
                earlier = self._previous_question(history[:i]) if i else ""
                if earlier and (_FOLLOW_UP.search(asked) or len(asked) <= _SHORT_FOLLOW_UP):
                    named, of_places = self._mentioned(asked)
                    return self._complete(asked, earlier, named or of_places)
                return asked
        return ""

    def _complete(self, question: str, previous: str, own_docs: list[str]) -> str:
        """A follow-up completed with what it leaves out: "那阿拉善呢？" after "赤峰县城新建住宅最高几层"
        → "阿拉善 县城新建住宅最高几层"; a new year or document replaces the old one."""
        context = previous
        if own_docs and self._pattern:
            context = self._pattern.sub("", context)
        new_years = _YEAR.findall(question)
        if new_years:
            context = _YEAR.sub("", context)
        own = re.sub(r"^(?:那么|那个|那|还有|另外|再问)|呢?[？?！!。]*$", "", question)
        return f"{own} {context}".strip()


def document_aliases(meta: DocumentMeta) -> set[str]:
    """Ways a user names a document: its region and the place's short names (赤峰市/赤峰), short name,
    文号, title; 自治区/全区 for an autonomous region's document, 阿盟/全盟 for a 盟's."""
    region = meta.region if meta.region != NATIONWIDE else ""
    names = {region, meta.short_name, meta.doc_number, meta.title}
    if place := gazetteer().by_code.get(meta.region_code):
        names |= {place.name, *gazetteer().short_names(place)}
    if region.endswith("自治区"):
        names |= {"自治区", "全区"}
    if meta.level == "区县" and region.endswith("区"):
        names.add("全区")
    if region.endswith("盟"):
        names |= {region[0] + "盟", "全盟"}
    return {name for name in names if name and len(name) >= 2}

def _section_asked(question: str) -> str:
    if match := _SECTION.search(question):
        return match.group()
    return "适用范围" if _SCOPE_ASKED.search(question) else ""


def _asks_quantity(text: str) -> bool:
    if _QUANTITY_QUESTION.search(text.replace("哪几", "哪")):  # "哪几个地方" asks which, not how many
        return True
    return bool(_METRIC.search(text)) and not _NOT_A_QUANTITY.search(text)


def _has_own_question(question: str) -> bool:
    return bool(_OWN_QUESTION.search(question))


def _clause_reference(question: str) -> int | None:
    match = _CLAUSE_REFERENCE.search(question)
    return to_int(match.group(1)) if match else None
