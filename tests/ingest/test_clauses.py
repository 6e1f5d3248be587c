"""The parse of the bundled corpus, pinned against a clause table written by reading the files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.models import Document

EXPECTED = json.loads((Path(__file__).parent / "expected_clauses.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("source_file", sorted(EXPECTED))
def test_every_numbered_clause_has_its_path_and_heading(corpus_documents: dict[str, Document],
                                                        source_file: str) -> None:
    document = corpus_documents[source_file]
    numbered = [c for c in document.clauses
                if c.kind == "table_row" or (c.kind == "clause" and not c.path.startswith("附件"))]
    parsed = [[c.path, c.heading] for c in numbered]
    assert parsed == EXPECTED[source_file]


def test_every_clause_is_the_exact_span_of_the_normalised_text(corpus_documents: dict[str, Document]) -> None:
    for document in corpus_documents.values():
        for clause in document.clauses:
            assert document.text[clause.start:clause.end] == clause.text, (document.doc_id, clause.path)


def test_pdf_wrapped_sentence_is_whole(corpus_documents: dict[str, Document]) -> None:
    clause = corpus_documents["inner-mongolia-2022-green-development.txt"].clause("二（二）")
    assert "县城新建住宅以6层为主，最高不超过18层，确需建设18层以上居住建筑的" in clause.text
    assert "- 3 -" not in clause.text and "\n" not in clause.text.split("最高不超过")[1][:10]


def test_parent_paths_and_depths(corpus_documents: dict[str, Document]) -> None:
    chifeng = corpus_documents["chifeng-2023-green-development.txt"]
    clause = chifeng.clause("三（一）2")
    assert (clause.parent_path, clause.depth, clause.label) == ("三（一）", 2, "2")
    assert chifeng.clause("三（一）").parent_path == "三"
    assert chifeng.clause("四4").parent_path == "四"  # the document's own slip after 四（三）


def test_preamble_is_marked_and_comes_first(corpus_documents: dict[str, Document]) -> None:
    alxa = corpus_documents["alxa-2023-carbon-peak.txt"]
    preamble = [c for c in alxa.clauses if c.is_preamble]
    assert preamble and alxa.clauses[: len(preamble)] == preamble
    # the news preface repeats body clause 12 word for word; it must be preamble, not a clause
    assert "全盟城镇清洁取暖率达到93%以上" in preamble[0].text
    assert "全盟城镇清洁取暖率达到93%以上" in alxa.clause("二（二）12").text


def test_back_matter_is_not_part_of_the_last_clause(corpus_documents: dict[str, Document]) -> None:
    document = corpus_documents["inner-mongolia-2022-green-development.txt"]
    assert "抄送" not in document.clause("七（二十三）").text
    assert document.clause("版记").text.startswith("抄送：")


def test_appendix_rows_keep_header_names(corpus_documents: dict[str, Document]) -> None:
    tongliao = corpus_documents["tongliao-2023-green-development.txt"]
    row = tongliao.clause("附件 序号6")
    assert row.kind == "table_row" and row.parent_path == "附件"
    assert row.text == ("序号：6；牵头部门：市住建局；配合部门：市能源局、市财政局、市生态环境局；"
                        "指标内容：城镇清洁能源取暖率；2024年预期指标：92%；2025年指标：93%")
    assert row.lead_units == ["市住建局"]
    # a department name the export wrapped over two lines is one unit again
    assert tongliao.clause("附件 序号2").lead_units == ["市生态环境局"]
    assert tongliao.clause("附件 序号13").lead_units == ["市综合执法局"]
    assert "2025年指标：90%（城镇）" in tongliao.clause("附件 序号11").text
    assert [c.path for c in tongliao.clauses if c.kind == "table_row"] == [f"附件 序号{n}" for n in range(1, 22)]
    assert tongliao.clause("附件 说明").text.startswith("说明：各项量化指标")


@pytest.mark.parametrize(("source_file", "path", "units", "lead"), [
    ("chifeng-2023-green-development.txt", "三（二）2",
     ["市发展改革委", "市财政局", "市生态环境局", "市住房城乡建设局", "国网赤峰供电公司"], []),
    ("jining-2022-green-development.txt", "二（一）",
     ["市发展改革委", "市自然资源和规划局", "市住房城乡建设局", "市生态环境局"],
     ["市发展改革委", "市自然资源和规划局", "市住房城乡建设局"]),
    ("tongliao-2023-green-development.txt", "三（一）1", ["市自然资源局", "市发展和改革委员会"], []),
    ("alxa-2023-carbon-peak.txt", "二（五）23", ["盟科技局", "盟住房和城乡建设局", "盟教育局"], []),
    ("inner-mongolia-2022-green-development.txt", "三（九）", ["自治区应急厅", "内蒙古消防救援总队"], []),
])
def test_responsible_units(corpus_documents: dict[str, Document], source_file: str, path: str,
                           units: list[str], lead: list[str]) -> None:
    clause = corpus_documents[source_file].clause(path)
    assert all(unit in clause.units for unit in units), clause.units
    assert clause.lead_units == lead


@pytest.mark.parametrize(("source_file", "expected"), [
    ("chifeng-2023-green-development.txt",
     {"title": "赤峰市推动城乡建设绿色发展实施方案", "doc_number": "赤政办发〔2023〕61号",
      "issuer": "赤峰市人民政府办公室", "date": "2023-12-15", "region": "赤峰市", "level": "市"}),
    ("inner-mongolia-2022-green-development.txt",
     {"title": "内蒙古自治区推动城乡建设绿色发展实施方案", "doc_number": "内政办发〔2022〕79号",
      "issuer": "内蒙古自治区人民政府办公厅", "date": "2022-11-18", "region": "内蒙古自治区", "level": "省",
      "short_name": "自治区"}),
    ("tongliao-2023-green-development.txt",
     {"title": "通辽市推动城乡建设绿色发展实施方案", "doc_number": "", "issuer": "通辽市人民政府办公室",
      "date": "2023-11-04", "region": "通辽市", "level": "市"}),
    ("jining-2022-green-development.txt",
     {"title": "济宁市推动城乡建设绿色发展实施方案", "doc_number": "济政办字〔2022〕86号",
      "issuer": "济宁市人民政府办公室", "date": "", "region": "济宁市", "level": "市"}),
    ("alxa-2023-carbon-peak.txt",
     {"title": "阿拉善盟城乡建设领域碳达峰工作行动方案", "doc_number": "阿住建发〔2023〕66号",
      "issuer": "阿拉善盟住房和城乡建设局、阿拉善盟发展和改革委员会", "region": "阿拉善盟", "level": "市"}),
])
def test_document_metadata(corpus_documents: dict[str, Document], source_file: str,
                           expected: dict[str, str]) -> None:
    meta = corpus_documents[source_file].meta
    assert {key: getattr(meta, key) for key in expected} == expected
