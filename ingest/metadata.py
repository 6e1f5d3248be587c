"""Document metadata read from the text itself, filled or overridden by an optional manifest.

The manifest is a JSON file beside the documents (`manifest.json`): {"<file name>": {"title": …,
"doc_number": …, "issuer": …, "date": "YYYY-MM-DD", "region": …, "level": …, "short_name": …}}.
"""

from __future__ import annotations

import json
import re
from dataclasses import fields
from pathlib import Path
from typing import Any

from ingest.models import Clause, DocumentMeta

MANIFEST_NAME = "manifest.json"

# A 文号 is an issuer's abbreviation, the year in brackets and a serial: 赤政办发〔2023〕61号 (also [2023], （2023）).
# Its year-and-serial part alone is what the answer checks skip (assistant.answering.verification).
DOC_NUMBER_YEAR_SERIAL = r"[〔\[［(（]\s*(\d{4})\s*[〕\]］)）]\s*(\d{1,4})\s*号"
_DOC_NUMBER = re.compile(rf"([\u4e00-\u9fff]{{1,12}}){DOC_NUMBER_YEAR_SERIAL}")
_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
# "中华人民共和国国务院令第530号", "国家计划委员会、水利部令第1号": the issuer(s) before 令, the whole as the 文号.
_ORDER = re.compile(r"(?P<number>(?:中华人民共和国)?(?P<issuer>[\u4e00-\u9fff、]{2,30}?)令第[\d一二三四五六七八九十百零〇]+号)")
# How a line dates the document's issue; a date a 条例 was only adopted ("…会议通过") counts when no other is given.
_ISSUE_MARKS = (("日", "日印发", "公布", "发布"), ("通过",))
_TITLE_ENDINGS = ("方案", "办法", "意见", "规划", "细则", "规定", "措施", "计划", "纲要", "条例", "通知", "决定")
_ISSUER_BEFORE_NOTICE = re.compile(r"^([\u4e00-\u9fff、]{3,60}?)关于")
_ORG_ENDINGS = ("办公室", "办公厅", "人民政府", "行政公署", "委员会", "局", "厅", "委", "国务院", "部")
_REGION = re.compile(r"^(.{2,8}?(?:自治区|省|自治州|地区|市|盟|州|县|旗))")
_LEVELS = (("自治区", "自治区"), ("省", "省"), ("市", "盟市"), ("盟", "盟市"), ("州", "盟市"),
           ("地区", "盟市"), ("县", "旗县"), ("旗", "旗县"))


def extract_meta(doc_id: str, source_file: str, text: str, clauses: list[Clause],
                 overrides: dict[str, Any] | None = None) -> DocumentMeta:
    """Metadata from the preamble (the text before the first numbered clause), then the manifest."""
    first_body = next((c.start for c in clauses if c.kind != "preamble"), len(text))
    lines = [line for line in text[:first_body].split("\n") if line]
    title = _title(_title_lines(lines)) or Path(source_file).stem
    imprint = _imprint(lines)
    issuer = _issuer(lines) or (imprint.group("issuer") if imprint else "")
    region = _region(title) or _region(issuer)
    meta = DocumentMeta(
        doc_id=doc_id,
        source_file=source_file,
        title=title,
        doc_number=_doc_number(lines) or (imprint.group("number") if imprint else ""),
        issuer=issuer,
        date=_date(lines) or _date(text.split("\n")[-3:]),
        region=region,
        level=next((level for suffix, level in _LEVELS if region.endswith(suffix)), ""),
        short_name=re.sub("(自治区|省|市|盟)$", "", region),
    )
    known = {f.name for f in fields(DocumentMeta)} - {"doc_id", "source_file"}
    for key, value in (overrides or {}).items():
        if key in known and value:
            setattr(meta, key, str(value))
    return meta


def load_manifest(folder: Path) -> dict[str, dict[str, Any]]:
    """The manifest of a folder, or {} when there is none. A broken manifest is an error, not ignored."""
    path = folder / MANIFEST_NAME
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"清单文件 {path} 不是有效的 UTF-8 JSON：{error}") from error
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise ValueError(f"清单文件 {path} 应为 {{文件名: {{字段: 值}}}} 的形式")
    return data


def _doc_number(lines: list[str]) -> str:
    """The 文号 that stands on its own line; else the first one not quoted inside parentheses."""
    standalone = [m for line in lines if (m := _DOC_NUMBER.fullmatch(line.strip()))]
    candidates = standalone or [m for line in lines for m in _DOC_NUMBER.finditer(line)
                                if not line[: m.start()].endswith(("（", "("))]
    if not candidates:
        return ""
    prefix, year, number = candidates[0].groups()
    return f"{prefix}〔{year}〕{number}号"


def _title_lines(lines: list[str]) -> list[str]:
    """Lines with a title printed over two or three lines joined: a title line ends with a document kind
    (…的通知, …意见), and the short lines just above it without punctuation, 文号 or date are its start."""
    joined: list[str] = []
    for line in lines:
        ends_title = line.endswith(_TITLE_ENDINGS) or line.endswith("》的通知")
        run = 0
        while ends_title and run < len(joined) and run < 2 and _title_start(joined[-1 - run]):
            run += 1
        if run:
            line = "".join(joined[-run:]) + line
            del joined[-run:]
        joined.append(line)
    return joined


def _title_start(line: str) -> bool:
    return (len(line) <= 40 and not line.endswith(_TITLE_ENDINGS) and not re.search(r"[，。：；:;！？]|\d", line)
            and not line.endswith(("》的通知", "》", "）", ")")))  # "（此件公开发布）" is a remark, not a title's start


def _imprint(lines: list[str]) -> re.Match[str] | None:
    """The line a 条例 or 办法 issued by 令 carries instead of a 文号: "2008年8月1日 中华人民共和国国务院令第530号公布"."""
    return next((m for line in lines if (m := _ORDER.search(_DATE.sub(" ", line)))), None)


def _title(lines: list[str]) -> str:
    """The plan's own title line; else the name inside 关于印发《…》."""
    for line in reversed(lines):
        if len(line) <= 50 and line.endswith(_TITLE_ENDINGS) and "关于" not in line and "《" not in line \
                and not line.endswith("通知"):
            return line
    for line in lines:
        if match := re.search(r"关于印发《(.+?)》", line):
            return match.group(1)
    return next((line for line in lines if 6 <= len(line) <= 50 and line.endswith(_TITLE_ENDINGS)), "")


def _issuer(lines: list[str]) -> str:
    """Who issued it: "X关于印发…" at a line start, else the letterhead or signature lines."""
    for line in lines:
        if (match := _ISSUER_BEFORE_NOTICE.match(line)) and match.group(1).endswith(_ORG_ENDINGS):
            return match.group(1)
    group: list[str] = []
    for line in lines:
        if len(line) <= 30 and line.endswith(_ORG_ENDINGS) and not re.search("[，。：]", line):
            group.append(line)
        elif group:
            break
    return "、".join(dict.fromkeys(group))


def _date(lines: list[str]) -> str:
    """A date line ("2023年12月15日") or an imprint ("…2022年11月18日印发"), as ISO."""
    for marks in _ISSUE_MARKS:
        for line in lines:
            if line.strip().endswith(marks) and (match := _DATE.search(line)):
                year, month, day = match.groups()
                return f"{year}-{int(month):02d}-{int(day):02d}"
    return ""


def _region(name: str) -> str:
    match = _REGION.match(name)
    return match.group(1) if match else ""
