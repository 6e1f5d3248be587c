"""Numbers whose text starts with a figure or a word that could continue them: a heading only where
the numbering expects that number next."""

from __future__ import annotations

from ingest.clauses import parse_clauses
from ingest.normalize import normalise


def _paths(text: str) -> list[str]:
    return [c.path for c in parse_clauses(normalise(text)) if c.kind == "clause"]


def test_an_item_starting_with_a_figure_is_an_item_in_sequence() -> None:
    text = ("一、资助对象\n（一）第一类。\n1.分散供养特困人员；\n2.最低生活保障家庭；\n3.重度残疾人；\n4.劳动模范；\n"
            "5. 100周岁及以上的；\n6.计划生育特殊家庭老年人。\n（二）第二类。\n1.80周岁及以上的；\n2.纯老家庭人员。\n")
    assert _paths(text) == ["一", "一（一）", "一（一）1", "一（一）2", "一（一）3", "一（一）4", "一（一）5", "一（一）6",
                            "一（二）", "一（二）1", "一（二）2"]


def test_an_article_starting_with_a_measure_word_is_an_article_in_sequence() -> None:
    text = "第一条 申请人应当如实申报。\n第二条个人临时救助标准，原则上不低于两个月低保标准。\n第三条 本细则自印发之日起施行。\n"
    assert _paths(text) == ["第一条", "第二条", "第三条"]


def test_figures_that_only_look_like_numbers_stay_text() -> None:
    text = ("一、工作目标\n（一）建设任务。到2025年完成改造。\n1.5倍以上的项目应当单独报批。\n"
            "1、3年内完成的项目不再重复申报。\n（二）保障措施。加强领导。\n")
    assert _paths(text) == ["一", "一（一）", "一（二）"]  # no "2." follows either figure
    out_of_order = "一、目标\n1.完成改造。\n2.新建管网。\n5.100个小区已完成。\n3.加装电梯。\n"
    assert _paths(out_of_order) == ["一", "一1", "一2", "一3"]
