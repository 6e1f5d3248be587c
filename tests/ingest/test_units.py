"""Responsible units in the forms policy documents write them."""

from __future__ import annotations

import pytest

from ingest.units import parse_units


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
