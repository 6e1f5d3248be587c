"""Rule-based query understanding, on the metadata of the bundled corpus."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.answering.query import QueryAnalyser
from ingest.models import Document

CHIFENG, TONGLIAO, INNER = "chifeng-2023-green-development", "tongliao-2023-green-development", "inner-mongolia-2022-green-development"
JINING, ALXA = "jining-2022-green-development", "alxa-2023-carbon-peak"


@pytest.fixture(scope="module")
def analyser(corpus_documents: dict[str, Document]) -> QueryAnalyser:
    return QueryAnalyser([d.meta for d in corpus_documents.values()])


@pytest.mark.parametrize(("question", "doc_ids"), [
    ("赤峰县城新建住宅最高几层", [CHIFENG]),
    ("赤峰市和通辽的燃气普及率", [CHIFENG, TONGLIAO]),
    ("全区农村牧区生活污水治理率", [INNER]),
    ("内蒙古的清洁取暖率", [INNER]),
    ("自治区组织实施按什么原则", [INNER]),
    ("阿盟绿地率目标", [ALXA]),
    ("内蒙古自治区阿拉善盟的绿地率", [ALXA]),  # the parent region only locates the 盟
    ("济政办字〔2022〕86号对海绵城市怎么规定", [JINING]),
    ("县城新建住宅最高几层", []),
], ids=["city", "two-cities", "quan-qu", "nei-menggu", "zizhiqu", "a-meng", "parent-and-child", "doc-number", "none"])
def test_documents_named_by_region_short_name_or_document_number(analyser: QueryAnalyser, question: str,
                                                                 doc_ids: list[str]) -> None:
    assert analyser.analyse(question).doc_ids == doc_ids


def test_intents(analyser: QueryAnalyser) -> None:
    comparison = analyser.analyse("赤峰和通辽在县城住宅层数上有什么不同")
    assert comparison.comparison and comparison.numeric and not comparison.department
    assert comparison.topic == "县城住宅层数"
    listing = analyser.analyse("哪些文件提到了海绵城市")
    assert listing.list_all and listing.comparison and not listing.doc_ids
    department = analyser.analyse("济宁推广绿色建造这项由哪个部门牵头")
    assert department.department and not department.numeric
    assert analyser.analyse("通辽2025年城镇清洁能源取暖率是多少").years == ["2025"]


def test_everyday_words_become_the_official_ones(analyser: QueryAnalyser) -> None:
    assert "农房" in analyser.analyse("阿拉善农村的房子搞节能改造").text
    assert "屋顶" in analyser.analyse("房顶装光伏板要装到多少").text


@pytest.mark.parametrize(("previous", "question", "text", "doc_ids"), [
    ("赤峰县城新建住宅最高几层？", "那阿拉善呢？", "阿拉善 县城新建住宅最高几层？", [ALXA]),
    ("通辽城镇污泥无害化处置率目标是多少？", "这条由哪些单位负责？", "这条由哪些单位负责 通辽城镇污泥无害化处置率目标是多少？", [TONGLIAO]),
    ("阿拉善2025年装配式建筑占比目标多少？", "那2030年呢？", "2030年 阿拉善装配式建筑占比目标多少？", [ALXA]),
], ids=["other-region", "this-clause", "other-year"])
def test_follow_ups_are_completed_from_the_conversation(analyser: QueryAnalyser, previous: str, question: str,
                                                        text: str, doc_ids: list[str]) -> None:
    intent = analyser.analyse(question, [{"role": "user", "content": previous}, {"role": "assistant", "content": "…"}])
    assert (intent.text, intent.doc_ids) == (text, doc_ids)


def test_a_new_question_is_not_mixed_with_the_last_one(analyser: QueryAnalyser) -> None:
    history = [{"role": "user", "content": "赤峰县城新建住宅最高几层？"}]
    intent = analyser.analyse("济宁2022年城市建成区绿地率要达到多少", history)
    assert intent.text == "济宁2022年城市建成区绿地率要达到多少" and intent.doc_ids == [JINING]


def test_clause_reference_only_in_a_conversation(analyser: QueryAnalyser) -> None:
    history = [{"role": "user", "content": "县城新建住宅最高几层"}]
    assert analyser.analyse("第二条具体怎么说？", history).clause_reference == 2
    assert analyser.analyse("第二条具体怎么说？").clause_reference is None


@pytest.mark.parametrize(("question", "missing"), [
    ("呼伦贝尔县城新建住宅最高几层", ["呼伦贝尔"]),  # the 自治区 plan is not a 呼伦贝尔 document
    ("北京市朝阳区的清洁取暖率", ["北京市朝阳区"]),
    ("赤峰和鄂尔多斯的燃气普及率", ["鄂尔多斯"]),
    ("额济纳旗的绿地率", []),  # inside 阿拉善盟, which has a document
    ("内蒙古的清洁取暖率", []),
    ("城区绿化覆盖率", []),
], ids=["city-under-covered-province", "county-with-city", "one-of-two", "banner-of-covered-league", "province", "ordinary-word"])
def test_places_no_document_covers(analyser: QueryAnalyser, question: str, missing: list[str]) -> None:
    assert analyser.analyse(question).missing_places == missing


def test_no_place_is_missing_while_a_document_has_no_known_place(corpus_documents: dict[str, Document]) -> None:
    metas = [d.meta for d in corpus_documents.values()]
    unplaced = replace(metas[0], doc_id="unplaced", region="", region_code="", level="")
    assert QueryAnalyser([*metas, unplaced]).analyse("呼伦贝尔县城新建住宅最高几层").missing_places == []


@pytest.mark.parametrize(("question", "doc_ids"), [
    ("濟寧縣城新建住宅最高幾層", [JINING]),  # traditional characters (OpenCC)
    ("内蒙清洁取暖率", [INNER]),  # 内蒙 for 内蒙古, a place word of the dictionary
], ids=["traditional", "nei-meng"])
def test_documents_named_in_other_ways_of_writing(analyser: QueryAnalyser, question: str, doc_ids: list[str]) -> None:
    assert analyser.analyse(question).doc_ids == doc_ids


def test_a_chain_of_follow_ups_keeps_its_subject(analyser: QueryAnalyser) -> None:
    history = [{"role": "user", "content": "赤峰县城新建住宅最高几层"}, {"role": "assistant", "content": "最高不超过18层。"},
               {"role": "user", "content": "那阿拉善呢？"}, {"role": "assistant", "content": "最高不超过12层。"}]
    intent = analyser.analyse("这条由哪些单位负责？", history)
    assert intent.doc_ids == [ALXA] and "县城新建住宅" in intent.text and "呢" not in intent.text


@pytest.mark.parametrize(("question", "facets"), [
    ("赤峰在供水、污水方面有哪些量化指标？", ["供水", "污水"]),
    ("济宁方案里关于污水处理和再生水利用的量化目标有哪些？", ["污水处理", "再生水利用"]),
    ("赤峰在供水方面有哪些量化指标？", []),  # one subject: an ordinary question
    ("赤峰和通辽的供水目标", []),  # two documents, not two subjects
])
def test_the_subjects_of_a_list_question(analyser: QueryAnalyser, question: str, facets: list[str]) -> None:
    assert analyser.analyse(question).facets == facets


@pytest.mark.parametrize("question", ["济宁推进城乡基础设施一体化是哪几个部门牵头？", "内蒙古推广装配式建筑这块归哪些厅局管？",
                                      "北京谁来监管建筑垃圾处理活动？", "科技创新政策是哪个局牵头实施的？"])
def test_ways_of_asking_which_body_is_responsible(analyser: QueryAnalyser, question: str) -> None:
    assert analyser.analyse(question).department


def test_the_department_whose_tasks_are_asked_is_read_without_the_words_around_it(analyser: QueryAnalyser) -> None:
    intent = analyser.analyse("济宁方案里由市住房城乡建设局单独牵头的任务有哪几项？")
    assert (intent.unit, intent.unit_leads, intent.unit_alone) == ("市住房城乡建设局", True, True)


def test_a_conditional_without_a_document_continues_the_conversation(analyser: QueryAnalyser) -> None:
    history = [{"role": "user", "content": "赤峰县城新建住宅最高几层"}]
    assert analyser.analyse("要是确需建设18层以上呢，要怎么办？", history).doc_ids == ["chifeng-2023-green-development"]
    assert analyser.analyse("如果是通辽，县城住宅最高几层？", history).doc_ids == ["tongliao-2023-green-development"]


@pytest.mark.parametrize("question", ["小区配套幼儿园的摸底排查最晚要在什么时候前完成？", "老旧小区啥时候改造完"])
def test_a_question_asking_when_wants_a_date(analyser: QueryAnalyser, question: str) -> None:
    assert analyser.analyse(question).numeric  # a sentence stating the date answers, not its neighbour without one
