"""The answer/refuse decision at its boundaries, on hand-built evidence (no model, no index)."""

from __future__ import annotations

import pytest

from assistant.answering.evidence import Evidence
from assistant.answering.policy import DEFAULT_POLICY, AnswerPolicy
from assistant.answering.query import QueryIntent
from assistant.answering.selection import answers
from ingest.models import Clause

CLAUSE = Clause(path="三（一）2", label="2", heading="住宅", text="县城新建住宅最高不超过18层。", start=0, end=14)
UNITS = Clause(path="三（一）3", label="3", heading="住宅", text="…（市住建局牵头）", start=0, end=9, units=["市住建局"])


def _evidence(coverage: float, *, agreed: bool = False, number: bool = True, fragment: float = 1.0,
              clause: Clause = CLAUSE) -> Evidence:
    return Evidence(clause=clause, doc_id="d", sentence=clause.text, fragment=clause.text, coverage=coverage,
                    fragment_coverage=fragment, has_number=number, agreed=agreed)


def _intent(**flags: bool) -> QueryIntent:
    return QueryIntent(question="q", text="q", **flags)


@pytest.mark.parametrize(("coverage", "agreed", "expected"), [
    (DEFAULT_POLICY.covered, False, True), (DEFAULT_POLICY.covered - 0.01, False, False),
    (DEFAULT_POLICY.agreed_covered, True, True), (DEFAULT_POLICY.agreed_covered - 0.01, True, False),
])
def test_coverage_decides_unless_both_retrievers_agree(coverage: float, agreed: bool, expected: bool) -> None:
    assert answers(_evidence(coverage, agreed=agreed), _intent(), DEFAULT_POLICY) is expected


def test_a_figure_question_needs_a_figure_about_the_question() -> None:
    numeric = _intent(numeric=True)
    assert answers(_evidence(0.9, fragment=DEFAULT_POLICY.fragment_covered), numeric, DEFAULT_POLICY)
    assert not answers(_evidence(0.9, fragment=DEFAULT_POLICY.fragment_covered - 0.01), numeric, DEFAULT_POLICY)
    assert not answers(_evidence(0.9, number=False), numeric, DEFAULT_POLICY)
    # a paraphrase found by agreement is not held to the fragment's word coverage
    assert answers(_evidence(0.4, agreed=True, fragment=0.0), numeric, DEFAULT_POLICY)


def test_a_who_question_needs_a_clause_that_names_units() -> None:
    assert not answers(_evidence(0.9), _intent(department=True), DEFAULT_POLICY)
    assert answers(_evidence(0.9, clause=UNITS), _intent(department=True), DEFAULT_POLICY)


def test_the_policy_is_passed_in_not_read_from_constants() -> None:
    strict = DEFAULT_POLICY.with_overrides(["covered=0.95"])
    assert answers(_evidence(0.9), _intent(), DEFAULT_POLICY) and not answers(_evidence(0.9), _intent(), strict)


def test_overrides_are_typed_and_unknown_names_refused() -> None:
    policy = DEFAULT_POLICY.with_overrides(["rrf_k=40", "covered=0.55"])
    assert (policy.rrf_k, policy.covered) == (40, 0.55) and isinstance(policy.rrf_k, int)
    assert AnswerPolicy() == DEFAULT_POLICY  # overriding makes a new policy
    with pytest.raises(ValueError, match="没有这个参数"):
        DEFAULT_POLICY.with_overrides(["coverd=0.5"])
    with pytest.raises(ValueError, match="不是数字"):
        DEFAULT_POLICY.with_overrides(["covered=high"])
