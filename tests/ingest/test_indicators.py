"""指标库 extraction: which figures are targets, and what each record says."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.indicator_check import EXPECTED_DIR, load_expected, score
from eval.metrics import squash
from ingest.indicators import Indicator, extract_indicators, measure_groups, same_measure
from ingest.models import Clause, Document, DocumentMeta
from ingest.pipeline import parse_paths

DEV_CORPUS = Path(__file__).parents[2] / "eval" / "corpora" / "dev"


def _targets(*sentences: str, kind: str = "clause", lead_units: list[str] | None = None) -> list[Indicator]:
    text = "".join(sentences)
    clause = Clause(path="三（二）6", label="6", heading="", text=text, start=0, end=len(text), kind=kind,  # type: ignore[arg-type]
                    lead_units=lead_units or [])
    document = Document(DocumentMeta(doc_id="d", source_file="d.txt"), text, [clause], "")
    return extract_indicators(document)


def _summary(records: list[Indicator]) -> list[tuple[str, str, float, str, str]]:
    return [(r.name, r.comparator, r.value, r.unit, r.year) for r in records]


def test_a_target_gives_its_measure_bound_value_unit_year_and_scope() -> None:
    [record] = _targets("到2025年，全盟城镇清洁取暖率达到93%以上。")
    assert _summary([record]) == [("城镇清洁取暖率", ">=", 93.0, "%", "2025")]
    assert record.scope == "城镇" and record.sentence == "到2025年，全盟城镇清洁取暖率达到93%以上。"


@pytest.mark.parametrize(("sentence", "expected"), [
    ("到2025年，城镇用水普及率超过99%，城镇供水管网漏损率控制在9%以下。",
     [("城镇用水普及率", ">", 99.0, "%", "2025"), ("城镇供水管网漏损率", "<=", 9.0, "%", "2025")]),
    ("每个城市组团面积不超过50平方公里，平均人口密度原则上不超过1万人/平方公里。",
     [("每个城市组团面积", "<=", 50.0, "平方公里", ""), ("平均人口密度", "<=", 10000.0, "人/平方公里", "")]),
    ("2025年规模化供水工程覆盖农村人口比例稳定在92%以上、农村自来水普及率稳定在99%以上。",
     [("规模化供水工程覆盖农村人口比例", ">=", 92.0, "%", "2025"), ("农村自来水普及率", ">=", 99.0, "%", "2025")]),
    ("到2025年，全市建成各类充换电站630座、充电桩1.6万个。",
     [("充换电站", "=", 630.0, "座", "2025"), ("充电桩", "=", 16000.0, "个", "2025")]),
    ("到2030年施工现场建筑材料损耗比2020年降低20%。", [("施工现场建筑材料损耗", "=", 20.0, "%", "2030")]),
])
def test_bounds_lists_and_units_as_written(sentence: str, expected: list[tuple[str, str, float, str, str]]) -> None:
    assert _summary(_targets(sentence)) == expected


def test_the_baseline_year_is_not_the_target_year() -> None:
    [record] = _targets("到2030年实现公共建筑机电系统总体能效较2020年提升10%。")
    assert (record.year, record.baseline_year) == ("2030", "2020")


def test_a_superlative_names_the_sentences_subject_and_a_main_type_is_no_target() -> None:
    records = _targets("县城新建住宅以6层为主，最高不超过18层，确需建设18层以上居住建筑的，应严格充分论证。")
    assert _summary(records) == [("县城新建住宅最高层数", "<=", 18.0, "层", "")]


@pytest.mark.parametrize("sentence", [
    "城镇总体规划区内单体建筑面积2万平方米以上的大型公共建筑执行一星级以上绿色建筑标准。",  # a qualifier and a grade
    "推动12层以下居住建筑采用太阳能光热建筑一体化技术。",  # which buildings, not how many
    "到2025年完成运行年限满20年的管网改造任务。",  # 满20年 and the deadline alone
    "各旗区于每年11月底前将落实情况报盟住房和城乡建设局。",  # a date
    "对首次上规模的高新技术企业，再给予30万元奖励。",  # money paid out
    "生活垃圾日清运量超过300吨的地区，要加快发展焚烧处理方式。",  # a condition
    "执行《建筑节能与可再生能源利用通用规范》（GB55015-2021）国家标准。",  # a standard's number
    "逾期不改正的，处工程合同价款百分之二以上百分之四以下的罚款。",  # a penalty
    "港澳青年创业团队是指港澳青年人数比例达30%以上的团队。",  # a definition
    "竞争类重点科研项目按不超过实际投入额的20%，给予最高300万元补助。",  # money given, as a share
    "见习期限一般为3个月至6个月，最长不超过12个月。",  # a duration
    "加力推进城市地下管网建设等5个领域补短板。",  # a count of what was listed
])
def test_figures_that_are_not_targets(sentence: str) -> None:
    assert _targets(sentence) == []


def test_shares_and_counts_with_a_qualifier_shape_are_targets() -> None:
    records = _targets("力争到2023年，中心城区40%以上的建成区面积达到海绵城市标准。2023年完成80处以上停车场智慧化改造。")
    assert [(r.value, r.comparator, r.year) for r in records] == [(40.0, ">=", "2023"), (80.0, ">=", "2023")]


def test_a_table_row_gives_a_record_per_year_with_its_lead_unit() -> None:
    row = "序号：6；牵头部门：市住建局；配合部门：市能源局；指标内容：城镇清洁能源取暖率；2024年预期指标：92%；2025年指标：93%"
    records = _targets(row, kind="table_row", lead_units=["市住建局"])
    assert _summary(records) == [("城镇清洁能源取暖率", "=", 92.0, "%", "2024"), ("城镇清洁能源取暖率", "=", 93.0, "%", "2025")]
    assert all(r.lead_units == ["市住建局"] for r in records)


def test_a_preface_repeating_an_article_adds_no_second_record() -> None:
    sentence = "到2025年，全盟城镇清洁取暖率达到93%以上。"
    preface = Clause(path="前言1", label="", heading="", text=sentence, start=0, end=len(sentence), kind="preamble")
    article = Clause(path="二（二）12", label="12", heading="", text=sentence, start=len(sentence), end=2 * len(sentence))
    document = Document(DocumentMeta(doc_id="d", source_file="d.txt"), sentence * 2, [preface, article], "")
    assert [r.path for r in extract_indicators(document)] == ["二（二）12"]


def test_the_bundled_documents_against_the_hand_checked_table(corpus_documents: dict[str, Document]) -> None:
    documents = list(corpus_documents.values())
    extracted = [i for d in documents for i in extract_indicators(d)]
    result = score(extracted, load_expected(EXPECTED_DIR / "bundled.jsonl"), {d.doc_id: d.meta.source_file for d in documents})
    assert result.precision >= 0.95, [(i.doc_id, i.path, i.name, i.value_text) for i in result.spurious]
    assert result.recall >= 0.95, [(r["doc"], r["indicator"], r["value"]) for r in result.missed]
    by_id = {d.doc_id: d for d in documents}
    for indicator in extracted:  # every record's source is verbatim in its clause
        assert squash(indicator.sentence) in squash(by_id[indicator.doc_id].clause(indicator.path).text)


def test_a_real_document_it_was_not_written_for() -> None:
    expected = load_expected(EXPECTED_DIR / "dev.jsonl")
    names = {record["doc"] for record in expected}
    documents = parse_paths([DEV_CORPUS / name for name in names], 10**8).documents
    result = score([i for d in documents for i in extract_indicators(d)], expected,
                   {d.doc_id: d.meta.source_file for d in documents})
    # measured when it was first run: precision 1.00, recall 0.71 (零发生 and a ban below 0.01毫米 are not read as targets)
    assert result.precision >= 0.95 and result.recall >= 0.7, (result.spurious, result.missed)


@pytest.mark.parametrize(("a", "b", "same"), [
    ("城镇清洁取暖率", "清洁取暖率", True),  # a scope word
    ("清洁取暖率", "城镇清洁能源取暖率", True),  # a word inserted
    ("清洁取暖率", "城镇集中供热清洁取暖覆盖率", True),
    ("供水管网漏损率", "城镇公共供水管网漏损率", True),
    ("城镇用水普及率", "城镇燃气普及率", False),  # another measure
    ("污水处理率", "城镇生活污水处理厂中水利用率", False),  # the measure replaced, not a word inserted
    ("建筑面积", "人均住房建筑面积", False),  # too short to name one measure
])
def test_one_measure_in_other_words(a: str, b: str, same: bool) -> None:
    assert same_measure(a, b) is same


def test_groups_are_labelled_by_their_shortest_wording() -> None:
    groups = measure_groups(["城镇清洁能源取暖率", "城镇清洁取暖率", "清洁取暖率", "城镇燃气普及率"])
    assert groups == {"城镇清洁能源取暖率": "清洁取暖率", "城镇清洁取暖率": "清洁取暖率", "清洁取暖率": "清洁取暖率",
                      "城镇燃气普及率": "燃气普及率"}


def test_a_statistical_bulletin_and_a_section_of_conditions_set_no_targets() -> None:
    sentence = "全年城镇新增就业3892人，比上年减少1119人。"
    clause = Clause(path="一", label="一", heading="", text=sentence, start=0, end=len(sentence))
    bulletin = Document(DocumentMeta(doc_id="b", source_file="b.html", title="万载县2023年国民经济和社会发展统计公报"),
                        sentence, [clause], "")
    assert extract_indicators(bulletin) == []
    conditions = Clause(path="第五条", label="第五条", heading="申请条件", text="接收见习人员20人以上。", start=0, end=11)
    assert extract_indicators(Document(DocumentMeta(doc_id="c", source_file="c.txt"), conditions.text, [conditions], "")) == []
