"""Responsible units in the forms policy documents write them."""

from __future__ import annotations

import pytest

from ingest.units import lead_convention, names_a_body, parse_units


@pytest.mark.parametrize(("text", "units", "lead"), [
    ("推广装配式建筑。（市住房城乡建设局牵头，市发展改革委、财政局等按照职责分工负责）",
     ["市住房城乡建设局", "市发展改革委", "市财政局"], ["市住房城乡建设局"]),
    ("建设海绵城市。（责任单位：市自然资源局、发展和改革委员会）", ["市自然资源局", "市发展和改革委员会"], []),
    ("推进清洁取暖。（牵头单位：市住建局；配合单位：市发改委、市财政局）", ["市住建局", "市发改委", "市财政局"], ["市住建局"]),
    ("推进清洁取暖。（牵头部门：盟住建局，配合部门：盟能源局）", ["盟住建局", "盟能源局"], ["盟住建局"]),
    ("到2025年，清洁取暖率达到97%。", [], []),
])
def test_units_and_lead_units(text: str, units: list[str], lead: list[str]) -> None:
    parsed = parse_units(text)
    assert parsed.units == units
    assert parsed.lead_units == lead


@pytest.mark.parametrize(("text", "units", "lead"), [
    ("加大见习补贴力度。（人力资源社会保障部、财政部、教育部等有关部门和单位负责）",
     ["人力资源社会保障部", "财政部", "教育部"], []),
    ("组建市级梯队。[市体育局、市国资委，各区、县（市）政府，杭师大]",
     ["市体育局", "市国资委", "各区、县（市）政府", "杭师大"], ["市体育局"]),
    ("推广创业贷款。〔责任单位:财政厅、团省委，人力资源社会保障厅、各市(州)人民政府。以下均需各市(州)人民政府落实，不再列出。〕",
     ["财政厅", "团省委", "人力资源社会保障厅", "各市(州)人民政府"], ["财政厅", "团省委"]),
    ("加大融资支持。（责任单位：市经济信息委、市委金融办、重庆金融监管局）",
     ["市经济信息委", "市委金融办", "重庆金融监管局"], []),
], ids=["ministries-responsible", "first-named-leads", "before-comma-lead", "a-unit-naming-its-own-place"])
def test_lead_units_follow_the_convention_the_document_states(text: str, units: list[str], lead: list[str]) -> None:
    convention = lead_convention(text + "（列第一位的为牵头单位，下同）" if "杭师大" in text else
                                 text + "（逗号前为牵头单位，下同）" if "团省委" in text else text)
    parsed = parse_units(text, convention)
    assert (parsed.units, parsed.lead_units) == (units, lead)


def test_a_sentence_naming_a_responsible_body() -> None:
    assert names_a_body("办公室设在国家粮食局，由国家粮食局主要负责人兼任办公室主任。")
    assert names_a_body("区民政部门负责本行政区域内临时救助审批。")
    assert not names_a_body("到2025年，城镇清洁取暖率达到93%。")
