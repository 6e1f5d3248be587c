"""Quantitative targets (指标) as data: every figure a document sets to be reached or respected.

"到2025年，全盟城镇清洁取暖率达到93%以上" becomes a record: 城镇清洁取暖率 ≥ 93 %, 2025, scope 城镇.
A figure is a target when the text binds it: a bound word (不低于, 不超过, 控制在, 以上, 以内, 左右) or a
verb of reaching or building (达到, 提高到, 完成, 新增, 建成) stands right before or after it. What is only
mentioned is not: dates, deadlines, article numbers, 文号, a qualifier ("2万平方米以上的公共建筑",
"12层以下居住建筑", "满20年"), money paid to someone (元), figures inside brackets or titles.

Appendix indicator tables give one record per year column ("2024年预期指标：92%；2025年指标：93%").
A document's preface that repeats its articles (a news report, a cover letter) adds no second record.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from ingest.models import Clause, Document
from ingest.quantities import Mention, mentions
from ingest.sentences import split_sentences
from ingest.tables import CELL_SEPARATOR

# A record's comparator as a table or an answer says it.
COMPARATOR_WORDS = {">=": "不低于", "<=": "不高于", ">": "高于", "<": "低于", "=": "达到", "≈": "左右"}
_PARTS = re.compile(r"[，,；;：:]")
_DEADLINE = re.compile(r"(?:到|至|在|截至|于)?((?:19|20)\d\d)年(?:底|末|前|年底)?(?:前|以前|起|开始)?")
_BASELINE = re.compile(r"(?:分别)?(?:较|比|相比|与)((?:19|20)\d\d)年(?:相比)?")
_OPENING, _CLOSING = "（(《“〔[【", "）)》”〕]】"
# Units a figure is stated in, longest first (ratios before their parts).
_UNIT = re.compile(
    r"个百分点|公里/平方公里|人/平方公里|吨/万平方米|平方公里|平方米|立方米|公顷|公里|千米|毫米|厘米|亩|米|层|个|座|所|家|处|项|"
    r"吨|辆|台|套|户|人|张|条|倍|次|只|株|间|亿立方米|立方|千瓦|瓦|度|小时|天|分钟")
_MONEY = re.compile(r"\s*(?:亿|万|千|百)?元")
# Bound words before a figure, and the comparison each states.
_BOUND_BEFORE = [
    (re.compile(r"(?:不[应得宜能可]?(?:低于|少于|小于)|至少)$"), ">="),
    (re.compile(r"(?:不[应得宜能可]?(?:超过|高于|大于)|控制在|稳定在|保持在)$"), "<="),
    (re.compile(r"(?:超过|突破|高于|大于|超)$"), ">"),
    (re.compile(r"(?:低于|小于)$"), "<"),
]
# Verbs of reaching or changing: the figure after them is the level to reach ("清洁取暖率达到93%").
_REACH_VERB = re.compile(
    r"(?:达到|提高到|提升到|增加到|增长到|降低到|下降到|降至|提高至|提升至|达|覆盖|实现|提升|提高|降低|下降|减少|增长|增加|累计)$")
# Verbs of building or doing: the figure counts what they make ("新增城市道路157公里", "完成改造面积200万平方米").
_COUNT_VERB = re.compile(r"新建改建|新改建|改造提升|完成|新增|新建|改建|建成(?!区)|建设|改造|打通|培育|创建|开展|配备|接入")
# Of these, the ones that also say which things ("新建住宅", "改建道路") and stay part of the name.
_DESCRIBING_VERBS = ("新建", "改建")
# An item or article number opening the part: "（三）由至少2名…", "第二十条就业见习基地…".
_LIST_MARKER = re.compile(r"^(?:[（(][一二三四五六七八九十\d]+[）)]|第[一二三四五六七八九十百零〇\d]+条|\d+[.．、])")
# A part that names only places: the previous figure's measure, for these places.
_ONLY_PLACES = re.compile(r"(?:[\u4e00-\u9fff]{1,8}?(?:市|区|旗|县|镇|盟|州)[、和及]?)+")
_MEASURE_ONLY = re.compile(r"^(?:面积|比例|占比|规模|数量|总量|任务)$")
# A part that only names a measure and its figure ("建筑面积240万平方米"): after a target, another one.
_BARE_PART = re.compile(r"[\u4e00-\u9fff]{2,12}[\d.]+[万亿]?[^\d，。；]{0,8}[。；]?")
# The base of a share between its bound and its figure: "不超过建筑总面积的20%", "达到总规模的20%".
_BASE = re.compile(r"(?:(?<=超过|低于|少于|小于|高于|大于|达到)|(?<=控制在))[\u4e00-\u9fff]{1,10}?的$")
# The words before a figure that state its bound, kept verbatim in `requirement`.
_REQUIREMENT_LEAD = re.compile(
    r"(?:力争)?(?:不[应得宜能可]?(?:低于|少于|小于|超过|高于|大于)|至少|控制在|稳定在|保持在|超过|突破|高于|大于|低于|小于|"
    r"达到|提高到|提升到|降低到|下降到|降至|覆盖|提升|提高|降低|下降|减少|增长|增加)$")
# Bound words that only say "kept at": 以上 after the figure decides ("稳定在92%以上" is ≥).
_NEUTRAL_BOUND = re.compile(r"(?:稳定在|保持在|控制在)$")
_BOUND_AFTER = [(re.compile(r"^(?:及)?以上"), ">="), (re.compile(r"^(?:及)?(?:以下|以内)"), "<="), (re.compile(r"^左右"), "≈")]
# A figure that only measures what a phrase is about, not what must be reached.
_NOT_A_TARGET_BEFORE = re.compile(r"(?:满|年满|第|约|近|前|每隔|不足)$")
_FILLERS = re.compile(r"^(?:力争|争取|计划|要|应|均|必须|基本|全面|累计|逐步|逐年|实现|其中|按照|按|(?:改造|建成|实施)后)+|"
                      r"(?:力争|争取|要|应|均|必须|基本|全面|分别|稳定|原则上|原则|按照|按|的)+$")
# The document's own region as the subject (全盟城镇清洁取暖率) says nothing about the measure.
_OWN_REGION = re.compile(r"^(?:全国|全省|全区|全市|全盟|全州|全县|全旗|全域|自治区|各地|各市|各旗县区|我市|我区|我省)")
# Where within a region a target applies.
_SCOPES = re.compile(
    r"^(?:市中心城区|中心城区|主城区|城区|城镇|城市|县城|县级以上城市|地级及以上城市|地级城市|建成区|农村牧区|农村地区|农村|牧区|"
    r"各旗区|其他旗区|旗县|乡镇|建制镇|行政村|[\u4e00-\u9fff]{2,4}(?:镇|旗))")
# "县城新建住宅以6层为主，最高不超过18层": 最高 names the measure of the sentence's subject, in its unit.
_SUPERLATIVE = re.compile(r"最(?:高|低|多|少|大|小|长|短)")
_UNIT_MEASURES = {"层": "层数", "米": "高度"}
# Sections of conditions (申请条件, 认定标准, 准入资格): their figures say who qualifies, not what must be reached.
_ELIGIBILITY = re.compile(r"条件|资格|认定|准入|申请|对象")
_REPORTS_FACTS = re.compile(r"统计公报|统计公告|统计年鉴")
# Sentences whose figures are parameters, not targets: penalties, money given (补贴、奖励), definitions (是指).
_NOT_TARGETS = re.compile(r"罚款|处[^，。；]{0,20}罚|给予|补助|补贴|资助|奖励|激励|奖补|贴息|是指|指的是")
_PROPERTY = re.compile(r"[（(]?(约束性|预期性)[）)]?")


@dataclass
class Indicator:
    """One target a document sets: who must reach what figure, by when, where it is stated."""

    doc_id: str
    path: str  # the clause, as citations name it
    name: str  # the measure in the document's words, without its region: 城镇清洁取暖率
    value: float  # in plain units (1.6万 → 16000); a percentage as its number (93% → 93)
    value_text: str  # as written: 93%, 1.6万个, 8.5公里/平方公里
    unit: str  # %, 层, 平方米, 公里/平方公里, … or ""
    comparator: str  # >=, <=, >, <, = or ≈ (左右)
    year: str  # the target year, "" when none is stated
    sentence: str  # verbatim from the clause
    requirement: str = ""  # the bound and figure in the document's words: 达到93%以上, 控制在10%以内, 突破30%
    baseline_year: str = ""  # 较2020年 …
    scope: str = ""  # 城区, 县城, 农村牧区, 中心城区, …
    property: str = ""  # 约束性 or 预期性 where the document says
    lead_units: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def extract_indicators(document: Document) -> list[Indicator]:
    """Every target `document` sets, in document order; a preface repeating an article adds nothing."""
    if _REPORTS_FACTS.search(document.meta.title):  # a statistical bulletin states what was, not what must be
        return []
    found: list[Indicator] = []
    for clause in document.clauses:
        if clause.kind in ("form", "back_matter"):
            continue
        if clause.kind == "table_row":
            found += _table_row(document.doc_id, clause)
        elif not any(_ELIGIBILITY.search(node.heading) for node in document.heading_chain(clause)):
            for sentence in split_sentences(clause.text):
                found += _sentence_targets(document.doc_id, clause, sentence)
    return _without_repeats(found, {c.path for c in document.clauses if c.kind == "preamble"})


def _without_repeats(found: list[Indicator], preamble_paths: set[str]) -> list[Indicator]:
    """Drop a preamble's record when an article states the same figure for the same measure and year."""
    stated = {(i.name, i.value, i.year) for i in found if i.path not in preamble_paths}
    seen: set[tuple[str, str, str, float, str]] = set()
    kept = []
    for indicator in found:
        key = (indicator.path, indicator.sentence, indicator.name, indicator.value, indicator.year)
        if key in seen or (indicator.path in preamble_paths and key[2:] in stated):
            continue
        seen.add(key)
        kept.append(indicator)
    return kept


# --- appendix tables -----------------------------------------------------------------------

def _table_row(doc_id: str, clause: Clause) -> list[Indicator]:
    """A row "指标内容：X；2024年预期指标：92%；2025年指标：93%" → one record per year cell that states a figure."""
    cells = dict(cell.split("：", 1) for cell in clause.text.split(CELL_SEPARATOR) if "：" in cell)
    name = next((v for k, v in cells.items() if re.search(r"内容|名称|指标$|项目", k) and not _DEADLINE.match(k)), "")
    property_ = next((v for k, v in cells.items() if "属性" in k or "性质" in k), "")
    records = []
    for header, value in cells.items():
        year = _DEADLINE.match(header)
        stated = mentions(value)
        if not year or not stated or not name:
            continue
        first = stated[0]
        after = value[value.find(first.text) + len(first.text):]
        unit = "%" if first.quantity.percent else _unit(after)
        comparator = ">" if value.lstrip().startswith(">") else "<" if value.lstrip().startswith("<") else _after_bound(after) or "="
        records.append(Indicator(doc_id=doc_id, path=clause.path, name=name.strip(), value=first.quantity.value,
                                 value_text=value.strip(), unit=unit, comparator=comparator, year=year.group(1),
                                 sentence=clause.text, requirement=value.strip(), property=_property(property_) or _property(header),
                                 lead_units=list(clause.lead_units), units=list(clause.units)))
    return records


# --- sentences -----------------------------------------------------------------------------

def _sentence_targets(doc_id: str, clause: Clause, sentence: str) -> list[Indicator]:
    if _NOT_TARGETS.search(sentence):  # a penalty, money given, a definition: its figures are parameters
        return []
    records: list[Indicator] = []
    year, offset = "", 0
    last_part_record: Indicator | None = None
    for part in _PARTS.split(sentence):
        start, offset = sentence.find(part, offset), sentence.find(part, offset) + len(part)
        if deadline := _last_deadline(part):
            year = deadline
        if part.rstrip().endswith("的"):  # "确需建设18层以上居住建筑的，…": a condition, not a target
            continue
        previous = records[-1] if records else None
        follows_target = bool(records) and records[-1] is last_part_record
        last_part_record = None
        for mention in mentions(part):
            record = _target(part, mention, _position(part, mention), year, previous, sentence, start, follows_target)
            if record is not None:
                record.doc_id, record.path = doc_id, clause.path
                record.lead_units, record.units = list(clause.lead_units), list(clause.units)
                records.append(record)
                previous = last_part_record = record
    return records


def _position(part: str, mention: Mention) -> int:
    return part.find(mention.text)


def _last_deadline(part: str) -> str:
    years = [m.group(1) for m in _DEADLINE.finditer(_BASELINE.sub("", part))]
    return years[-1] if years else ""


def _target(part: str, mention: Mention, at: int, year: str, previous: Indicator | None, sentence: str,
            part_start: int, follows_target: bool) -> Indicator | None:
    """The record `mention` states in `part`, or None when the figure is not a target."""
    before, after = part[:at], part[at + len(mention.text):]
    before = re.sub(r"\d+(?:\.\d+)?[%％]?\s*[—\-~～至到]\s*$", "", before)  # "1—2个": named and bound before its start
    if _is_date_or_number_of_something(mention, before, after) or _inside_brackets(sentence, part_start + at):
        return None
    unit = "%" if mention.quantity.percent else _unit(after)
    after_unit = after[len(unit):] if unit != "%" else after
    comparator = _after_bound(after_unit) or _before_bound(before) if _NEUTRAL_BOUND.search(before) else \
        _before_bound(before) or _after_bound(after_unit)
    tail = _FILLERS.sub("", before.rstrip())
    tail = _BASE.sub("", before.rstrip()) if _REACH_VERB.search(_BASE.sub("", before.rstrip())) else tail
    since_last_figure = re.split(r"\d", before)[-1]
    verb = (_REACH_VERB.search(tail) is not None or re.search(f"(?:{_COUNT_VERB.pattern})$", tail) is not None
            or any(v.group() not in _DESCRIBING_VERBS for v in _COUNT_VERB.finditer(since_last_figure)))
    counted = re.search(f"(?:{_COUNT_VERB.pattern})$", tail) is not None  # "完成80处以上停车场…改造"
    if (_is_qualifier(after_unit, mention, comparator, verb) and not counted) or after_unit.startswith("为主"):
        return None
    listed = re.search(r"\d[^\d、，]*、([^\d、]*)$", before) if previous is not None else None  # "630座、充电桩1.6万个"
    continued = previous is not None and (listed is not None or re.search(r"(?:和|、|及|至|-|—|～|~)$", before) is not None)
    must = mention.quantity.percent and re.search(r"(?:应|须|必须|要)$", before) is not None  # "新建住宅小区应100%…"
    if comparator is None and not verb and not continued and not must and not (follows_target and _BARE_PART.fullmatch(part)):
        return None
    if listed and listed.group(1).strip():
        name, scope = _name(listed.group(1), after_unit, previous)
    elif continued and previous:
        name, scope = previous.name, previous.scope
    else:
        name, scope = _name(before, after_unit, previous)
    if _SUPERLATIVE.fullmatch(name):
        name = _subject(sentence[:part_start]) + name + _UNIT_MEASURES.get(unit, "")
    if not name or "《" in name:
        return None
    bounded = comparator or (previous.comparator if continued and previous else "=")
    value_text = mention.text + (unit if unit != "%" or "%" not in mention.text else "")
    lead, trail = _REQUIREMENT_LEAD.search(before.rstrip()), re.match(r"(?:及)?(?:以上|以下|以内|左右)", after_unit)
    return Indicator(doc_id="", path="", name=name, value=mention.quantity.value, value_text=value_text, unit=unit,
                     comparator=bounded, year=year, sentence=sentence,
                     requirement=(lead.group() if lead else "") + value_text + (trail.group() if trail else ""),
                     baseline_year=_baseline(before), scope=scope, property=_property(after_unit[:8]))


def _is_date_or_number_of_something(mention: Mention, before: str, after: str) -> bool:
    """A year, month or day; 第N; 满20年; a subsidy in 元; 一星级 (a grade, not a figure); a list number "1."."""
    return (re.match(r"\s*(?:年|月|日|号|周岁|岁|星级|级|类|批|版|[A-Z]级|个?(?:月|周|工作日|天|小时|分钟))", after) is not None
            or re.match(r"\s*[—\-~～至到]\s*\d", after) is not None  # the start of a range: its end is read
            or re.search(r"等$", before) is not None  # "等5个领域": a count of what was listed
            or (re.fullmatch(r"(?:19|20)\d\d", mention.text) is not None and re.match(r"\s*[—\-–~至到]", after) is not None)
            or _NOT_A_TARGET_BEFORE.search(before) is not None
            or _MONEY.match(after) is not None
            or (not before.strip() and re.match(r"\s*[.．、]", after) is not None))


def _inside_brackets(sentence: str, at: int) -> bool:
    depth = 0
    for char in sentence[:at]:
        depth += (char in _OPENING) - (char in _CLOSING and depth > 0)
    return depth > 0


def _is_qualifier(after_unit: str, mention: Mention, comparator: str | None, verb: bool) -> bool:
    """"2万平方米以上的公共建筑", "12层以下居住建筑", "超过300吨的地区": the figure says which things, not how many.

    A share ("60%以上的行政村", "40%以上的建成区面积达到…") is the target itself; a strict bound before a figure
    ("不低于500平方米的标准") too.
    """
    if mention.quantity.percent:  # a share is the target ("60%以上的行政村"), unless a condition ("低于40%的城市")
        return comparator in (">", "<") and re.sub(r"^[（(][^）)]*[）)]", "", after_unit).startswith("的")
    rest = re.sub(r"^(?:及)?(?:以上|以下|以内)", "", after_unit)
    describes = rest.startswith("的") or (rest != after_unit and re.match(r"[\u4e00-\u9fff]", rest) is not None)
    return describes and not (comparator in (">=", "<=") and not after_unit.startswith(("以上", "以下", "及")))


def _before_bound(before: str) -> str | None:
    tail = _FILLERS.sub("", before.rstrip())
    for pattern, comparator in _BOUND_BEFORE:
        if pattern.search(tail) or pattern.search(before) or pattern.search(_BASE.sub("", before.rstrip())):
            return comparator
    return None


def _after_bound(after_unit: str) -> str | None:
    for pattern, comparator in _BOUND_AFTER:
        if pattern.match(after_unit):
            return comparator
    return None


def _unit(after: str) -> str:
    match = _UNIT.match(after.lstrip())
    return match.group() if match else ""


def _baseline(before: str) -> str:
    match = _BASELINE.search(before)
    return match.group(1) if match else ""


def _property(text: str) -> str:
    match = _PROPERTY.search(text)
    return match.group(1) if match else ""


def _name(before: str, after_unit: str, previous: Indicator | None) -> tuple[str, str]:
    """The measure and its scope: from the words before the figure, else after it, else the previous record's."""
    text = _LIST_MARKER.sub("", _DEADLINE.sub("", _BASELINE.sub("", before)).strip())
    text = _OWN_REGION.sub("", _measure_words(text))
    for pattern, _comparator in _BOUND_BEFORE:  # "全市至少建成" → 至少 once the verb is gone
        text = pattern.sub("", text)
    text = "" if len(text) < 2 else text  # "能按不低于…" leaves 能: no name
    scope_match = _SCOPES.match(text)
    scope = scope_match.group() if scope_match else ""
    if previous is not None and _ONLY_PLACES.fullmatch(text):  # "…30%以上，呼和浩特市、包头市主城区达到40%以上"
        return previous.name, text
    if text and text != scope:
        return _clean(text), scope
    following = re.split(r"[，。；、,;（(\d]|[和及](?=\d)", re.sub(r"^(?:及)?(?:以上|以下|以内|左右)?的?", "", after_unit))[0]
    if following.strip():  # "中心城区40%以上的建成区面积达到海绵城市标准"
        return _clean(text + following), scope
    if previous is not None:  # "…30%以上，主城区达到40%以上"
        return previous.name, scope or previous.scope
    return "", scope


def _subject(preceding: str) -> str:
    """The subject of the last part before a figure: "县城新建住宅以6层为主，" → 县城新建住宅."""
    last = [part for part in _PARTS.split(preceding) if part.strip()]
    return re.split(r"以|为|应|要|须|不", last[-1])[0].strip() if last else ""


def _measure_words(text: str) -> str:
    """The words naming what is measured: bound words and verbs at the end dropped ("城镇燃气普及率超过" → 城镇燃气
    普及率); after a verb of building, what it builds ("全市新增城市道路" → 城市道路)."""
    for _ in range(4):
        stripped = _FILLERS.sub("", text)
        for pattern, _comparator in _BOUND_BEFORE:
            stripped = pattern.sub("", stripped)
        stripped = _REACH_VERB.sub("", _FILLERS.sub("", stripped))
        stripped = re.sub(r"(?:各类|一批|共|总计|合计)$", "", stripped)
        if stripped == text:
            break
        text = stripped
    for verb in reversed(list(_COUNT_VERB.finditer(text))):
        counted = re.sub(r"^(?:各类|一批)", "", text[verb.end():])
        subject = _SCOPES.sub("", _FILLERS.sub("", _OWN_REGION.sub("", text[:verb.start()])))
        if verb.group() in _DESCRIBING_VERBS or subject:
            continue
        if len(counted) >= 2 and not _MEASURE_ONLY.match(counted):
            return counted
    return re.sub(f"(?:{_COUNT_VERB.pattern})$", "", text)


def _clean(name: str) -> str:
    name = re.sub(r"^[的、和及与]|[的、和及与]$", "", name.strip(" “”\"'"))
    return _OWN_REGION.sub("", name)


# --- one measure, several wordings ---------------------------------------------------------

# Scope words that open a measure's name without changing what it measures (城镇清洁取暖率 = 清洁取暖率).
_SCOPE_PREFIX = re.compile(r"^(?:市中心城区|中心城区|主城区|城区|城镇|城市|县城|全市|全区|全盟|全省)+")


def measure_key(name: str) -> str:
    """The measure a name states, without its scope words: 城镇清洁能源取暖率 → 清洁能源取暖率."""
    return _SCOPE_PREFIX.sub("", name).replace("的", "") or name


def same_measure(a: str, b: str) -> bool:
    """Whether two names state one measure: the shorter (five characters at least: 建筑面积 says too little) stands
    in the longer in order, in at most three runs, its ending kept — words inserted, not the measure replaced
    (清洁取暖率 ~ 清洁能源取暖率 ~ 清洁取暖覆盖率; 污水处理率 ≁ 污水处理厂中水利用率; 用水普及率 ≁ 燃气普及率)."""
    short, long_ = sorted((measure_key(a), measure_key(b)), key=len)
    if short == long_:
        return True
    runs = in_order(short, long_)
    if len(short) < 5 or runs is None or len(runs) > 3:
        return False
    # the ending kept: its last two characters together, or at most two inserted before the last (清洁取暖覆盖率)
    return len(runs[-1]) >= 2 or long_.rfind(runs[-2]) + len(runs[-2]) >= len(long_) - 3


def in_order(short: str, long_: str) -> list[str] | None:
    """`short` matched in order inside `long_`, as its contiguous runs there; None when it is not inside."""
    runs: list[str] = []
    position = -1
    for char in short:
        found = long_.find(char, position + 1)
        if found < 0:
            return None
        if found == position + 1 and runs:
            runs[-1] += char
        else:
            runs.append(char)
        position = found
    return runs


def measure_groups(names: list[str]) -> dict[str, str]:
    """Each name → its group's label: the shortest wording that names the same measure. A name joins the first
    group (shortest label first) whose label it shares a measure with; the rule is same_measure, reviewed in
    eval/indicators/groups.md for the bundled and development documents."""
    labels: list[str] = []
    grouped: dict[str, str] = {}
    for name in sorted(set(names), key=lambda n: (len(measure_key(n)), n)):
        label = next((lab for lab in labels if same_measure(lab, name)), None)
        if label is None:
            labels.append(label := measure_key(name))
        grouped[name] = label
    return grouped
