"""The gazetteer of China's administrative divisions, and the region and level documents get from it."""

from __future__ import annotations

import pytest

from ingest.metadata import extract_meta
from ingest.places import gazetteer


@pytest.mark.parametrize(("text", "names"), [
    ("呼伦贝尔县城新建住宅最高几层", ["呼伦贝尔市"]),
    ("内蒙古的清洁取暖率", ["内蒙古自治区"]),
    ("广西和新疆", ["广西壮族自治区", "新疆维吾尔自治区"]),
    ("黔南州的规定", ["黔南布依族苗族自治州"]),
    ("内蒙古自治区阿拉善盟额济纳旗", ["内蒙古自治区", "阿拉善盟", "额济纳旗"]),
    ("北京市朝阳区", ["北京市", "朝阳区"]),
    ("朝阳区的规定", []),  # which 朝阳区? and not 朝阳市 either
    ("城区绿化覆盖率和新城区建设", []),  # county names that are ordinary words count only after their city
    ("国务院办公厅", []),
    ("景宁县城和长阳的规定", ["景宁畲族自治县", "长阳土家族自治县"]),  # an autonomous county by its short name
    ("要确定安全措施，在华池塘边互助", []),  # 定安县, 华池县 and 互助土族自治县 are not named here
], ids=["city-short", "province-short", "ethnic-names", "autonomous-prefecture", "chain", "shared-county-after-city",
        "shared-county-alone", "ordinary-words", "no-place", "autonomous-county-short", "county-names-inside-words"])
def test_places_named_in_a_text(text: str, names: list[str]) -> None:
    assert [m.place.name for m in gazetteer().mentions(text)] == names


def test_a_county_is_written_with_its_city_and_lies_in_it() -> None:
    tianhe = gazetteer().locate("广州市天河区")
    assert tianhe is not None and tianhe.rank == "区县"
    assert gazetteer().region_name(tianhe) == "广州市天河区"
    assert tianhe.within(gazetteer().locate("广东"))
    assert not tianhe.within(gazetteer().locate("北京市"))


def _meta(text: str, overrides: dict | None = None):  # type: ignore[no-untyped-def]
    return extract_meta("doc", "doc.txt", text, [], overrides)


@pytest.mark.parametrize(("text", "issuers", "region", "level"), [
    ("国务院关于做好当前和今后一个时期促进就业工作的若干意见\n国发〔2018〕39号", ["国务院"], "全国", "国家"),
    ("城市节约用水管理规定\n1988年12月20日 中华人民共和国建设部令第1号发布", ["建设部"], "全国", "部委"),
    ("浙江省人民政府办公厅关于印发某某方案的通知\n浙政办发〔2021〕3号", ["浙江省人民政府办公厅"], "浙江省", "省"),
    ("成都市住房和城乡建设局 成都市财政局关于印发某某办法的通知", ["成都市住房和城乡建设局", "成都市财政局"], "成都市", "市"),
    ("额济纳旗人民政府关于某某工作的通知", ["额济纳旗人民政府"], "阿拉善盟额济纳旗", "区县"),
    ("北京市建筑绿色发展条例\n2023年11月24日 北京市第十六届人民代表大会常务委员会第六次会议通过",
     ["北京市人民代表大会常务委员会"], "北京市", "省"),
], ids=["state-council", "ministry-order", "province", "joint-city-departments", "banner", "local-regulation"])
def test_issuers_region_and_level(text: str, issuers: list[str], region: str, level: str) -> None:
    meta = _meta(text)
    assert (meta.issuers, meta.region, meta.level) == (issuers, region, level)


def test_a_manifest_region_is_looked_up_like_one_read() -> None:
    meta = _meta("关于加强某某工作的通知\n市住建局", {"region": "呼伦贝尔市", "issuer": "甲局、乙局"})
    assert (meta.region, meta.region_code, meta.level, meta.short_name) == ("呼伦贝尔市", "150700", "市", "呼伦贝尔")
    assert meta.issuers == ["甲局", "乙局"] and meta.issuer == "甲局、乙局"
    assert _meta("关于某某的通知", {"level": "盟市"}).level == "市"  # the older names of the levels still work
