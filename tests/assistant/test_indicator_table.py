"""The 指标库 table: filters, and the CSV and XLSX a spreadsheet opens with Chinese headers."""

from __future__ import annotations

import csv
import io

import pytest

from assistant.application.indicator_table import IndicatorRow, export, indicator_rows
from ingest.indicators import extract_indicators
from ingest.models import Document


@pytest.fixture(scope="module")
def rows(corpus_documents: dict[str, Document]) -> list[IndicatorRow]:
    indicators = [i for d in corpus_documents.values() for i in extract_indicators(d)]
    return indicator_rows(indicators, {d.doc_id: d.meta for d in corpus_documents.values()})


def _filtered(corpus_documents: dict[str, Document], **filters: str) -> list[IndicatorRow]:
    indicators = [i for d in corpus_documents.values() for i in extract_indicators(d)]
    return indicator_rows(indicators, {d.doc_id: d.meta for d in corpus_documents.values()}, **filters)


def test_filters_by_region_year_and_measure(corpus_documents: dict[str, Document]) -> None:
    rows = _filtered(corpus_documents, region="通辽", year="2025", indicator="清洁取暖")
    assert {(r.clause, r.value_text) for r in rows} == {("三（二）6", "93%"), ("附件 序号6", "93%")}
    assert all(r.region == "通辽市" for r in rows)
    assert _filtered(corpus_documents, region="呼伦贝尔") == []


def test_every_row_says_where_it_stands(rows: list[IndicatorRow], corpus_documents: dict[str, Document]) -> None:
    by_id = {d.doc_id: d for d in corpus_documents.values()}
    for row in rows:
        clause = by_id[row.doc_id].clause(row.clause)
        assert clause is not None and row.source in clause.text and row.document and row.region


def test_csv_opens_in_excel_with_chinese_headers(rows: list[IndicatorRow]) -> None:
    data = export(rows, "csv")
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[0][:5] == ["地区", "文件", "文号", "条款", "指标"] and len(table) == len(rows) + 1


def test_xlsx_opens_with_chinese_headers(rows: list[IndicatorRow]) -> None:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(export(rows, "xlsx"))).active
    assert sheet.title == "指标一览" and [c.value for c in sheet[1]][:5] == ["地区", "文件", "文号", "条款", "指标"]
    assert sheet.max_row == len(rows) + 1


def test_an_unknown_format_is_refused_in_chinese(rows: list[IndicatorRow]) -> None:
    with pytest.raises(ValueError, match="不支持的格式"):
        export(rows, "pdf")
