"""Responsible units: the parenthesised list after a task, e.g.
"（市发展改革委、教育局等按照职责分工负责）", "（市住房城乡建设局牵头，市财政局等按照职责分工负责）",
"（责任单位：市自然资源局、发展和改革委员会）", "（牵头单位：市住建局；配合单位：市发改委、市财政局）",
"（财政部、人民银行负责）", "（由市发改委牵头实施）", "[市体育局、市民政局，各区、县（市）政府]", "〔责任单位:财政厅，…〕".

Which of them leads is written in the list (牵头) or, once for the whole document, in words: "列第一位的为
牵头单位" (the first named leads), "逗号前为牵头单位" (those before the first comma lead).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.places import gazetteer

# A list in brackets; inside it, short bracketed words such as 各市(州) or 县（市） are part of a name.
_INSIDE = r"(?:[^（）()\[\]［］〔〕]|[（(][^（）()]{1,20}[）)])"
_BLOCK = re.compile(
    rf"[（(\[［〔]((?:责任单位|牵头单位|责任部门|牵头部门)[:：]{_INSIDE}*"
    rf"|{_INSIDE}*?(?:负责|牵头){_INSIDE}*"
    rf"|{_INSIDE}*?(?:局|委|厅|部|办|政府){_INSIDE}*?(?:列第一位的为|逗号前为)牵头单位{_INSIDE}*)[）)\]］〕]"
)
_FIRST_LEADS = re.compile("列第一位的?为牵头单位")
_BEFORE_COMMA_LEADS = re.compile("逗号前的?为牵头单位")
# "…足球俱乐部各2支。[市体育局、市国资委，市足协]": a bracketed list of bodies closing a clause
_BRACKETED_LIST = re.compile(rf"[（(\[［〔]({_INSIDE}+)[）)\]］〕]\s*$")
_ROLE_SUFFIXES = ("等按照职责分工负责", "按照职责分工负责", "等按职责分工负责", "按职责分工负责", "等分工负责", "分工负责",
                  "负责落实", "负责", "牵头实施", "牵头", "配合", "参与", "等")
_NOT_A_NAME = re.compile("为牵头单位|下同|不再列出|简称|以下|包括")  # the list's own remarks; not lists
_LABEL = re.compile(r"^\s*(?:责任单位|牵头单位|责任部门|牵头部门|配合单位|配合部门)[:：]")
# A unit written without its level ("教育局" after "市发展改革委") takes the level of the first unit.
_LEVEL_PREFIXES = ("自治区", "省", "市", "盟", "县", "旗", "区")
_BODY = re.compile(r"[\u4e00-\u9fff]{2,}(?:部门|局|委员会|委|部|厅|办公室|人民政府|办事处|指挥部|领导小组|中心)")
_ORG_ENDINGS = ("局", "委", "厅", "部", "办", "署", "会", "政府", "院", "行", "司", "处", "室", "团", "中心", "公司", "集团", "协",
                "大", "联", "所", "站", "队", "分局", "总局")
_NOT_GOVERNMENT = ("大", "大学", "学院", "公司", "集团", "银行", "分行", "支行")  # 杭师大 is no 市 department
_OWN_PREFIXES = (*_LEVEL_PREFIXES, "国家", "国网", "中国", "内蒙古", "人民", "各", "全")


@dataclass
class Units:
    units: list[str]
    lead_units: list[str]


def names_a_body(text: str) -> bool:
    """Whether a sentence names a responsible body ("办公室设在国家粮食局", "由区民政部门审批")."""
    return bool(_BODY.search(text))


def unit_list_text(text: str) -> str | None:
    """The parenthesised responsibility list itself, verbatim, e.g. "（市住房城乡建设局牵头，…负责）"."""
    matches = _lists(text)
    return matches[-1].group() if matches else None


def lead_convention(document_text: str) -> str:
    """How a document marks its lead units when its lists do not say 牵头: "first", "before_comma" or ""."""
    if _FIRST_LEADS.search(document_text):
        return "first"
    return "before_comma" if _BEFORE_COMMA_LEADS.search(document_text) else ""


def parse_units(text: str, convention: str = "") -> Units:
    """Units named in the last responsibility list of `text` (empty when it has none)."""
    matches = _lists(text)
    if not matches:
        return Units([], [])
    content = matches[-1].group(1).split("。")[0]
    units: list[str] = []
    lead: list[str] = []
    for i, segment in enumerate(re.split(r"[，,；;]", content)):
        if _NOT_A_NAME.search(segment):
            continue
        names = _names(_LABEL.sub("", segment))
        units.extend(name for name in names if name not in units)
        if "牵头" in segment or (convention == "before_comma" and i == 0):
            lead.extend(names)
    if not lead and convention == "first" and units:
        lead = units[:1]
    return Units(units, lead)


def _lists(text: str) -> list[re.Match[str]]:
    return list(_BLOCK.finditer(text)) or [m for m in _BRACKETED_LIST.finditer(text.rstrip()) if _only_bodies(m.group(1))]


def _only_bodies(content: str) -> bool:
    parts = [part for segment in re.split(r"[，,；;]", content) for part in _names(segment)]
    return bool(parts) and not _NOT_A_NAME.search(content) and all(part.endswith(_ORG_ENDINGS) for part in parts)


def _names(segment: str) -> list[str]:
    segment = re.sub(r"^由", "", segment.strip())
    for suffix in _ROLE_SUFFIXES:
        if segment.endswith(suffix):
            segment = segment[: -len(suffix)]
    segment = re.sub(r"(等)?(按照?职责分工)?负责.*$", "", segment).strip()
    segment = re.sub(r"等(?:有关|相关|其他)?(?:部门|单位|和|及)*$", "", segment)
    names: list[str] = []
    for name in (part.strip() for part in segment.split("、")):
        if names and not names[-1].endswith(_ORG_ENDINGS):  # "各区、县（市）政府" is one name
            names[-1] += "、" + name
        elif name:
            names.append(name)
    prefix = next((p for p in _LEVEL_PREFIXES if names and names[0].startswith(p)), "")
    return [prefix + name if prefix and not name.startswith(_OWN_PREFIXES) and not name.endswith(_NOT_GOVERNMENT)
            and not _names_a_place(name) else name for name in names]


def _names_a_place(name: str) -> bool:
    """"重庆金融监管局" after "市经济信息委" is not a 市 unit: it names its own place."""
    mentions = gazetteer().mentions(name[:12])
    return bool(mentions) and mentions[0].start == 0
