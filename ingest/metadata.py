"""Document metadata read from the text itself, filled or overridden by an optional manifest.

The manifest is a JSON file beside the documents (`manifest.json`): {"<file name>": {"title": …,
"doc_number": …, "issuers": [… ] (or "issuer": "甲、乙"), "date": "YYYY-MM-DD", "region": …, "level": …,
"short_name": …}}.

Region and level come from the places the issuers (else the title) name, looked up in the gazetteer of
China's administrative divisions (ingest.places); issuers that name no place and are central bodies
(国务院, 中共中央; ministries, 国家…局) make a 全国 document of level 国家 or 部委.
"""

from __future__ import annotations

import json
import re
from dataclasses import fields
from pathlib import Path
from typing import Any

from ingest.models import Clause, DocumentMeta
from ingest.numbering import chinese_to_int
from ingest.places import NATIONWIDE, Place, gazetteer, normalise_level

MANIFEST_NAME = "manifest.json"

# A 文号 is an issuer's abbreviation, the year in brackets and a serial: 赤政办发〔2023〕61号 (also [2023], （2023）).
# Its year-and-serial part alone is what the answer checks skip (assistant.answering.verification).
DOC_NUMBER_YEAR_SERIAL = r"[〔\[［(（]\s*(\d{4})\s*[〕\]］)）]\s*(\d{1,4})\s*号"
_DOC_NUMBER = re.compile(rf"([\u4e00-\u9fff]{{1,12}}){DOC_NUMBER_YEAR_SERIAL}")
_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_CN_DATE = re.compile(r"([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日")  # 二〇〇五年六月十一日
_DATE_LINE = re.compile(rf"(?:{_DATE.pattern}|{_CN_DATE.pattern})(?:印发|公布|发布)?")
# "中华人民共和国国务院令第530号", "国家计划委员会、水利部令第1号": the issuer(s) before 令, the whole as the 文号.
_ORDER = re.compile(r"(?P<number>(?:中华人民共和国)?(?P<issuer>[\u4e00-\u9fff、]{2,30}?)(?:令|公告)第[\d一二三四五六七八九十百零〇]+号)")
# How a line dates the document's issue; a date a 条例 was only adopted ("…会议通过") counts when no other is given.
_ISSUE_MARKS = (("日", "日印发", "公布", "发布"), ("通过",))
_TITLE_ENDINGS = ("方案", "办法", "意见", "规划", "细则", "规定", "措施", "计划", "纲要", "条例", "通知", "决定", "预案", "函",
                  "批复", "公告", "公报", "决议", "导则", "指引", "指南", "清单", "要点")
_DOC_NUMBER_AFTER_TITLE = re.compile(rf"(?:{'|'.join(_TITLE_ENDINGS)})[（(]{_DOC_NUMBER.pattern}[）)]$")
_ISSUER_BEFORE_NOTICE = re.compile(r"^([\u4e00-\u9fff、\s]{3,80}?)关于")
_ORG_ENDINGS = ("办公室", "办公厅", "人民政府", "行政公署", "委员会", "局", "厅", "委", "国务院", "部", "人民银行", "队", "中心", "院", "会")
# "北京市第十六届人民代表大会常务委员会第六次会议通过", "景宁畲族自治县八届人大四次会议通过": a 条例 is issued by the
# 人大 (or its 常委会) that adopted it — not by one that only approved it (…会议批准).
_LEGISLATURE = re.compile(r"(?P<place>[\u4e00-\u9fff]{2,20}?)第?[一二三四五六七八九十]+届"
                          r"(?P<body>人民代表大会常务委员会|人民代表大会|人大常委会|人大)第?[一二三四五六七八九十百]+次(?:全体)?会议通过")
_PUBLISHER = re.compile(r"([\u4e00-\u9fff、\s]{3,60}?)\s*发布")
_LEGISLATURE_NAMES = {"人大常委会": "人民代表大会常务委员会", "人大": "人民代表大会"}
_ISSUER_SEPARATORS = re.compile(r"[、，,\s\u3000]+")
_CENTRAL = ("国务院", "中共中央", "中央", "全国人民代表大会")  # level 国家; other central bodies are 部委
_MINISTRY_STARTS = ("国家", "中国", "最高人民")
_BODY_STARTS = ("国家", "中共", "中国", "共青团", "国务院")

def extract_meta(doc_id: str, source_file: str, text: str, clauses: list[Clause],
                 overrides: dict[str, Any] | None = None) -> DocumentMeta:
    """Metadata from the preamble (the text before the first numbered clause), then the manifest."""
    first_body = next((c.start for c in clauses if c.kind != "preamble"), len(text))
    lines = [line for line in text[:first_body].split("\n") if line]
    title = _title(_title_lines(lines)) or Path(source_file).stem
    imprint = _imprint(lines)
    issuers = _issuers(lines) or (_split_issuers(imprint.group("issuer")) if imprint else [])
    meta = DocumentMeta(
        doc_id=doc_id,
        source_file=source_file,
        title=title,
        doc_number=_doc_number(lines) or (imprint.group("number") if imprint else ""),
        issuers=issuers,
        date=_date(lines) or _date(text.split("\n")[-3:]) or _signature_date(text),
    )
    _set_region(meta, _place_named(issuers, title), central=_central_level(issuers))
    _apply_manifest(meta, overrides or {})
    return meta


def _apply_manifest(meta: DocumentMeta, overrides: dict[str, Any]) -> None:
    """A manifest's fields over what the text said; a region given there is looked up like one read."""
    known = {f.name for f in fields(DocumentMeta)} - {"doc_id", "source_file", "issuers", "region_code"}
    for key, value in overrides.items():
        if key in ("issuer", "issuers") and value:
            meta.issuers = _split_issuers(value) if isinstance(value, str) else [str(v) for v in value]
        elif key in known and value:
            setattr(meta, key, str(value))
    if overrides.get("region"):
        place = gazetteer().locate(meta.region)
        meta.region_code = place.code if place else ""
        if place is not None and not overrides.get("level"):
            meta.level = place.rank
        if place is not None and not overrides.get("short_name"):
            meta.short_name = _short_name(place)
    meta.level = normalise_level(meta.level)

def _set_region(meta: DocumentMeta, place: Place | None, central: str) -> None:
    if place is not None:
        meta.region, meta.region_code, meta.level = gazetteer().region_name(place), place.code, place.rank
        meta.short_name = _short_name(place)
    elif central:
        meta.region, meta.level = NATIONWIDE, central


def _short_name(place: Place) -> str:
    """How the documents of a place are usually called: 赤峰 for 赤峰市, 天河区 for 广州市天河区."""
    return max(gazetteer().short_names(place), key=len, default=place.name)

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
    """The 文号 that stands on its own line (or in brackets after the title, as web pages print it: "…的通知
    (川发改价格〔2025〕480号)"); else the first one not quoted inside brackets (those cite other documents)."""
    standalone = [m for line in lines if (m := _DOC_NUMBER.fullmatch(line.strip()) or _DOC_NUMBER_AFTER_TITLE.search(line.strip()))]
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
    return (len(line) <= 40 and not line.endswith(_TITLE_ENDINGS) and not re.search(r"[，。：；:;！？/]|\d", line)
            and not _CN_DATE.search(line) and not line.endswith(("发布", "印发", "实施"))
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


def _issuers(lines: list[str]) -> list[str]:
    """Who issued it: "X关于印发…" at a line start, the 人大常委会 that adopted a 条例, else the
    letterhead or signature lines. A joint document's issuers each on their own."""
    for line in lines:
        if (match := _ISSUER_BEFORE_NOTICE.match(line)) and (issuers := _split_issuers(match.group(1))):
            return issuers
    for line in lines:
        if (match := _PUBLISHER.fullmatch(line.strip())) and (issuers := _split_issuers(match.group(1))):
            return issuers  # a standard's cover: "国家能源局　发布"
        if match := _LEGISLATURE.search(_DATE.sub(" ", line)):
            return [match.group("place") + _LEGISLATURE_NAMES.get(match.group("body"), match.group("body"))]
    group: list[str] = []
    for line in lines:
        if not re.search("[，。：]", line) and (issuers := _split_issuers(line)) and all(len(i) <= 30 for i in issuers):
            group.extend(issuers)
        elif group:
            break
    return list(dict.fromkeys(group))


def _split_issuers(text: str) -> list[str]:
    """The bodies in "甲、乙", "甲 乙" or "甲乙" run together — only if every part is a body (ends like one)."""
    parts = [body for part in _ISSUER_SEPARATORS.split(text.strip()) if part for body in _run_together(part)]
    return parts if parts and all(part.endswith(_ORG_ENDINGS) for part in parts) else []


def _run_together(text: str) -> list[str]:
    """"万载县统计局国家统计局万载调查队" (spaces lost beside Chinese) → the two bodies: a body ends, and the
    next begins with a place or a national prefix. A national body followed by a place is one body, its
    local office: 国家金融监督管理总局重庆监管局, 国家统计局万载调查队."""
    for i in range(2, len(text) - 2):
        rest = text[i:]
        local_office = text.startswith(_BODY_STARTS) and not rest.startswith(_BODY_STARTS)
        if text[:i].endswith(_ORG_ENDINGS) and rest.endswith(_ORG_ENDINGS) and _starts_a_body(rest) and not local_office:
            return [text[:i], *_run_together(rest)]
    return [text]


def _starts_a_body(text: str) -> bool:
    if text.startswith(_BODY_STARTS):
        return True
    mentions = gazetteer().mentions(text[:12])
    return bool(mentions) and mentions[0].start == 0


def _place_named(issuers: list[str], title: str) -> Place | None:
    """The place the issuers name (else the title): the most specific of the first run of names,
    广州市 + 天河区 → 天河区."""
    for text in [*issuers, title]:
        mentions = gazetteer().mentions(text)
        if mentions:
            place = mentions[0]
            for mention in mentions[1:]:
                if mention.start != place.end or not mention.place.within(place.place):
                    break
                place = mention
            return place.place
    return None


def _central_level(issuers: list[str]) -> str:
    """国家 for 国务院/中共中央/全国人大, 部委 for a ministry or national agency, "" for anything else."""
    names = [i.removeprefix("中华人民共和国") for i in issuers]
    if not names:
        return ""
    if any(n.startswith(_CENTRAL) for n in names):
        return "国家"
    return "部委" if all(n.endswith("部") or n.startswith(_MINISTRY_STARTS) for n in names) else ""

def _date(lines: list[str]) -> str:
    """A date line ("2023年12月15日", "二〇〇五年六月十一日") or an imprint ("…2022年11月18日印发"), as ISO."""
    for marks in _ISSUE_MARKS:
        for line in lines:
            if line.strip().endswith(marks) and (date := _iso_date(line)):
                return date
    return ""


def _signature_date(text: str) -> str:
    """The first line that is only a date: the signature of a notice whose body comes before it."""
    return next((date for line in text.split("\n") if _DATE_LINE.fullmatch(line.strip()) and (date := _iso_date(line))), "")


def _iso_date(line: str) -> str:
    if match := _DATE.search(line):
        year, month, day = (int(part) for part in match.groups())
    elif match := _CN_DATE.search(line):
        year, month, day = (chinese_to_int(part) or 0 for part in match.groups())
    else:
        return ""
    return f"{year}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else ""
