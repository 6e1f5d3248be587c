"""Heading numbers of Chinese official documents: 第一章, 第一条, 一、, （一）, 1. / 1、, （1）."""

from __future__ import annotations

import re
from dataclasses import dataclass

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN = "一二三四五六七八九十百零〇"


@dataclass(frozen=True)
class Scheme:
    rank: int  # lower ranks enclose higher ones
    pattern: re.Pattern[str]
    label_format: str  # "{}" receives the number as written


SCHEMES = (
    Scheme(0, re.compile(rf"^第([{_CN}]+|\d+)章\s*"), "第{}章"),
    Scheme(1, re.compile(rf"^第([{_CN}]+|\d+)条\s*"), "第{}条"),
    Scheme(1, re.compile(rf"^([{_CN}]+)、"), "{}"),
    Scheme(2, re.compile(rf"^[（(]([{_CN}]+)[）)]\s*"), "（{}）"),
    Scheme(3, re.compile(r"^(\d{1,2})(?:[.．、](?!\d))\s*"), "{}"),
    Scheme(4, re.compile(r"^[（(](\d{1,2})[）)]\s*"), "（{}）"),
)
# What follows a number that is not a heading: "一、二级", "1、3年", "（一）的规定".
NOT_HEADING_NEXT = re.compile(rf"^(?:[{_CN}\d]|的|规定|年|月|日|号|个|项|%|倍)")


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
    """"12" → 12, "二十三" → 23; None for anything else."""
    if written.isdigit():
        return int(written)
    total, digit = 0, 0
    for char in written:
        if char in _CN_DIGITS:
            digit = _CN_DIGITS[char]
        elif char == "十":
            total += (digit or 1) * 10
            digit = 0
        elif char == "百":
            total += (digit or 1) * 100
            digit = 0
        else:
            return None
    return total + digit
