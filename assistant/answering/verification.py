"""Verify an answer an LLM wrote from numbered sources: it cites only sources it was given, and states only their numbers."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from ingest.metadata import DOC_NUMBER_YEAR_SERIAL
from ingest.quantities import CITATION, mentions, quantities

# A document number (赤政办发〔2023〕61号) identifies a file; its year and serial are not quantities, and
# "[2023]" written with square brackets must not be read as a citation.
_DOC_NUMBER = re.compile(DOC_NUMBER_YEAR_SERIAL)
# A clause path (三（一）2, 四21, （二）, 前言1, 序号6, 2.1.2) locates a clause; its trailing number is not a quantity
# unless a unit or decimal part follows it.
_CLAUSE_PATH = re.compile(r"[一二三四五六七八九十]*[（(][一二三四五六七八九十]+[）)](?:\d+(?!\d|\.\d|\s*[%％万亿年月日]))?"
                          r"|[一二三四五六七八九十]+\d+(?!\d|\.\d|\s*[%％万亿年月日层个])|(?:前言|序号)\s*\d+"
                          r"|\d+(?:\.\d+){2,}|\d+\.\d+(?=「)")  # outline numbering: 2.1.2, and 4.2「…」


@dataclass
class CheckResult:
    """What check_answer found wrong; the answer passed when both lists are empty."""

    unknown_citations: list[int]
    unsupported_numbers: list[str]  # as written in the answer, e.g. "45%"

    @property
    def ok(self) -> bool:
        return not self.unknown_citations and not self.unsupported_numbers

    def describe(self) -> str:
        """A short Chinese explanation for the user, e.g. 引用了不存在的来源 [9]；数字“45%”不见于所引来源."""
        problems: list[str] = []
        if self.unknown_citations:
            problems.append("引用了不存在的来源 " + "".join(f"[{n}]" for n in self.unknown_citations))
        if self.unsupported_numbers:
            problems.append("数字" + "、".join(f"“{n}”" for n in self.unsupported_numbers) + "不见于所引来源")
        return "；".join(problems) or "引用与数字均有出处"


def check_answer(answer: str, sources: dict[int, str]) -> CheckResult:
    """Check `answer` against `sources` (citation number → the source's full text).

    Every citation must name a source, and every number the answer states must be stated by a source it cites
    (by any source when it cites none). Numbers compare by value: 十八层 is supported by 18层.
    """
    answer = _DOC_NUMBER.sub(" ", answer)
    cited = citations(answer)
    cited_texts = [sources[n] for n in cited if n in sources] if cited else list(sources.values())
    supported = {quantity for text in cited_texts for quantity in quantities(text)}
    prose = _CLAUSE_PATH.sub(" ", CITATION.sub(" ", answer))
    unsupported = [m.text for m in mentions(prose) if m.quantity not in supported]
    return CheckResult(unknown_citations=[n for n in cited if n not in sources], unsupported_numbers=list(dict.fromkeys(unsupported)))


def check_sentence(sentence: str, sources: dict[int, str], cited: Collection[int]) -> CheckResult:
    """Check one sentence of an answer, so that an answer can be shown sentence by sentence.

    A sentence that cites sources must name given sources, and its numbers must stand in those it cites. A
    sentence that cites nothing ("**答：**", a clause ending in "；" before the marker) is held to `cited`, the
    sources the answer has cited so far. An answer whose sentences all pass also passes check_answer.
    """
    if citations(sentence):
        return check_answer(sentence, sources)
    return check_answer(sentence, {n: sources[n] for n in cited if n in sources})


def citations(answer: str) -> list[int]:
    """The source numbers `answer` cites, in order of first citation: [1][2], [1,2], ［1、2］ all cite 1 and 2."""
    numbers = [int(n) for marker in CITATION.finditer(answer) for n in re.split(r"[,，、]", marker.group(1))]
    return list(dict.fromkeys(numbers))
