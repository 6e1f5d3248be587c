"""The offline metrics on hand-made predictions: each one can fail."""

from __future__ import annotations

import pytest

from eval.dataset import EvalItem
from eval.metrics import Prediction, Retrieved, aggregate, keyword_present, score
from eval.runner import regressions

ITEM = EvalItem.model_validate({
    "id": "t1", "category": "numeric", "question": "赤峰县城新建住宅最高几层",
    "expected": [{"doc": "chifeng.txt", "clause": "三（一）2", "heading": "h", "evidence": "最高不超过18层"}],
    "answer_keywords": ["18层"]})
UNANSWERABLE = EvalItem.model_validate({"id": "t2", "category": "unanswerable", "question": "电梯补贴多少钱"})
RIGHT = {"n": 1, "source_file": "chifeng.txt", "clause": "三（一）2", "quote": "最高不超过18层", "text": "县城新建住宅…最高不超过18层。"}
WRONG = {"n": 2, "source_file": "jining.txt", "clause": "二（三）", "quote": "建设绿色低碳城镇", "text": "建设绿色低碳城镇。"}


@pytest.mark.parametrize(("keyword", "answer", "present"), [
    ("18层", "最高不超过十八层", True), ("93%", "达到百分之九十三", True), ("6层", "以六层为主", True),
    ("18层", "最高不超过12层", False), ("市住房城乡建设局", "市住建局", False), ("1.6万个", "建设16000个充电桩", True),
])
def test_keywords_compare_numbers_by_value(keyword: str, answer: str, present: bool) -> None:
    assert keyword_present(keyword, answer) is present


def test_a_right_answer_scores_full_marks() -> None:
    prediction = Prediction(ITEM, "县城新建住宅最高不超过18层。[1]", True, [RIGHT],
                            [Retrieved("jining.txt", "x", "无关"), Retrieved("chifeng.txt", "三（一）2", RIGHT["text"])])
    values = score(prediction).values
    assert values["citation_recall"] == values["keyword_accuracy"] == values["numeric_faithfulness"] == 1.0
    assert (values["evidence_recall@1"], values["evidence_recall@3"], values["mrr"]) == (0.0, 1.0, 0.5)
    assert values["false_abstention"] == 0.0


def test_wrong_citations_wrong_numbers_and_abstentions_are_counted() -> None:
    wrong = score(Prediction(ITEM, "最高不超过25层。[2]", True, [WRONG], []))
    assert wrong.values["citation_recall"] == wrong.values["keyword_accuracy"] == wrong.values["numeric_faithfulness"] == 0.0
    abstained = score(Prediction(ITEM, "未作规定。", False, [], []))
    assert abstained.values["false_abstention"] == 1.0
    answered = score(Prediction(UNANSWERABLE, "每台补贴10万元。", True, [], []))
    assert answered.values["abstention_accuracy"] == 0.0
    overall = aggregate([score(Prediction(ITEM, "18层[1][2]", True, [RIGHT, WRONG], [])), wrong])
    assert overall["citation_precision"] == pytest.approx(1 / 3, abs=1e-3)


def test_a_keyword_only_in_the_quotes_or_a_reference_clause_was_not_answered() -> None:
    refused = "**答：** 《济宁…》未对“县城住宅层数”作出规定。\n\n**相关条款（仅供参考，并非所问问题的答案）**\n- [1] …最高不超过18层。"
    assert score(Prediction(ITEM, refused, False, [], [])).values["keyword_accuracy"] == 0.0
    quoted = "**答：** 严格限制县城民用建筑高度。[1]\n\n**依据**\n\n> 县城新建住宅最高不超过18层。"
    assert score(Prediction(ITEM, quoted, True, [RIGHT], [])).values["keyword_accuracy"] == 0.0


def test_regressions_beyond_the_tolerance_only() -> None:
    baseline = {"citation_recall": 0.95, "false_abstention": 0.04, "keyword_accuracy": 0.9}
    current = {"citation_recall": 0.94, "false_abstention": 0.10, "keyword_accuracy": 0.95}
    assert regressions(current, baseline, tolerance=0.02) == ["false_abstention: 0.040 → 0.100"]
    assert regressions(baseline, baseline, tolerance=0.0) == []


def test_numbers_are_checked_in_the_statement_not_in_the_titles_of_its_sources() -> None:
    sources_list = "**答：** 县城新建住宅最高不超过18层。[1]\n\n**依据**\n\n> 最高不超过18层\n\n- [1] 《…（2025—2027年）》三（一）2"
    assert score(Prediction(ITEM, sources_list, True, [RIGHT], [])).values["numeric_faithfulness"] == 1.0
    invented = "**答：** 县城新建住宅最高不超过20层。[1]\n\n**依据**\n\n> 最高不超过18层"
    assert score(Prediction(ITEM, invented, True, [RIGHT], [])).values["numeric_faithfulness"] == 0.0
