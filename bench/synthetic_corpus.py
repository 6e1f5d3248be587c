"""A synthetic corpus for scale benchmarks: N policy documents recombined from the real ones.

    python bench/synthetic_corpus.py OUT_DIR --documents 2000 [--seed 7]

or, from a benchmark, `generate(Path("/tmp/corpus"), documents=2000, seed=7)`.

The real documents in data/corpus are parsed with the project's own parser; their clauses become
a pool (tasks under their section titles, 保障措施 tasks, 指导思想/目标 paragraphs, intros, the
indicator table of the 通辽 appendix). Each synthetic document gets its own region (70 cities,
leagues, counties and banners in nine provinces, none of them a source region, so questions about
the real documents keep one answer), 发文机关, 文号 and date, and 4–7 top-level sections recombined from
clauses of all five sources. Variation that keeps most clause texts distinct (the benchmark embeds
them): region and level words rewritten (赤峰市 → 包头市, 全盟 → 全市, 自治区 → 省, 牧区 → 农村),
target years shifted, percentages and quantities perturbed (consistently within a document),
sentences dropped, swapped or borrowed from other clauses, responsible-unit lists regenerated.
Numbering schemes vary (一、/（一）/1./（1）, 1、, 第一章/第一条/（一）, restarting or running
straight through), and some files are made messy the way real ones are: full-width digits, or a
PDF export's hard line wraps, "- 3 -" page footers and spaced-out years. Every document is seeded
by (seed, its index), so the 100-document corpus is the start of the 2000-document one.
Existing synth-*.txt files in OUT_DIR are removed first, so a smaller run leaves no stale files.
"""

from __future__ import annotations

import argparse
import random
import re
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from pathlib import Path

from ingest.models import Clause, Document
from ingest.numbering import NOT_HEADING_NEXT, match_heading
from ingest.pipeline import parse_paths
from ingest.units import unit_list_text

SOURCE_DIR = Path(__file__).resolve().parents[1] / "data" / "corpus"
MAX_SOURCE_BYTES = 50 * 2**20
FILE_PREFIX = "synth-"


# --- regions -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Province:
    full: str
    short: str
    level: str  # how the province names itself in a text: 省 | 自治区
    abbr: str  # its 文号 prefix: 晋政办发
    pastoral: bool  # 苏木、嘎查、牧区 are its words


_PROVINCES = {
    "蒙": Province("内蒙古自治区", "内蒙古", "自治区", "内", True),
    "晋": Province("山西省", "山西", "省", "晋", False),
    "陕": Province("陕西省", "陕西", "省", "陕", False),
    "冀": Province("河北省", "河北", "省", "冀", False),
    "鲁": Province("山东省", "山东", "省", "鲁", False),
    "宁": Province("宁夏回族自治区", "宁夏", "自治区", "宁", False),
    "甘": Province("甘肃省", "甘肃", "省", "甘", False),
    "吉": Province("吉林省", "吉林", "省", "吉", False),
    "黑": Province("黑龙江省", "黑龙江", "省", "黑", False),
}
# Real prefecture-level cities, leagues, counties and banners; the five source regions are left out.
_REGION_NAMES = {
    "蒙": "呼和浩特市 包头市 乌海市 鄂尔多斯市 呼伦贝尔市 巴彦淖尔市 乌兰察布市 兴安盟 锡林郭勒盟 "
          "托克托县 和林格尔县 土默特左旗 准格尔旗 伊金霍洛旗 达拉特旗 克什克腾旗 太仆寺旗 扎赉特旗",
    "晋": "太原市 大同市 朔州市 忻州市 阳泉市 长治市 晋城市 晋中市 吕梁市 临汾市 运城市 右玉县 偏关县",
    "陕": "榆林市 延安市 宝鸡市 咸阳市 渭南市 汉中市 府谷县 定边县",
    "冀": "张家口市 承德市 秦皇岛市 唐山市 保定市 沧州市 邢台市 张北县 怀来县",
    "鲁": "临沂市 潍坊市 淄博市 泰安市 日照市 德州市 聊城市 菏泽市 东营市",
    "宁": "银川市 石嘴山市 吴忠市 固原市 中卫市",
    "甘": "酒泉市 张掖市 武威市 庆阳市",
    "吉": "白城市 松原市",
    "黑": "齐齐哈尔市 大庆市",
}
_ABBR_OVERRIDES = {"大同市": "同", "大庆市": "庆", "石嘴山市": "石嘴山"}


@dataclass(frozen=True)
class Region:
    name: str
    province: Province

    @property
    def kind(self) -> str:  # 市 | 盟 | 县 | 旗: also the prefix of its departments (市住建局, 盟财政局)
        return self.name[-1]

    @property
    def short(self) -> str:
        return self.name[:-1] if self.kind in "市盟" else self.name

    @property
    def government(self) -> str:  # what "经市人民政府同意" names
        return "盟行政公署" if self.kind == "盟" else f"{self.kind}人民政府"

    @property
    def office(self) -> str:
        return f"{self.name}{'行政公署' if self.kind == '盟' else '人民政府'}办公室"

    @property
    def below(self) -> tuple[str, str]:
        """The level below it, long and short: 旗县区/旗县, 县（市、区）/县区, 苏木乡镇."""
        if self.kind in "县旗":
            return ("苏木乡镇", "苏木乡镇") if self.province.pastoral else ("乡镇", "乡镇")
        if self.kind == "盟":
            return "旗县市", "旗县"
        return ("旗县区", "旗县") if self.province.pastoral else ("县（市、区）", "县区")

    @property
    def abbr(self) -> str:
        return _ABBR_OVERRIDES.get(self.name, self.name[0])


REGIONS = tuple(Region(name, _PROVINCES[key]) for key, names in _REGION_NAMES.items() for name in names.split())


# --- the pool of real clauses --------------------------------------------------------------------

@dataclass(frozen=True)
class Task:
    """One numbered task of a real document, its unit list taken off."""

    source: str  # doc_id of the real document
    heading: str  # 促进区域和城市群绿色发展
    sentences: tuple[str, ...]  # the body, one sentence (ending in 。) each
    group: str  # the title it stood under: 构建集约高效绿色空间载体
    order: float  # its position in the source, 0..1: keeps 组织领导 before 宣传培训
    family: int = 0  # tasks with near-identical headings (the sources share a template) share a family


@dataclass
class Pool:
    provincial: frozenset[str]  # sources written by a province: their "自治区" can mean themselves
    source_regions: tuple[tuple[str, str], ...]  # (赤峰市, 赤峰) …
    groups: dict[str, list[Task]] = field(default_factory=dict)  # section title → its tasks
    tasks: list[Task] = field(default_factory=list)
    guarantees: list[Task] = field(default_factory=list)  # tasks under 保障措施 / 组织实施
    guiding: list[tuple[str, str]] = field(default_factory=list)  # (source, "以习近平…为指导，…")
    goals: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)  # (source, ("到2025年，…", "到2035年，…"))
    intros: list[tuple[str, str]] = field(default_factory=list)  # (source, "为贯彻落实…，制定本方案。")
    sentences: list[tuple[str, str]] = field(default_factory=list)  # (source, a body sentence) to splice into tasks
    indicators: list[tuple[str, str, str]] = field(default_factory=list)  # (指标内容, next-to-last-year value, target)


_GENERAL = ("指导思想", "总体目标", "主要目标", "总体要求", "工作目标")
_CLOSING = ("保障", "组织实施", "组织领导")
# Place names that only make sense in their own city: a sentence naming one is not borrowed.
_TOO_LOCAL = ("梁山", "汶上", "金乡", "鱼台", "微山", "泗水", "南四湖", "大运河", "鲁南", "科尔沁", "西辽河", "呼包鄂",
              "一群双星多点", "一屏两廊三区", "京津冀", "通辽赤峰", "赤峰通辽", "中区直", "驻赤", "两个屏障", "阿左旗",
              "孪井滩", "库伦旗", "科左后旗", "敖汉", "任兖邹曲嘉")
_SENTENCE = re.compile(r"[^。]+(?:。|$)")
_SOURCE_PROVINCES = (("内蒙古自治区", "内蒙古"), ("山东省", "山东"))


@cache
def load_pool(source_dir: Path = SOURCE_DIR) -> Pool:
    """Parse the real documents once and sort their clauses into the pool."""
    documents = parse_paths([source_dir], MAX_SOURCE_BYTES).documents
    if not documents:
        raise SystemExit(f"no parsable documents in {source_dir}")
    pool = Pool(provincial=frozenset(d.doc_id for d in documents if d.meta.level == "省"),
                source_regions=tuple((d.meta.region, d.meta.short_name) for d in documents if d.meta.level in ("市", "区县")))
    for document in documents:
        _collect(pool, document)
    _assign_families(pool)
    pool.tasks = [task for tasks in pool.groups.values() for task in tasks]
    pool.sentences = [(task.source, s) for task in pool.tasks for s in task.sentences if 16 <= len(s) <= 120]
    return pool


def _assign_families(pool: Pool) -> None:
    """Group tasks whose headings share most character pairs (构建智慧城市管理体系 / 构建城市智慧管理体系)
    or differ only in the verb (加强组织领导 / 强化组织领导), so one document never carries both."""
    seen: list[tuple[set[str], str, int]] = []

    def family(heading: str) -> int:
        pairs = {heading[i:i + 2] for i in range(len(heading) - 1)}
        for other, rest, number in seen:
            if rest == heading[2:] or len(pairs & other) >= 0.5 * len(pairs | other):
                return number
        seen.append((pairs, heading[2:], len(seen)))
        return len(seen) - 1

    for tasks in (*pool.groups.values(), pool.guarantees):
        tasks[:] = [replace(task, family=family(task.heading)) for task in tasks]


def _collect(pool: Pool, document: Document) -> None:
    total = max(len(document.clauses), 1)
    for index, clause in enumerate(document.clauses):
        if clause.kind == "preamble":
            pool.intros += [(document.doc_id, line) for line in clause.text.split("\n") if line.startswith("为") and "制定" in line]
        elif clause.kind == "table_row":
            if indicator := _indicator(clause.text):
                pool.indicators.append(indicator)
        elif clause.kind == "clause" and not clause.path.startswith("附件"):
            _collect_clause(pool, document, clause, index / total)


def _collect_clause(pool: Pool, document: Document, clause: Clause, order: float) -> None:
    source = document.doc_id
    first, *rest = clause.text.split("\n")
    found = match_heading(first)
    if found is None or ("。" not in clause.text and not rest):
        return  # a title line: it reaches the pool as the group of its children
    body = first[found[1].end():].strip()
    if clause.heading in _GENERAL:
        _collect_general(pool, source, [body.removeprefix(clause.heading).lstrip("。：:"), *rest])
        return
    ancestors = document.heading_chain(clause)[-2::-1]  # parent first, top-level section last
    text = "".join([body, *rest])
    block = unit_list_text(text)
    if block and text.rstrip().endswith(block):
        text = text.rstrip()[: -len(block)]
    heading, *sentences = (s.strip() for s in _SENTENCE.findall(text) if s.strip())
    heading = heading.rstrip("。")
    sentences = [s if s.endswith("。") else s + "。" for s in sentences if not any(name in s for name in _TOO_LOCAL)]
    if not sentences or len(heading) > 40 or NOT_HEADING_NEXT.match(heading) or any(name in heading for name in _TOO_LOCAL):
        return
    group = next((a.heading for a in ancestors if "。" not in a.text and "\n" not in a.text), "重点任务")
    task = Task(source, heading, tuple(sentences), group, order)
    if ancestors and any(word in ancestors[-1].heading for word in _CLOSING):  # under 保障措施 / 组织实施
        pool.guarantees.append(task)
    else:
        pool.groups.setdefault(group, []).append(task)


def _collect_general(pool: Pool, source: str, paragraphs: list[str]) -> None:
    goals = tuple(p for p in paragraphs if p.startswith("到20"))
    pool.guiding += [(source, p) for p in paragraphs if p.startswith("以") and "为指导" in p]
    if goals:
        pool.goals.append((source, goals))


def _indicator(row_text: str) -> tuple[str, str, str] | None:
    """"序号：6；…；指标内容：城镇清洁能源取暖率；2024年预期指标：92%；2025年指标：93%" → its three cells."""
    cells = dict(part.split("：", 1) for part in row_text.split("；") if "：" in part)
    name = next((v for k, v in cells.items() if "内容" in k), "")
    values = [v for k, v in cells.items() if k[:1].isdigit() and "指标" in k]
    return (name, values[0], values[-1]) if name and len(values) >= 2 else None


# --- rewriting borrowed text for the new document ------------------------------------------------

@lru_cache(maxsize=512)
def _localiser(region: Region, provincial: bool, sources: tuple[tuple[str, str], ...]) -> Callable[[str], str]:
    """One-pass replacement of the source's place and level words by the new region's."""
    province, kind = region.province, region.kind
    below, below_short = region.below
    table = {
        "内政办发": f"{province.abbr}政办发", "印发自治区": f"印发{province.full}", "自治区": province.level,
        "国家、省": f"国家、{province.level}", "国家和省": f"国家和{province.level}", "省级": f"{province.level}级",
        "省市级": f"{province.level}、{kind}级", "省城乡": f"{province.level}城乡", "巴彦浩特镇": "中心城区",
        "旗县市区": below, "旗县区": below, "县市区": below, "县（市、区）": below, "旗区": below, "盟市": below,
        "旗县（市、区）": below, "旗县（市区）": below, "旗县（市）": below, "县（市）": below, "盟市级城市": "城市",
        "自治区、盟市、旗县（市、区）": f"{province.level}、{kind}、{below}",
        "自治区抓统筹、盟市负总责、旗县（市、区）抓落实": f"{province.level}抓统筹、{kind}负总责、{below}抓落实",
        "旗县": below_short, "市负总责": f"{kind}负总责", "市人民政府": region.government, "盟行政公署": region.government,
    }
    for word in ("全", "我", "本"):
        table.update({f"{word}市": f"{word}{kind}", f"{word}盟": f"{word}{kind}"})
    table.update({f"{level}{word}": f"{kind}{word}" for level in "市盟" for word in ("直", "委", "本级", "域")})
    table["全区"] = f"全{kind}"  # the source's own territory (自治区 or a 盟)
    if provincial:  # a province's "结合自治区实际" is about itself, which is now the new region
        table.update({"结合自治区实际": f"结合我{kind}实际", "，自治区城乡建设": f"，全{kind}城乡建设"})
    for full, short in _SOURCE_PROVINCES:
        table.update({full: province.full, short: province.short})
    for full, short in sources:
        table.update({full: region.name, short: region.short})
    if not province.pastoral:
        table.update({"苏木乡镇": "乡镇", "嘎查村": "村", "农村牧区": "农村", "农牧区": "农村", "农牧业": "农业",
                      "农牧民": "农民", "牧区": "农村", "苏木": "乡", "嘎查": "村"})
    keys = sorted(table, key=len, reverse=True)  # the longest name wins where two start together
    alternatives = "|".join(("(?<![城都超])" if key.startswith("市") else "") + re.escape(key) for key in keys)
    first_chars = re.escape("".join(sorted({key[0] for key in keys})))
    pattern = re.compile(f"(?=[{first_chars}])(?:{alternatives})")  # the lookahead skips most positions fast
    return lambda text: pattern.sub(lambda m: table[m.group()], text)


_PROTECTED = re.compile(r"(《[^》]*》|〔[^〕]*〕)")  # titles and 文号 of other documents keep their figures
_QUANTITY = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(%|个百分点|万平方米|万平米|平方公里|平方米|公里|公顷|米|层|个|处|座|家|户|所|项|条|张"
                       r"|万吨|吨|亿元|万元|亿立方米|万个|万人)")
_DIGIT = re.compile(r"\d")
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?=\s*(?:年|—|-|至))")


def _vary_numbers(ctx: Context, text: str) -> str:
    """Shift target years and perturb figures; the same figure changes the same way in one document."""
    def year(match: re.Match[str]) -> str:
        return str(ctx.years.get(int(match.group(1)), match.group(1)))

    def quantity(match: re.Match[str]) -> str:
        if match.group() not in ctx.memo:
            ctx.memo[match.group()] = _perturb(ctx.rng, match.group(1), match.group(2)) + match.group(2)
        return ctx.memo[match.group()]

    if not _DIGIT.search(text):
        return text
    parts = _PROTECTED.split(text)
    return "".join(part if i % 2 else _QUANTITY.sub(quantity, _YEAR.sub(year, part)) for i, part in enumerate(parts))


def _perturb(rng: random.Random, number: str, unit: str) -> str:
    decimals = len(number.split(".")[1]) if "." in number else 0
    value = float(number)
    if unit == "%":
        if value >= 100:
            return number  # 100% targets are absolute
        ceiling = 99.5 if decimals else 99  # "超过99%" must not become 100%
        new = min(value + rng.choice((-3, -2, -1, 1)), ceiling) if value >= 90 else min(value * rng.uniform(0.7, 1.35), 95)
    elif unit == "个百分点":
        new = max(1, value + rng.choice((-2, -1, 1, 2)))
    elif value <= 3 and not decimals:
        return number  # "1万人", "2公顷": too small to vary plausibly
    elif value < 30 and not decimals:
        new = max(1, value + rng.choice((-3, -2, -1, 1, 2, 3, 4)))  # 层, 个: small steps
    else:
        new = value * rng.uniform(0.6, 1.6)
        if not decimals:  # two significant figures, as plans write them: 317 → 380
            step = 10 ** max(0, len(str(int(new))) - 2)
            new = max(step, round(new / step) * step)
    return f"{new:.{decimals}f}" if decimals else str(max(1, round(new)))


@lru_cache(maxsize=1 << 16)
def _localised(region: Region, provincial: bool, sources: tuple[tuple[str, str], ...], text: str) -> str:
    return _localiser(region, provincial, sources)(text)  # cached: the same task meets the same region often


def _localise(ctx: Context, text: str, source: str) -> str:
    return _localised(ctx.region, source in ctx.pool.provincial, ctx.pool.source_regions, text)


def _adapt(ctx: Context, text: str, source: str) -> str:
    return _vary_numbers(ctx, _localise(ctx, text, source))


# --- one document ----------------------------------------------------------------------------------

_TOPICS = ("推动城乡建设绿色发展", "推进城乡建设领域碳达峰", "加快推进城乡建设绿色低碳发展", "推动城乡建设高质量发展",
           "推进绿色建筑高质量发展", "实施城市更新行动", "推进美丽宜居城乡建设", "加快发展节能低碳建筑",
           "推进城乡人居环境整治提升", "推动建筑领域节能降碳", "加快建设绿色低碳城市", "深化城乡基础设施绿色升级")
_UPPER_DOCS = ((2021, "《中共中央办公厅 国务院办公厅关于推动城乡建设绿色发展的意见》"),
               (2021, "《国务院关于印发2030年前碳达峰行动方案的通知》（国发〔2021〕23号）"),
               (2022, "《住房和城乡建设部 国家发展改革委关于印发城乡建设领域碳达峰实施方案的通知》（建标〔2022〕53号）"),
               (2024, "《加快推动建筑领域节能降碳工作方案》（国办函〔2024〕20号）"))
_ADVERBS = ("着力", "大力", "持续", "全面", "加快", "深入", "积极", "切实")
_VERBS = ("构建", "推动", "推进", "提高", "提升", "加强", "强化", "建立", "创新", "统筹", "促进", "建设", "打造", "完善",
          "优化", "发展", "推广", "实施", "开展")
_TASK_TITLES = ("重点任务", "主要任务", "重点工作", "工作任务")
_CLOSING_TITLES = ("保障措施", "组织实施", "加强组织实施", "切实加强组织实施", "保障措施", "组织保障")
# (long name, alternative long name, short name as an appendix table writes it)
_DEPARTMENTS = (("发展改革委", "发展和改革委员会", "发改委"), ("住房城乡建设局", "住房和城乡建设局", "住建局"),
                ("自然资源局", "自然资源局", "自然资源局"), ("生态环境局", "生态环境局", "生态环境局"),
                ("财政局", "财政局", "财政局"), ("教育局", "教育局", "教育局"), ("民政局", "民政局", "民政局"),
                ("交通运输局", "交通运输局", "交通局"), ("水务局", "水利局", "水务局"), ("农牧局", "农业农村局", "农牧局"),
                ("商务局", "商务局", "商务局"), ("文化和旅游局", "文化旅游广电局", "文旅局"),
                ("卫生健康委", "卫生健康委员会", "卫健委"), ("应急管理局", "应急管理局", "应急局"),
                ("市场监管局", "市场监督管理局", "市场监管局"), ("能源局", "能源局", "能源局"),
                ("工业和信息化局", "工业和信息化局", "工信局"), ("科技局", "科学技术局", "科技局"),
                ("林草局", "林业和草原局", "林草局"), ("城市管理局", "城市管理综合行政执法局", "综合执法局"),
                ("乡村振兴局", "乡村振兴局", "乡村振兴局"), ("行政审批和政务服务局", "行政审批和政务服务局", "行政审批局"),
                ("机关事务服务中心", "机关事务管理局", "机关事务中心"), ("统计局", "统计局", "统计局"),
                ("公安局", "公安局", "公安局"), ("人力资源社会保障局", "人力资源和社会保障局", "人社局"))


@dataclass
class Style:
    chapter: bool  # 第一章 / 第一条 / （一）
    item_mark: str  # "{}." "{}、" "{}. " "{}．"
    subs_straight: bool  # （一）… numbered straight through the document (济宁)
    items_straight: bool  # 1. … numbered straight through (通辽, 阿拉善)
    closing_as_items: bool  # 保障措施 numbered on with the items (通辽 四、21.)
    nested: float  # how likely a section is 重点任务 → （一）title → 1. tasks
    unit_format: str  # A B C D: the four ways the real documents write unit lists
    long_names: bool  # 住房和城乡建设局 rather than 住房城乡建设局
    full_width: bool  # ２０２５年, ３０％
    pdf_wrap: int  # 0, or the page width (display columns) a PDF export wrapped lines at
    blank_lines: bool  # a blank line between paragraphs


@dataclass
class Context:
    rng: random.Random
    region: Region
    pool: Pool
    style: Style
    years: dict[int, int]
    memo: dict[str, str] = field(default_factory=dict)
    used: set[int] = field(default_factory=set)  # task families already in this document


@dataclass
class Node:
    level: int  # 0 section, 1 subsection, 2 item, 3 sub-item
    text: str  # what follows the number on the heading line
    paragraphs: list[str] = field(default_factory=list)  # further paragraphs of its own
    children: list[Node] = field(default_factory=list)

    def count(self) -> int:
        return 1 + sum(child.count() for child in self.children)


@dataclass
class SyntheticDocument:
    doc_id: str
    text: str
    clauses: int  # how many clauses the project's parser should find in it
    region: str


def synthesize(documents: int, seed: int = 7, source_dir: Path = SOURCE_DIR) -> Iterator[SyntheticDocument]:
    pool = load_pool(source_dir)
    for index in range(1, documents + 1):
        yield _document(index, seed, pool)


def _document(index: int, seed: int, pool: Pool) -> SyntheticDocument:
    rng = random.Random(f"{seed}:{index}")  # per document: the first N documents never depend on N
    ctx = _context(rng, pool)
    topic = rng.choice(_TOPICS)
    near = min(ctx.years.get(2025, 2025), 2025 + 5)
    issued = (max(2021, min(2025, near - rng.choice((2, 3, 4)))), rng.randint(1, 12), rng.randint(1, 28))
    form = rng.choices(("notice", "plain_notice", "opinion"), weights=(55, 15, 30))[0]
    plan = f"{ctx.region.name}{topic}{rng.choice(('实施方案', '实施方案', '行动方案', '工作方案'))}"
    appendix = _appendix(ctx, near, f"《{plan}》" if form != "opinion" else ctx.region.name + topic) if rng.random() < 0.1 else []
    back = _back_matter(ctx, issued) if rng.random() < 0.35 or (form == "opinion" and appendix) else []
    preamble = _preamble(ctx, topic, plan, form, issued)
    if ctx.style.pdf_wrap:  # split before counting: the halves of a broken title are separate paragraphs
        preamble = [part for line in preamble for part in _split_title(line, int(ctx.style.pdf_wrap * 0.8))]
    # Clause budget 15–60, mostly 15–30: a long tail of big plans, ~25 on average.
    budget = 15 + min(45, int(rng.expovariate(1 / 10)))
    fixed = _preamble_clauses(preamble) + _appendix_clauses(appendix) + (1 if back else 0)
    nodes = _body(ctx, budget - fixed)
    tail = [ctx.region.office, _date(issued)] if form == "opinion" else []  # an 意见 is signed and dated at the end
    text = _render(ctx, preamble, nodes, tail, appendix, back)
    return SyntheticDocument(f"{FILE_PREFIX}{index:05d}", text, fixed + sum(node.count() for node in nodes), ctx.region.name)


def _context(rng: random.Random, pool: Pool) -> Context:
    chapter = rng.random() < 0.2
    items_straight = rng.random() < 0.4
    wrap = not chapter and rng.random() < 0.12
    style = Style(chapter=chapter, item_mark=rng.choices(("{}.", "{}、", "{}. ", "{}．"), weights=(60, 20, 12, 8))[0],
                  subs_straight=rng.random() < 0.45, items_straight=items_straight,
                  closing_as_items=items_straight and not chapter and rng.random() < 0.3, nested=rng.choice((0.1, 0.5, 0.8)),
                  unit_format=rng.choice("AABBCD"), long_names=rng.random() < 0.4,
                  full_width=not wrap and rng.random() < 0.15, pdf_wrap=rng.randint(64, 72) if wrap else 0,
                  blank_lines=rng.random() < 0.5)
    near = rng.choices((2025, 2026, 2027, 2028, 2030), weights=(4, 3, 3, 1, 1))[0]
    shift = near - 2025
    years = {year: year + shift for year in range(2022, 2029)}
    if shift >= 3:  # a 2030 target becomes long-term: push the long-term ones on too
        years.update({2030: 2035, 2035: 2050})
    return Context(rng, rng.choice(REGIONS), pool, style, years)


# --- sections --------------------------------------------------------------------------------------

def _body(ctx: Context, budget: int) -> list[Node]:
    """Opening (指导思想/目标), task sections filling the clause budget, and 保障措施."""
    opening = _opening(ctx)
    closing = _closing(ctx)
    middle_budget = max(budget - sum(n.count() for n in opening) - closing.count(), 6)
    low, high = max(1, 3 - len(opening)), 6 - len(opening)
    count = ctx.rng.randint(low, max(low, min(high, middle_budget // 3)))
    middle = [_task_section(ctx, size) for size in _partition(ctx.rng, middle_budget, count, 3, 45)]
    return [*opening, *middle, closing]


def _opening(ctx: Context) -> list[Node]:
    rng = ctx.rng
    guiding_source, guiding = rng.choice(ctx.pool.guiding)
    goal_source, goals = rng.choice(ctx.pool.goals)
    guiding = _drop_phrases(rng, _add_phrases(ctx, _adapt(ctx, guiding, guiding_source)))
    goals = [_drop_phrases(rng, _adapt(ctx, goal, goal_source)) for goal in goals]
    goal_title = rng.choice(("主要目标", "总体目标", "工作目标"))
    shape = rng.choices(("nested", "split", "single"), weights=(6, 2, 2))[0]
    if ctx.style.chapter or shape == "nested":
        inline = ctx.style.chapter or rng.random() < 0.5  # "（一）指导思想。以习近平…" or a title line above it
        children = [Node(1, f"指导思想。{guiding}") if inline else Node(1, "指导思想", [guiding]),
                    Node(1, f"{goal_title}。{goals[0]}", goals[1:]) if inline else Node(1, goal_title, goals)]
        return [Node(0, rng.choice(("总体要求", "总体思路")), children=children)]
    if shape == "split":
        return [Node(0, "指导思想", [guiding]), Node(0, goal_title, goals)]
    return [Node(0, "总体要求", [guiding, *goals])]


def _closing(ctx: Context) -> Node:
    rng = ctx.rng
    tasks = _take(ctx, ctx.pool.guarantees, rng.randint(2, 5), fallback=False)
    level = 2 if ctx.style.closing_as_items else 1
    children = [Node(level, _task_text(ctx, task, units=0.75)) for task in sorted(tasks, key=lambda t: t.order)]
    return Node(0, rng.choice(_CLOSING_TITLES), children=children)


def _task_section(ctx: Context, size: int) -> Node:
    """A section of `size` clauses: title + tasks, or (from 7 up) title + titled groups of tasks."""
    rng = ctx.rng
    if size >= 7 and (size > 7 or rng.random() < ctx.style.nested):
        groups = _nested_groups(rng, size - 1)
        title = rng.choice(_TASK_TITLES) if rng.random() < 0.6 else _vary_title(rng, rng.choice(list(ctx.pool.groups)), 0.3)
        return Node(0, title, children=[_group(ctx, 1, items) for items in groups])
    group, tasks = _pick_group(ctx)
    children = [_task_node(ctx, task, 1) for task in _take(ctx, tasks, min(6, size - 1))]
    return Node(0, _vary_title(rng, group, 0.3), children=children)


def _nested_groups(rng: random.Random, clauses: int) -> list[int]:
    """Item counts of the titled groups that make up `clauses` clauses (each group: its title + items)."""
    groups = min(6, max(2, round(clauses / rng.uniform(3.5, 5.5))))
    while groups > 1 and clauses - groups < 2 * groups:
        groups -= 1
    return _partition(rng, clauses - groups, groups, 2, 7)


def _group(ctx: Context, level: int, items: int) -> Node:
    """A titled group of `items` clauses: tasks, or fewer tasks when one carries sub-items."""
    group, tasks = _pick_group(ctx)
    children: list[Node] = []
    for task in _take(ctx, tasks, items):
        left = items - sum(child.count() for child in children)
        if left > 0:
            children.append(_task_node(ctx, task, level + 1, split=left >= 5))  # room for 1 + 3 sub-items + 1 more
    return Node(level, _vary_title(ctx.rng, group, 0.3), children=children)


def _pick_group(ctx: Context) -> tuple[str, list[Task]]:
    """A source section title and its tasks, preferring one with tasks this document has not used."""
    names = list(ctx.pool.groups)
    ctx.rng.shuffle(names)
    name = next((n for n in names if any(t.family not in ctx.used for t in ctx.pool.groups[n])), names[0])
    return name, ctx.pool.groups[name]


def _take(ctx: Context, tasks: list[Task], count: int, fallback: bool = True) -> list[Task]:
    """`count` tasks not yet in this document, from `tasks` first, then (mixing sources) from any group."""
    chosen: list[Task] = []
    for candidates in (tasks, ctx.pool.tasks if fallback else []):
        for task in ctx.rng.sample(candidates, len(candidates)):
            if len(chosen) == count:
                return chosen
            if task.family not in ctx.used:
                ctx.used.add(task.family)
                chosen.append(task)
    return chosen


def _task_node(ctx: Context, task: Task, level: int, split: bool = False) -> Node:
    """A task clause; if `split` allows, now and then an item split into （1）（2）… sub-items, as some plans write them."""
    heading, sentences, units = _task_parts(ctx, task, 0.85)
    if split and level == 2 and not ctx.style.chapter and len(sentences) >= 3 and ctx.rng.random() < 0.07:
        parts = sentences[1:4]
        if not any(NOT_HEADING_NEXT.match(part) or match_heading(part) for part in parts):
            children = [Node(3, part + (units if i == len(parts) - 1 else "")) for i, part in enumerate(parts)]
            return Node(level, f"{heading}。{sentences[0]}" + "".join(sentences[4:]), children=children)
    return Node(level, f"{heading}。{''.join(sentences)}{units}")


def _task_text(ctx: Context, task: Task, units: float) -> str:
    heading, sentences, unit_list = _task_parts(ctx, task, units)
    return f"{heading}。{''.join(sentences)}{unit_list}"


def _task_parts(ctx: Context, task: Task, units: float) -> tuple[str, list[str], str]:
    """Heading, body sentences and unit list of a borrowed task, varied for this document."""
    rng = ctx.rng
    heading, *sentences = _SENTENCE.findall(_localise(ctx, task.heading + "。" + "".join(task.sentences), task.source))
    body = [s for s in sentences if len(sentences) < 3 or rng.random() > 0.15] or sentences[:1]
    if len(body) > 2 and rng.random() < 0.15:
        i = rng.randrange(len(body) - 1)
        body[i], body[i + 1] = body[i + 1], body[i]
    if rng.random() < 0.3:  # splice in a sentence of another task, perhaps from another document
        source, sentence = rng.choice(ctx.pool.sentences)
        sentence = _localise(ctx, sentence, source)
        if sentence not in body:  # near-identical tasks of two sources share sentences
            body.insert(rng.randint(min(1, len(body)), len(body)), sentence)  # the task's own sentence stays first
    text = _vary_numbers(ctx, _vary_title(rng, heading.rstrip("。"), 0.12) + "。" + "".join(body))
    heading, *sentences = _SENTENCE.findall(text)
    return heading.rstrip("。"), sentences, (_units(ctx) if rng.random() < units else "")


def _vary_title(rng: random.Random, title: str, chance: float) -> str:
    if rng.random() < chance and title.startswith(_VERBS):
        return rng.choice(_ADVERBS) + title
    return title


def _add_phrases(ctx: Context, text: str) -> str:
    """Work one or two of the usual phrases, some naming the region, into a 指导思想 sentence."""
    rng, region = ctx.rng, ctx.region
    extras = ["深入践行绿水青山就是金山银山理念", "立足新发展阶段", "服务和融入新发展格局", "坚持以人民为中心的发展思想",
              "统筹发展和安全", "坚持系统观念", "以推动高质量发展为主题", f"全面落实{region.province.level}党委、政府决策部署",
              f"立足{region.short}资源禀赋和发展实际", f"紧扣{region.short}城市发展定位", f"坚持{region.short}特色"]
    parts = text.split("，")
    for extra in rng.sample(extras, rng.randint(1, 2)):
        if extra not in text and len(parts) > 2:
            parts.insert(rng.randint(1, len(parts) - 1), extra)
    return "，".join(parts)


def _drop_phrases(rng: random.Random, text: str) -> str:
    """Leave out a few comma-separated phrases in the middle of a long sentence (boilerplate varies)."""
    parts = text.split("，")
    if len(parts) < 5:
        return text
    kept = [parts[0], *(p for p in parts[1:-1] if rng.random() > 0.12 or "。" in p), parts[-1]]
    return "，".join(kept)


def _units(ctx: Context) -> str:
    """A responsible-unit list written one of the ways the real documents write it."""
    rng, kind = ctx.rng, ctx.region.kind
    names = _department_names(ctx, column=1 if ctx.style.long_names else 0)
    core, others = names[:4], names[4:]
    units = [rng.choice(core), *rng.sample([n for n in core + others], rng.randint(1, 7))]
    units = list(dict.fromkeys(units))
    if rng.random() < 0.1:
        units.insert(0, rng.choice(("委组织部", "委宣传部", "委网信办")))
    prefixed = [kind + unit for unit in units]
    style = ctx.style.unit_format
    if style == "A":
        return f"（{prefixed[0]}、{'、'.join(units[1:])}等按照职责分工负责）"
    if style == "B":
        return f"（{'、'.join(prefixed)}等按照职责分工负责）"
    if style == "C" and len(prefixed) > 2:
        lead = rng.randint(1, 2)
        return f"（{'、'.join(prefixed[:lead])}牵头，{'、'.join(prefixed[lead:])}等按照职责分工负责）"
    return f"（责任单位：{prefixed[0]}、{'、'.join(units[1:])}）"


def _department_names(ctx: Context, column: int) -> list[str]:
    names = [names[column] for names in _DEPARTMENTS]
    return names if ctx.region.province.pastoral else [n.replace("农牧局", "农业农村局") for n in names]


def _partition(rng: random.Random, total: int, parts: int, low: int, high: int) -> list[int]:
    """`parts` random sizes in [low, high] adding up to `total` where the bounds allow."""
    sizes = [low] * parts
    for _ in range(max(0, total - low * parts)):
        open_parts = [i for i, size in enumerate(sizes) if size < high]
        if not open_parts:
            break
        sizes[rng.choice(open_parts)] += 1
    return sizes


# --- front and back matter -------------------------------------------------------------------------

def _preamble(ctx: Context, topic: str, plan: str, form: str, issued: tuple[int, int, int]) -> list[str]:
    """Paragraphs before the first heading: 文号, title, addressees, notice, date, plan title, intro."""
    rng, region = ctx.rng, ctx.region
    prefix = rng.choice(("署办发", "署发", "署办字") if region.kind == "盟" else ("政办发", "政办发", "政办字", "政发", "政办规"))
    number = f"{region.abbr}{prefix}〔{issued[0]}〕{rng.randint(1, 160)}号"
    intro = _intro(ctx, topic, issued[0], opinion=form == "opinion")
    if form == "opinion":
        return [number, f"{region.office}关于{topic}的实施意见", _addressees(region), intro]
    title = f"{region.office}关于印发《{plan}》的通知" if form == "notice" else f"{region.office}关于印发{plan}的通知"
    notice = f"经{region.government}同意，现将《{plan}》印发给你们，请{rng.choice(('结合实际，', ''))}认真贯彻落实。"
    lines = [number, title, _addressees(region), notice, _date(issued)]
    return [*lines, *(["（此件公开发布）"] if rng.random() < 0.5 else []), plan, intro]


def _addressees(region: Region) -> str:
    kind, below = region.kind, region.below[0]
    if kind == "盟":
        return f"各{below}人民政府，行署各委、办、局，各有关单位："
    if kind == "市":
        return f"各{below}人民政府，市直各有关部门：" if region.province.pastoral else f"各{below}人民政府，市政府各部门、各直属机构："
    return f"各{below}人民政府，{kind}直各有关单位："


def _intro(ctx: Context, topic: str, year: int, opinion: bool) -> str:
    rng, kind = ctx.rng, ctx.region.kind
    if rng.random() < 0.5:
        source, text = rng.choice(ctx.pool.intros)
        text = _adapt(ctx, text, source)
    else:
        uppers = [doc for y, doc in _UPPER_DOCS if y <= year]
        province = ctx.region.province
        uppers.append(f"《{province.full}人民政府办公厅关于印发{province.short}推动城乡建设绿色发展实施方案的通知》"
                      f"（{province.abbr}政办发〔{min(year, 2022)}〕{rng.randint(20, 90)}号）")
        cited = "和".join(rng.sample(uppers, rng.randint(1, 2)))
        text = f"为深入贯彻落实{cited}精神，{rng.choice(('加快', '扎实', '进一步'))}{topic}，结合{rng.choice(('我', '全'))}{kind}实际，制定本方案。"
    if opinion:
        text = re.sub(r"制定本(实施)?方案。$", "现提出如下实施意见。", text)
    return text


def _date(day: tuple[int, int, int]) -> str:
    return f"{day[0]}年{day[1]}月{day[2]}日"


def _back_matter(ctx: Context, issued: tuple[int, int, int]) -> list[str]:
    kind = ctx.region.kind
    copied = f"抄送：{kind}委各部门，{kind}人大常委会办公室，{kind}政协办公室，{kind}纪委监委，{kind}法院，{kind}检察院。"
    printed = (issued[0], issued[1], min(28, issued[2] + ctx.rng.randint(0, 5)))
    return [copied, f"{ctx.region.office} {_date(printed)}印发"]


def _appendix(ctx: Context, near: int, plan: str) -> list[str]:
    """An indicator table flattened one cell per tab-led line, as a Word export writes it (通辽 附件)."""
    rng, kind = ctx.rng, ctx.region.kind
    rows = rng.sample(ctx.pool.indicators, min(len(ctx.pool.indicators), rng.randint(5, 12)))
    if not rows:
        return []
    title = f"{plan}{near - 1}—{near}年主要量化指标"
    header = ["序号", "牵头部门", "配合部门", "指标内容", f"{near - 1}年预期指标", f"{near}年指标"]
    lines = [f"附件：{title}", "附件", title, "", *(f"\t{cell}" for cell in header), ""]
    short_names = _department_names(ctx, column=2)[:12]
    for number, (name, expected, target) in enumerate(rows, start=1):
        lead, *helpers = rng.sample(short_names, rng.randint(2, 4))
        helper_lines = [f"\t{kind}{helpers[0]}", *(f"{kind}{h}" for h in helpers[1:])]  # wrapped cell: no tab
        cells = [str(number), f"{kind}{lead}"]
        values = [_adapt(ctx, v, "") for v in (name, expected, target)]
        lines += [f"\t{cells[0]}", f"\t{cells[1]}", *helper_lines, *(f"\t{v}" for v in values), ""]
    if rng.random() < 0.5:
        lines += [f"说明：表中为{ctx.region.name}{near}年目标值，各项量化指标均需各{ctx.region.below[0]}人民政府落实。"]
    return lines


def _appendix_rows(appendix: list[str]) -> int:
    return sum(1 for line in appendix if re.fullmatch(r"\t\d+", line))


def _appendix_clauses(appendix: list[str]) -> int:
    """附件 + one clause per table row + the 说明 after the table."""
    if not appendix:
        return 0
    return 1 + _appendix_rows(appendix) + sum(line.startswith("说明：") for line in appendix)


def _preamble_clauses(paragraphs: list[str]) -> int:
    """The parser's 前言 grouping: each paragraph of 30+ characters closes a group."""
    return sum(len(p) >= 30 for p in paragraphs) or (1 if paragraphs else 0)


# --- rendering -------------------------------------------------------------------------------------

_CN_DIGITS = "零一二三四五六七八九"


def _cn(number: int) -> str:
    """1..99 as written in headings: 一, 十, 十二, 二十三."""
    tens, ones = divmod(number, 10)
    return (("" if tens == 1 else _CN_DIGITS[tens]) + "十" if tens else "") + (_CN_DIGITS[ones] if ones else "")


def _label(style: Style, level: int, number: int) -> str:
    if style.chapter:
        return (f"第{_cn(number)}章 ", f"第{_cn(number)}条 ", f"（{_cn(number)}）", f"{number}.")[level]
    return (f"{_cn(number)}、", f"（{_cn(number)}）", style.item_mark.format(number), f"（{number}）")[level]


def _heading_lines(style: Style, nodes: list[Node]) -> list[str]:
    """Number the tree: each level restarts under a new parent unless the style runs it straight through."""
    straight = {1: style.subs_straight or style.chapter, 2: style.items_straight and not style.chapter, 3: False}
    counters = [0, 0, 0, 0]
    lines: list[str] = []

    def walk(node: Node) -> None:
        counters[node.level] += 1
        for deeper in range(node.level + 1, 4):
            if not straight[deeper]:
                counters[deeper] = 0
        lines.append(_label(style, node.level, counters[node.level]) + node.text)
        lines.extend(node.paragraphs)
        for child in node.children:
            walk(child)

    for node in nodes:
        walk(node)
    return lines


_FULL_WIDTH = str.maketrans("0123456789%", "０１２３４５６７８９％")


def _render(ctx: Context, preamble: list[str], nodes: list[Node], tail: list[str], appendix: list[str], back: list[str]) -> str:
    style = ctx.style
    paragraphs = [*preamble, *_heading_lines(style, nodes), *tail]
    if style.full_width:
        paragraphs = [p.translate(_FULL_WIDTH) for p in paragraphs]
    if style.pdf_wrap:
        lines = _as_pdf_export(ctx.rng, paragraphs, style.pdf_wrap)
    else:
        lines = [line for p in paragraphs for line in ([p, ""] if style.blank_lines else [p])]
    if appendix:
        lines += ["", *appendix]
    return "\n".join([*lines, *back]) + "\n"


def _as_pdf_export(rng: random.Random, paragraphs: list[str], width: int) -> list[str]:
    """Hard-wrap at the page width, space out years ("2025 年") and put a "- 3 -" footer on every page."""
    lines: list[str] = []
    for paragraph in paragraphs:
        paragraph = re.sub(r"(?<=[\u4e00-\u9fff])(\d{4})(?=年)", r" \1 ", paragraph)
        lines.extend(_wrap(paragraph, width) if _width(paragraph) > width else [paragraph])
    page_lines = rng.randint(24, 32)
    out: list[str] = []
    for number, line in enumerate(lines, start=1):
        out += [line, ""]
        if number % page_lines == 0:
            out += [f"- {number // page_lines + 1} -", ""]
    return out


def _split_title(line: str, limit: int) -> list[str]:
    """A title too wide to sit on one line breaks after 关于, like the 内蒙古 notice does."""
    if _width(line) <= limit or "关于" not in line or line.endswith(("。", "：")):
        return [line]
    head, rest = line.split("关于", 1)
    return [head + "关于", *(_wrap(rest, limit) if _width(rest) > limit else [rest])]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _wrap(text: str, width: int) -> list[str]:
    """Break at the width, but never inside a number: "2025" moves to the next line whole."""
    lines, current, used = [], "", 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > width:
            run = re.search(r"[0-9.%]+$", current) if ch.isascii() and ch.isalnum() else None
            carry = run.group() if run and run.start() > 0 else ""
            lines.append(current[: len(current) - len(carry)])
            current, used = carry, _width(carry)
        current += ch
        used += w
    return [*lines, current] if current else lines


# --- writing ---------------------------------------------------------------------------------------

@dataclass
class Summary:
    documents: int
    clauses: int
    characters: int


def write_corpus(out_dir: Path, documents: int, seed: int = 7, source_dir: Path = SOURCE_DIR) -> Summary:
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob(f"{FILE_PREFIX}*.txt"):
        stale.unlink()
    summary = Summary(0, 0, 0)
    for document in synthesize(documents, seed, source_dir):
        (out_dir / f"{document.doc_id}.txt").write_text(document.text, encoding="utf-8")
        summary.documents += 1
        summary.clauses += document.clauses
        summary.characters += len(document.text)
    return summary


def generate(out_dir: Path, documents: int, seed: int = 7) -> int:
    """Write `documents` synthetic documents into `out_dir`; returns how many files were written."""
    return write_corpus(out_dir, documents, seed).documents


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write a synthetic policy corpus recombined from data/corpus.")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--documents", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--source", type=Path, default=SOURCE_DIR, help="folder of real documents to recombine")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    summary = write_corpus(args.out_dir, args.documents, args.seed, args.source)
    print(f"{summary.documents} documents, {summary.clauses} clauses, {summary.characters} characters "
          f"-> {args.out_dir} ({time.perf_counter() - started:.1f}s)")


if __name__ == "__main__":
    main()
