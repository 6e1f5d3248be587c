"""指标库: the corpus's quantitative targets as one table — filtered, sorted, and written as CSV, XLSX or JSON.

The same rows serve the CLI (`policy-assistant indicators`), the API (`GET /api/indicators`), the UI's 指标一览
tab and the answers to list and comparison questions. Each row carries where it stands (document, 文号,
clause) and the verbatim sentence, so a row can always be checked against its clause.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from pydantic import BaseModel, Field

from ingest.indicators import COMPARATOR_WORDS, Indicator, in_order, measure_groups
from ingest.models import DocumentMeta

FORMATS = ("csv", "xlsx", "json")
# Column → Chinese header, in the order a spreadsheet shows them.
HEADERS = {
    "region": "地区", "document": "文件", "doc_number": "文号", "clause": "条款", "indicator": "指标",
    "comparator_text": "要求", "value_text": "目标值", "unit": "单位", "year": "目标年份", "baseline_year": "基准年份",
    "scope": "适用范围", "property": "属性", "lead_units": "牵头单位", "source": "原文",
}


class IndicatorRow(BaseModel):
    """One target, with where it stands."""

    doc_id: str
    document: str = Field(description="the document's title")
    doc_number: str = Field(description="文号, '' when the document states none")
    region: str
    level: str
    clause: str = Field(description="clause path, e.g. 三（二）6 or 附件 序号6")
    indicator: str = Field(description="the measure in the document's words: 城镇清洁能源取暖率")
    group: str = Field(description="the measure's group: the shortest wording of it in the corpus (清洁取暖率 for 城镇清洁能源取暖率)")
    comparator: str = Field(description=">=, <=, >, <, = or ≈")
    comparator_text: str = Field(description="the comparator in words: 不低于, 不高于, 达到, …")
    value: float = Field(description="in plain units: 93 for 93%, 16000 for 1.6万")
    value_text: str = Field(description="as written: 93%, 1.6万个")
    unit: str
    year: str = Field(description="target year, '' when none is stated")
    baseline_year: str
    scope: str
    property: str = Field(description="约束性 or 预期性 where the document says, else ''")
    lead_units: list[str]
    units: list[str]
    source: str = Field(description="the sentence (or table row) that states it, verbatim")

    @classmethod
    def of(cls, indicator: Indicator, meta: DocumentMeta, group: str) -> IndicatorRow:
        return cls(doc_id=meta.doc_id, document=meta.title, doc_number=meta.doc_number, region=meta.region,
                   level=meta.level, clause=indicator.path, indicator=indicator.name, group=group,
                   comparator=indicator.comparator, comparator_text=COMPARATOR_WORDS.get(indicator.comparator, ""),
                   value=indicator.value, value_text=indicator.value_text, unit=indicator.unit, year=indicator.year,
                   baseline_year=indicator.baseline_year, scope=indicator.scope, property=indicator.property,
                   lead_units=indicator.lead_units, units=indicator.units, source=indicator.sentence.strip())


def indicator_rows(indicators: Iterable[Indicator], documents: dict[str, DocumentMeta], *, region: str = "",
                   year: str = "", indicator: str = "", doc_id: str = "", property_: str = "") -> list[IndicatorRow]:
    """The rows that pass every given filter (each a substring test, "" = any), in document order."""
    indicators = [i for i in indicators if i.doc_id in documents]
    groups = measure_groups([i.name for i in indicators])
    rows = [IndicatorRow.of(i, documents[i.doc_id], groups[i.name]) for i in indicators]
    return [row for row in rows
            if _has(region, row.region, documents[row.doc_id].short_name) and (not year or row.year == year)
            and _has(indicator, row.indicator, row.group) and (not doc_id or row.doc_id == doc_id)
            and (not property_ or row.property == property_)]


def _has(wanted: str, *texts: str) -> bool:
    """`wanted` in one of `texts`; three characters or more also in order with others between (清洁取暖 in
    清洁能源取暖率)."""
    wanted = wanted.strip()
    return not wanted or any(wanted in text or (len(wanted) >= 3 and in_order(wanted, text) is not None)
                             for text in texts if text)


def to_csv(rows: list[IndicatorRow]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens the Chinese headers correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS.values())
    writer.writerows(_cells(row) for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(rows: list[IndicatorRow]) -> bytes:
    from openpyxl import Workbook  # only needed for this download

    book = Workbook()
    sheet = book.active
    sheet.title = "指标一览"
    sheet.append(list(HEADERS.values()))
    for row in rows:
        sheet.append(_cells(row))
    sheet.freeze_panes = "A2"
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def to_json(rows: list[IndicatorRow]) -> bytes:
    return ("[" + ",".join(row.model_dump_json() for row in rows) + "]").encode("utf-8")


def _cells(row: IndicatorRow) -> list[str]:
    values = row.model_dump()
    return ["、".join(values[key]) if isinstance(values[key], list) else str(values[key]) for key in HEADERS]


def export(rows: list[IndicatorRow], fmt: str) -> bytes:
    """The rows in one of FORMATS."""
    writers = {"csv": to_csv, "xlsx": to_xlsx, "json": to_json}
    if fmt not in writers:
        raise ValueError(f"不支持的格式“{fmt}”（可用：{'、'.join(FORMATS)}）")
    return writers[fmt](rows)
