"""Heading numbers of Chinese official documents: 第一章, 第一条, 一、, （一）, 1. / 1、, （1）, a); and the decimal
outline of 预案 and standards: 1, 1.1, 1.1.1."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Chinese numerals, read the same way everywhere (heading numbers here, stated quantities in ingest.quantities).
CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_LARGE_UNITS = {"万": 10**4, "亿": 10**8}
CN_NUMERAL = "".join(CN_DIGITS) + "".join(CN_SMALL_UNITS) + "".join(CN_LARGE_UNITS)
# The numerals a heading number is written with (第十二条, 三、, （一）); 两, 千, 万 and 亿 never number a heading.
_CN = "一二三四五六七八九十百零〇"


@dataclass(frozen=True)
class Scheme:
    rank: int  # lower ranks enclose higher ones
    pattern: re.Pattern[str]
    label_format: str  # "{}" receives the number as written
    whole_path: bool = False  # the number states the item's whole path (1.2.1), not only its own place


SCHEMES = (
    Scheme(0, re.compile(rf"^第([{_CN}]+|\d+)章\s*"), "第{}章"),
    Scheme(1, re.compile(rf"^第([{_CN}]+|\d+)条\s*"), "第{}条"),
    Scheme(1, re.compile(rf"^([{_CN}]+)、"), "{}"),
    Scheme(2, re.compile(rf"^[（(]([{_CN}]+)[）)]\s*"), "（{}）"),
    Scheme(3, re.compile(r"^(\d{1,2})(?:[.．、](?!\d))\s*"), "{}"),
    Scheme(4, re.compile(r"^[（(](\d{1,2})[）)]\s*"), "（{}）"),
    Scheme(5, re.compile(r"^([a-z])[)）]\s*"), "{})"),  # a) b) c): the list items of standards (GB/T 1.1)
)
_DECIMAL = SCHEMES[4]
# What follows a number that is not a heading: "一、二级", "1、3年", "（一）的规定".
NOT_HEADING_NEXT = re.compile(rf"^(?:[{_CN}\d]|的|规定|年|月|日|号|个|项|%|倍)")


# Decimal outline numbering (预案, 规划, 标准): "1　总则", "1.2　等级划分", "1.2.1　国家级…" (the space is
# gone after normalising). The number is the item's path and its depth the rank. "1.5倍" reads the same:
# the clause tree takes one only where the outline expects it.
_OUTLINE = re.compile(r"^(\d{1,2}(?:[.．]\d{1,2}){0,3})(?=[^\s\d.．%％]|$)")
_OUTLINE_SCHEMES = tuple(Scheme(depth, _OUTLINE, "{}", whole_path=True) for depth in range(4))


def match_outline(line: str) -> tuple[Scheme, re.Match[str], list[int]] | None:
    """(scheme, match, its numbers) for a line that may start a decimal outline item: 1.2.1 → [1, 2, 1]."""
    match = _OUTLINE.match(line)
    if match is None:
        return None
    numbers = [int(part) for part in re.split("[.．]", match.group(1))]
    if len(numbers) == 1 and match.end() == len(line):
        return None  # "3" alone on a line is a page number, not an item ("3.1" alone is: its text follows)
    return _OUTLINE_SCHEMES[len(numbers) - 1], match, numbers


# Never a heading number: "（一）的规定", "第五条规定的情形".
_NEVER_HEADING_NEXT = re.compile(r"^(?:的|规定)")
# "1.80周岁…", "11.121人才梯队…": an item whose text starts with a figure, right after the number.
_RUN_ON_DECIMAL = re.compile(r"^(\d{1,2})[.．](?=\d)")


def match_doubtful_heading(line: str) -> tuple[Scheme, re.Match[str]] | None:
    """A number that reads as a heading only where the numbering expects it: what follows it could also
    continue a figure or a list of figures ("5. 100周岁…" vs "1、3年", "第十二条个人…", "1.80周岁…" vs "1.5倍").
    `match_heading` refuses these; the clause tree accepts one when its number comes next in sequence."""
    for scheme in SCHEMES:
        match = scheme.pattern.match(line)
        if match:
            rest = line[match.end():]
            doubtful = NOT_HEADING_NEXT.match(rest) and not _NEVER_HEADING_NEXT.match(rest)
            return (scheme, match) if doubtful and to_int(match.group(1)) is not None else None
    run_on = _RUN_ON_DECIMAL.match(line)
    return (_DECIMAL, run_on) if run_on else None


def match_heading(line: str) -> tuple[Scheme, re.Match[str]] | None:
    """The numbering scheme a line starts with, if its number reads as a heading number."""
    for scheme in SCHEMES:
        match = scheme.pattern.match(line)
        if match:
            if NOT_HEADING_NEXT.match(line[match.end():]) or to_int(match.group(1)) is None:
                return None
            return scheme, match
    return None


def to_int(written: str) -> int | None:
    """"12" → 12, "二十三" → 23, "c" → 3; None for anything else."""
    if written.isdigit():
        return int(written)
    if len(written) == 1 and "a" <= written <= "z":
        return ord(written) - ord("a") + 1
    return chinese_to_int(written)


def chinese_to_int(numeral: str) -> int | None:
    """A Chinese integer: 二十三 → 23, 两万 → 20000, 一亿二千万 → 120000000 (with place units); 二〇二五 → 2025
    (digit by digit, when no place unit is written). None when `numeral` is empty or not all Chinese numerals."""
    if not numeral or any(char not in CN_NUMERAL for char in numeral):
        return None
    if not any(char in CN_SMALL_UNITS or char in CN_LARGE_UNITS for char in numeral):
        return int("".join(str(CN_DIGITS[char]) for char in numeral))
    total = section = digit = 0
    for char in numeral:
        if char in CN_DIGITS:
            digit = CN_DIGITS[char]
        elif char in CN_SMALL_UNITS:
            section += (digit or 1) * CN_SMALL_UNITS[char]
            digit = 0
        elif char == "万":
            total += (section + digit) * 10**4
            section = digit = 0
        else:  # 亿 scales everything before it: 三万亿 is 3 × 10¹².
            total = (total + section + digit) * 10**8
            section = digit = 0
    return total + section + digit


def int_to_chinese(value: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 105 → 一百零五: how 公文 number their items (below 10 000)."""
    if not 0 < value < 10_000:
        return str(value)
    digits = "零一二三四五六七八九"
    parts, pending_zero = [], False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = value // unit % 10
        if digit == 0:
            pending_zero = bool(parts)
            continue
        if pending_zero:
            parts.append("零")
            pending_zero = False
        parts.append(("" if unit == 10 and digit == 1 and not parts else digits[digit]) + name)
    return "".join(parts)
