"""Paragraphs after a list, outline numbering with a 目录, attachments and their forms: where each paragraph belongs."""

from __future__ import annotations

from pathlib import Path

from ingest.clauses import parse_clauses
from ingest.models import Clause
from ingest.normalize import normalise
from ingest.pipeline import parse_file

DEV = Path(__file__).resolve().parents[2] / "eval" / "corpora" / "dev"


def _clauses(text: str) -> dict[str, Clause]:
    return {c.path: c for c in parse_clauses(normalise(text)) if c.kind == "clause"}


def test_a_paragraph_after_the_items_of_an_article_is_its_next_paragraph() -> None:
    clauses = _clauses("第一条 申请人应当提交下列材料：\n（一）身份证明；\n（二）收入证明。\n申请人对材料的真实性负责。\n"
                       "第二条 本办法自公布之日起施行。")
    assert clauses["第一条（二）"].text == "（二）收入证明。"
    assert clauses["第一条第二款"].text == "申请人对材料的真实性负责。"
    assert clauses["第一条第二款"].parent_path == "第一条"


def test_a_paragraph_after_an_introduced_list_goes_back_to_the_item_that_introduced_it() -> None:
    clauses = _clauses("一、总体要求\n（一）加强监管。具体措施如下：\n1.建立台账；\n2.定期检查。\n各区每季度报送进展情况。\n"
                       "（二）强化保障。")
    assert clauses["一（一）2"].text == "2.定期检查。"
    assert clauses["一（一）续"].text == "各区每季度报送进展情况。"


def test_an_item_of_several_paragraphs_keeps_them() -> None:
    clauses = _clauses("第一条 租金按下列标准计收：\n（一）收入在限额以内的，按市场租金的50%计收。\n"
                       "收入在限额1.5倍以内的，按70%计收。\n（二）其他家庭按市场租金计收。")
    assert "按70%计收" in clauses["第一条（一）"].text and "第一条第二款" not in clauses


def test_a_sub_list_lead_in_stays_with_its_item() -> None:
    clauses = _clauses("第一条 资助对象如下：\n（一）第一类资助对象。\n符合以下条件之一的老年人：\n1.特困人员；\n2.低保家庭老年人。\n"
                       "（二）第二类资助对象。")
    assert "符合以下条件之一" in clauses["第一条（一）"].text and clauses["第一条（一）2"].parent_path == "第一条（一）"


def test_a_real_regulation_keeps_its_second_paragraph_apart() -> None:
    document = parse_file(DEV / "jingning-2015-urban-management-regulation.txt", 10 * 2**20)
    paragraph = document.clause("第十八条第二款")
    assert paragraph is not None and paragraph.text.startswith("违反前款规定的")


def test_decimal_outline_numbering_after_a_table_of_contents() -> None:
    clauses = _clauses("国家粮食应急预案\n目　　录\n1　总则\n　　1.1　编制目的\n　　1.2　等级划分\n2　组织机构\n"
                       "1　总则\n1.1　编制目的\n为了有效监测，制定本预案。\n1.2　等级划分\n粮食应急状态分为两级。\n"
                       "1.2.1　国家级（Ⅰ级）：两个以上省出现粮食应急状态。\n2　组织机构\n2.1　指挥部\n总指挥：主要负责人。\n"
                       "价格上涨1.5倍以上时启动。")
    assert list(clauses) == ["1", "1.1", "1.2", "1.2.1", "2", "2.1"]
    assert clauses["1.2.1"].parent_path == "1.2" and clauses["1.1"].text.endswith("制定本预案。")
    assert clauses["2.1"].text.endswith("1.5倍以上时启动。")  # a figure, not item 1.5


def test_items_of_an_attachment_stay_in_it_and_a_blank_form_is_a_form() -> None:
    clauses = {c.path: c for c in parse_clauses(normalise(
        "第一条 本办法自印发之日起施行。\n附件：申请程序\n一、经办机构\n（一）初核机构：市就业中心。\n"
        "附表1\n就业见习基地申请表\n单位名称\n联系人\n联系电话\n岗位名称\n申请单位（盖章）\n年 月 日"))}
    assert clauses["附件 一（一）"].parent_path == "附件 一" and clauses["附件"].kind == "clause"
    assert clauses["附表1"].kind == "form" and clauses["附表1"].heading == "就业见习基地申请表"
