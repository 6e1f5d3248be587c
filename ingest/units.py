"""Responsible units: the parenthesised list after a task, e.g.
"（市发展改革委、教育局等按照职责分工负责）", "（市住房城乡建设局牵头，市财政局等按照职责分工负责）",
"（责任单位：市自然资源局、发展和改革委员会）", "（牵头单位：市住建局；配合单位：市发改委、市财政局）".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BLOCK = re.compile(
    r"[（(]((?:责任单位|牵头单位|责任部门|牵头部门)[:：][^（）()]*"
    r"|[^（）()]*?(?:按照职责分工负责|分工负责|负责落实|牵头)[^（）()]*)[）)]"
)
_ROLE_SUFFIXES = ("等按照职责分工负责", "按照职责分工负责", "等分工负责", "分工负责", "负责落实", "负责",
                  "牵头", "配合", "等")
_LABEL = re.compile(r"^\s*(?:责任单位|牵头单位|责任部门|牵头部门|配合单位|配合部门)[:：]")
# A unit written without its level ("教育局" after "市发展改革委") takes the level of the first unit.
_LEVEL_PREFIXES = ("自治区", "省", "市", "盟", "县", "旗", "区")
_OWN_PREFIXES = (*_LEVEL_PREFIXES, "国家", "国网", "中国", "内蒙古", "人民", "各", "全")


@dataclass
class Units:
    units: list[str]
    lead_units: list[str]


def unit_list_text(text: str) -> str | None:
    """The parenthesised responsibility list itself, verbatim, e.g. "（市住房城乡建设局牵头，…负责）"."""
    matches = list(_BLOCK.finditer(text))
    return matches[-1].group() if matches else None


def parse_units(text: str) -> Units:
    """Units named in the last responsibility list of `text` (empty when it has none)."""
    blocks = _BLOCK.findall(text)
    if not blocks:
        return Units([], [])
    content = blocks[-1].split("。")[0]
    units: list[str] = []
    lead: list[str] = []
    for segment in re.split(r"[，,；;]", content):
        is_lead = "牵头" in segment
        names = _names(_LABEL.sub("", segment))
        units.extend(name for name in names if name not in units)
        if is_lead:
            lead.extend(names)
    return Units(units, lead)


def _names(segment: str) -> list[str]:
    segment = segment.strip()
    for suffix in _ROLE_SUFFIXES:
        if segment.endswith(suffix):
            segment = segment[: -len(suffix)]
    segment = re.sub(r"(等)?(按照职责分工)?负责.*$", "", segment).strip()
    names = [name.strip() for name in segment.split("、") if name.strip()]
    prefix = next((p for p in _LEVEL_PREFIXES if names and names[0].startswith(p)), "")
    return [name if not prefix or name.startswith(_OWN_PREFIXES) else prefix + name for name in names]
