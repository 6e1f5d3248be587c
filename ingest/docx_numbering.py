"""Word's automatic numbering, rendered into the text: a list item typed as "总体要求" with Word's
numbering shows as "一、总体要求" on screen, and only the rendered number tells the clause parser
where it stands. The numbers are computed as Word does: one counter per list and level, deeper
levels restart when a shallower one advances, each level drawn in its own format and pattern
("%1、", "（%2）", "%3.")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ingest.numbering import int_to_chinese

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PLACEHOLDER = re.compile(r"%([1-9])")
_CHINESE_FORMATS = {"chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "ideographTraditional",
                    "japaneseCounting", "taiwaneseCounting", "taiwaneseCountingThousand"}


class WordNumbering:
    """The number Word shows before each numbered paragraph of one document, in document order."""

    def __init__(self, document: Any) -> None:
        self._levels: dict[str, dict[int, tuple[int, str, str]]] = {}  # numId → ilvl → (start, format, pattern)
        self._counters: dict[str, list[int]] = {}
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):  # a document without any list
            return
        abstract = {a.get(f"{_W}abstractNumId"): _levels_of(a) for a in numbering.iter(f"{_W}abstractNum")}
        for num in numbering.iter(f"{_W}num"):
            base = num.find(f"{_W}abstractNumId")
            levels = dict(abstract.get(base.get(f"{_W}val"), {})) if base is not None else {}
            for override in num.iter(f"{_W}lvlOverride"):
                start = override.find(f"{_W}startOverride")
                level = int(override.get(f"{_W}ilvl", "0"))
                if start is not None and level in levels:
                    levels[level] = (int(start.get(f"{_W}val")), *levels[level][1:])
            self._levels[num.get(f"{_W}numId")] = levels

    def label(self, paragraph: Any) -> str:
        """The number of this paragraph as Word renders it ("一、", "（二）", "3."), or "" when it has none.
        Call once per paragraph, in document order: the counters advance."""
        num_id, level = _numbering_of(paragraph)
        levels = self._levels.get(num_id or "")
        if not levels or level not in levels:
            return ""
        counters = self._counters.setdefault(num_id, [0] * 9)
        counters[level] += 1
        for deeper in range(level + 1, 9):
            counters[deeper] = 0
        values = [counters[i] + (levels[i][0] - 1 if i in levels else 0) for i in range(9)]
        _, number_format, pattern = levels[level]
        if number_format in ("bullet", "none"):
            return ""
        return _PLACEHOLDER.sub(lambda m: _formatted(values[int(m.group(1)) - 1],
                                                     levels.get(int(m.group(1)) - 1, (1, "decimal", ""))[1]), pattern)


def _levels_of(abstract: Any) -> dict[int, tuple[int, str, str]]:
    levels = {}
    for lvl in abstract.iter(f"{_W}lvl"):
        start, number_format, text = lvl.find(f"{_W}start"), lvl.find(f"{_W}numFmt"), lvl.find(f"{_W}lvlText")
        levels[int(lvl.get(f"{_W}ilvl", "0"))] = (int(start.get(f"{_W}val")) if start is not None else 1,
                                                   number_format.get(f"{_W}val") if number_format is not None else "decimal",
                                                   text.get(f"{_W}val", "") if text is not None else "")
    return levels


def _numbering_of(paragraph: Any) -> tuple[str | None, int]:
    """numId and level as Word resolves them: the paragraph's own properties, then its style's, then the
    styles that one is based on — each of the two taken from the first place that sets it (a heading
    style may set only the level and inherit the list from its base style). numId 0 switches numbering off."""
    num_id: str | None = None
    level: int | None = None
    for properties in _property_chain(paragraph):
        number = properties.find(f"{_W}numPr") if properties is not None else None
        if number is None:
            continue
        if num_id is None and (found := number.find(f"{_W}numId")) is not None:
            num_id = found.get(f"{_W}val")
        if level is None and (found := number.find(f"{_W}ilvl")) is not None:
            level = int(found.get(f"{_W}val"))
        if num_id is not None and level is not None:
            break
    return (num_id if num_id != "0" else None), level or 0


def _property_chain(paragraph: Any) -> Iterator[Any]:
    yield paragraph._p.pPr
    try:
        style = paragraph.style
    except (KeyError, ValueError):
        return
    seen: set[str] = set()
    while style is not None and style.style_id not in seen:  # a style may (wrongly) be based on itself
        seen.add(style.style_id)
        yield style.element.pPr
        style = style.base_style


def _formatted(value: int, number_format: str) -> str:
    if number_format in _CHINESE_FORMATS:
        return int_to_chinese(value)
    if number_format == "decimalFullWidth":
        return str(value).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if number_format == "decimalZero":
        return f"{value:02d}"
    if number_format in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (value - 1) % 26)
        return letter if number_format == "lowerLetter" else letter.upper()
    return str(value)
