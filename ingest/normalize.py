"""Clean raw extracted text into one paragraph per line, keeping its meaning.

- NFKC for letters, digits and symbols (full-width ６ → 6, ％ → %), but Chinese punctuation
  （，；：！？） stays as written;
- export artifacts ("[bookmark: print1]"), page footers ("- 2 -") and stray tabs/odd spaces go;
- spaces next to Chinese characters go ("到 2025 年" → "到2025年");
- lines a PDF wrapped mid-sentence are joined again ("最高不超过 18\\n\\n层" → "最高不超过18层");
- a table flattened one cell per line is rebuilt into one line per row (see `tables`).
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from dataclasses import dataclass, field

from ingest.numbering import match_heading
from ingest.tables import Table, TableRow, extract_tables

_KEEP_WIDE = "，；：！？（）"
_PROTECT = {ord(ch): chr(0xE000 + i) for i, ch in enumerate(_KEEP_WIDE)}
_RESTORE = {0xE000 + i: ch for i, ch in enumerate(_KEEP_WIDE)}

_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ARTIFACT = re.compile(r"\[bookmark:[^\]]*\]", re.IGNORECASE)
_FOOTER = re.compile(r"^(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(?:\s*共\s*\d{1,4}\s*页)?)$")
_CJK = r"\u2e80-\u9fff\u3000-\u303f\uff00-\uffef\u201c\u201d\u2018\u2019\u2014\u2026"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])[ \t]+|[ \t]+(?=[{_CJK}])")
_SPACES = re.compile(r"[ \t]+")
_SENTENCE_END = ("。", "！", "？", "；", "：")
_CLOSING_BRACKETS = ("）", ")", "]", "］", "】")  # a task's unit list: "…[市体育局，各区政府]" then the next heading
_LATIN_LETTER = re.compile("[A-Za-z]")
_BLOCK_STARTS = ("抄送", "主送", "附件")
_GB2312_ROW3_AS_YI = ("\ua3a1", "\ua3fe")  # GB2312 A3A1–A3FE: the full-width forms ！ … ～
_FONT_MAPPING_REPAIRS = {cp: chr(0xFF01 + cp - 0xA3A1) for cp in range(0xA3A1, 0xA3FF)} | {0xA3AE: "。", ord("«"): "《", ord("»"): "》"}


@dataclass
class NormalisedText:
    """The clean text (paragraphs joined by "\\n") and where rebuilt table rows sit in it."""

    text: str
    table_rows: list[TableRow] = field(default_factory=list)


def normalise(raw: str) -> NormalisedText:
    """Turn raw extracted text into clean paragraphs; rebuilt table rows are reported by span."""
    raw = _repair_font_mapping(raw.replace("\r\n", "\n").replace("\r", "\n"))
    lines = _nfkc_keep_cjk_punctuation(_INVISIBLE.sub("", raw))
    lines = _ARTIFACT.sub("", lines).split("\n")
    paragraphs: list[str] = []
    table_rows: list[TableRow] = []
    offset = 0
    for block in extract_tables(lines):
        if isinstance(block, Table):  # rebuilt rows are finished paragraphs: never re-joined
            for row in block.rows:
                row.start = offset
                row.end = offset + len(row.text)
                table_rows.append(row)
                paragraphs.append(row.text)
                offset = row.end + 1
        else:
            for paragraph in _paragraphs(block):
                paragraphs.append(paragraph)
                offset += len(paragraph) + 1
    return NormalisedText(text="\n".join(paragraphs), table_rows=table_rows)


def _repair_font_mapping(text: str) -> str:
    """PDFs typeset with 方正 fonts often map their punctuation to the GB2312 code taken as a code point:
    "，" comes out as ꎬ (U+A3AC, GB2312 A3AC), "。" as ꎮ, and 《》 as «». Those Yi syllables are the only
    ones in such a text; a text with other Yi script is real Yi and is left alone."""
    yi = {ch for ch in text if "\ua000" <= ch <= "\ua4cf"}
    if not yi or any(not _GB2312_ROW3_AS_YI[0] <= ch <= _GB2312_ROW3_AS_YI[1] for ch in yi):
        return text
    return text.translate(_FONT_MAPPING_REPAIRS)


def clean_line(line: str) -> str:
    """Whitespace rules for one line: none beside Chinese, single spaces elsewhere."""
    return _SPACES.sub(" ", _SPACE_NEAR_CJK.sub("", line)).strip()


def _nfkc_keep_cjk_punctuation(text: str) -> str:
    return unicodedata.normalize("NFKC", text.translate(_PROTECT)).translate(_RESTORE)


def _paragraphs(lines: list[str]) -> list[str]:
    """Clean lines, drop footers and blanks, and re-join lines that a PDF wrapped."""
    cleaned = [clean_line(line) for line in lines]
    cleaned = [line for line in cleaned if line and not _FOOTER.match(line)]
    wrap_width = _wrap_width(cleaned)
    if wrap_width is None:
        return cleaned
    paragraphs: list[list[str]] = []  # the lines of each paragraph, joined once at the end
    previous_line = ""
    for line in cleaned:
        if paragraphs and _wrapped_mid_paragraph(previous_line, line, wrap_width):
            paragraphs[-1].append(line)
        else:
            paragraphs.append([line])
        previous_line = line
    return [_join_wrapped(parts) for parts in paragraphs]


def _join_wrapped(parts: list[str]) -> str:
    """Join cleaned lines in one pass (re-cleaning per line was quadratic in a long paragraph).

    Cleaned lines are stripped and have no space beside Chinese, so joining them without a space
    changes nothing clean_line would have kept, except that a figure cut by the page stays one figure.
    """
    if len(parts) == 1:
        return parts[0]
    joined = parts[0]
    for part in parts[1:]:  # a space only between two words of Latin script: "0.⏎1%" is 0.1%
        joined += (" " if _LATIN_LETTER.match(joined[-1]) and _LATIN_LETTER.match(part[0]) else "") + part
    return clean_line(joined)


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _wrap_width(lines: list[str]) -> float | None:
    """The page width of a hard-wrapped text (a PDF export), or None if lines are paragraphs.

    A wrapped text has most of its longer lines at nearly the same width.
    """
    widths = [display_width(line) for line in lines]
    long_widths = [w for w in widths if w >= 30]
    if len(long_widths) < 10:
        return None
    width = statistics.median(long_widths)
    near = sum(1 for w in long_widths if 0.88 * width <= w <= 1.12 * width)
    if width > 120 or near < 0.5 * len(long_widths):
        return None
    return width


def _wrapped_mid_paragraph(line: str, next_line: str, wrap_width: float) -> bool:
    """A line that fills the page width and does not end a sentence was wrapped by the page,
    unless a closed parenthesis (a task's unit list) is followed by a heading or back matter."""
    if line.endswith(_SENTENCE_END) or display_width(line) < 0.85 * wrap_width:
        return False
    opens_block = match_heading(next_line) is not None or next_line.startswith(_BLOCK_STARTS)
    return not (line.endswith(_CLOSING_BRACKETS) and opens_block)
