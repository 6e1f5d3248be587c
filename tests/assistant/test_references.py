"""Documents cited as officials cite them: a loosely written 文号, or issuer, year and words of the title."""

from __future__ import annotations

import pytest

from assistant.answering.references import DocumentReferences
from ingest.models import DocumentMeta

EMPLOYMENT = DocumentMeta(doc_id="employment", source_file="e.txt", title="国务院关于做好当前和今后一个时期促进就业工作的若干意见",
                          doc_number="国发〔2018〕39号", issuers=["国务院"], date="2018-11-16")
KINDERGARTEN = DocumentMeta(doc_id="kindergarten", source_file="k.txt", title="国务院办公厅关于开展城镇小区配套幼儿园治理工作的通知",
                            doc_number="国办发〔2019〕3号", issuers=["国务院办公厅"], date="2019-01-09")
HANGZHOU_2024 = DocumentMeta(doc_id="hz2024", source_file="a.pdf", title="杭州市人民政府印发关于进一步推动经济高质量发展若干政策的通知",
                             issuers=["杭州市人民政府"], date="2024-02-18")
HANGZHOU_2025 = DocumentMeta(doc_id="hz2025", source_file="b.pdf", title="杭州市加快建设足球城市的若干措施",
                             issuers=["杭州市人民政府办公厅"], date="2025-03-01")
REFERENCES = DocumentReferences([EMPLOYMENT, KINDERGARTEN, HANGZHOU_2024, HANGZHOU_2025])


@pytest.mark.parametrize(("text", "cited"), [
    ("国发2018年39号文把见习补贴扩大了吗", ["employment"]),  # the 文号 without its brackets
    ("国务院2018年促进就业意见里的创业担保贷款", ["employment"]),  # issuer, year, title words
    ("国办2019年小区配套幼儿园治理通知", ["kindergarten"]),  # 国办: 国务院办公厅
    ("国务院2019年促进就业意见", []),  # not that year
    ("促进就业有哪些政策", []),  # title words alone are a topic, not a citation
])
def test_documents_cited_loosely(text: str, cited: list[str]) -> None:
    assert REFERENCES.cited(text) == cited


def test_of_a_places_documents_the_one_of_the_year_named() -> None:
    assert REFERENCES.cited("杭州2024年政策对高新技术企业奖励多少", among=["hz2024", "hz2025"]) == ["hz2024"]


def test_the_words_that_cite_a_document_are_not_its_topic() -> None:
    words = REFERENCES.citing_words("国务院2018年促进就业意见里，个人创业担保贷款最多能贷多少？")
    assert {"国务院", "促进", "就业"} <= set(words) and not {"创业", "担保", "贷款"} & set(words)
