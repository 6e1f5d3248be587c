"""The numbers a Chinese text states, normalised so that equal quantities compare equal.

"十八层", "18层" and "１８层" all state 18; "1.6万" and "16000" both state 16000; "百分之九十三" and "93％"
both state 93 percent. Answers are checked against their sources by comparing these normalised values.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from math import prod

from ingest.numbering import CN_DIGITS, CN_NUMERAL, chinese_to_int

# A citation marker: [3], ［3］, [1,2], [1、2]. Never a quantity.
CITATION = re.compile(r"[\[［]\s*(\d+(?:\s*[,，、]\s*\d+)*)\s*[\]］]")

_MULTIPLIERS = {"百": 100, "千": 1000, "万": 10**4, "亿": 10**8}
# A run of Chinese numerals, with an optional decimal part: 十八, 二〇二五, 两万, 三点五万.
_CHINESE_RUN = rf"[{CN_NUMERAL}]+(?:点[{''.join(CN_DIGITS)}]+[万亿]*)?"
_CHINESE = re.compile(_CHINESE_RUN)
# Runs joined as a range (三至五层) share the unit written after the last one. A group never starts inside a
# numeral, nor after 第 (第十八条 is an ordinal, not a quantity).
_CHINESE_GROUP = re.compile(rf"(?<![第点{CN_NUMERAL}]){_CHINESE_RUN}(?:(?:至|到|或|[-~—–]){_CHINESE_RUN})*")
# The words after which a Chinese numeral is a quantity (万 and 亿 are part of the run itself).
_UNIT = re.compile(r"平方公里|平方米|公里|星级|[层个项万亿倍年月日米吨人户座辆家级]")
_ARABIC = re.compile(r"(?<![\d.第])(\d{1,3}(?:,\d{3})+(?!\d)|\d+)(\.\d+)?(?:\s*([百千万亿]+))?(?:\s*(%))?")
_PERCENT_WORDS = re.compile(rf"百分之(?:({_CHINESE_RUN})|(\d+(?:\.\d+)?))")


@dataclass(frozen=True)
class Quantity:
    """A stated number in plain units (1.6万 → 16000.0); `percent` when the text gives it as a percentage."""

    value: float
    percent: bool


@dataclass(frozen=True)
class Mention:
    """A quantity together with the text that states it, as written (e.g. "４５％", "十八")."""

    text: str
    quantity: Quantity


_Found = tuple[int, int, Quantity]  # start, end in the normalised text


def quantities(text: str) -> set[Quantity]:
    """Every quantity `text` states."""
    return {m.quantity for m in mentions(text)}


def mentions(text: str) -> list[Mention]:
    """Every quantity `text` states, in reading order, with the original text that states it."""
    normal, origins = _normalise(text)
    normal = _blank(normal, ((m.start(), m.end()) for m in CITATION.finditer(normal)))
    found: list[_Found] = []
    # Each finder's matches are blanked so the next cannot read them again (百分之九十三 is not also 百, 九十三).
    for finder in (_percent_words, _arabic, _chinese):
        new = finder(normal)
        normal = _blank(normal, ((start, end) for start, end, _ in new))
        found += new
    return [Mention(text[origins[start]:origins[end - 1] + 1], quantity) for start, end, quantity in sorted(found, key=lambda f: f[0])]


def _normalise(text: str) -> tuple[str, list[int]]:
    """NFKC `text` (full-width digits and ％ become ASCII) and map each output character to its source character."""
    pieces: list[str] = []
    origins: list[int] = []
    for index, char in enumerate(text):
        folded = unicodedata.normalize("NFKC", char)
        pieces.append(folded)
        origins += [index] * len(folded)
    return "".join(pieces), origins


def _blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """`text` with the given spans overwritten by spaces, keeping every offset valid."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _percent_words(text: str) -> list[_Found]:
    """百分之九十三, 百分之93."""
    found: list[_Found] = []
    for match in _PERCENT_WORDS.finditer(text):
        chinese, arabic = match.groups()
        value = _chinese_value(chinese) if chinese else Decimal(arabic)
        found.append((match.start(), match.end(), Quantity(float(value), True)))
    return found


def _arabic(text: str) -> list[_Found]:
    """18, 8.5, 1,000, 1.6万, 93%."""
    found: list[_Found] = []
    for match in _ARABIC.finditer(text):
        whole, fraction, multipliers, percent = match.groups()
        value = Decimal(whole.replace(",", "") + (fraction or "")) * _multiplier(multipliers or "")
        found.append((match.start(), match.end(), Quantity(float(value), percent is not None)))
    return found


def _chinese(text: str) -> list[_Found]:
    """Chinese numerals that a unit follows: 六层, 两万平方米, 二〇二五年, 三至五年."""
    found: list[_Found] = []
    for group in _CHINESE_GROUP.finditer(text):
        unit = _UNIT.match(text, group.end())
        if (unit is None and group.group()[-1] not in "万亿") or _is_article(group.group(), unit):
            continue
        for run in _CHINESE.finditer(text, group.start(), group.end()):
            if any(char in CN_DIGITS or char == "十" for char in run.group()):
                found.append((run.start(), run.end(), Quantity(float(_chinese_value(run.group())), False)))
    return found


def _is_article(numeral: str, unit: re.Match[str] | None) -> bool:
    """一个, 一项, 一家, 一座 mostly mean "a", not the figure 1 (but 一星级, 一年 do state 1)."""
    return numeral == "一" and unit is not None and unit.group() in "个项家座"


def _chinese_value(run: str) -> Decimal:
    """The value of a Chinese numeral run, e.g. 十八 → 18, 三点五万 → 35000."""
    whole, _, rest = run.partition("点")
    if not rest:
        return Decimal(_chinese_integer(whole))
    fraction = rest.rstrip("万亿")
    digits = "".join(str(CN_DIGITS[char]) for char in fraction)
    return Decimal(f"{_chinese_integer(whole)}.{digits}") * _multiplier(rest[len(fraction):])


def _chinese_integer(numeral: str) -> int:
    """二〇二五 → 2025, 一亿二千万 → 120000000: a run `_CHINESE` matched, read by ingest.numbering."""
    value = chinese_to_int(numeral)
    if value is None:
        raise ValueError(f"not a Chinese numeral: {numeral!r}")
    return value


def _multiplier(units: str) -> int:
    """万 → 10⁴, 千万 → 10⁷, "" → 1."""
    return prod(_MULTIPLIERS[char] for char in units)
