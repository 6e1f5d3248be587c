"""From an understood question to what the corpus says about it, document by document.

Each document involved gets its own best evidence (a known failure of RAG tools is answering a
comparison from one document only). A document answers only if its evidence covers the question;
a named document that does not is reported as missing, never replaced by another's figure.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace

from assistant.answering.evidence import Evidence, EvidenceFinder, states_other_years
from assistant.answering.policy import DEFAULT_POLICY, AnswerPolicy
from assistant.answering.query import QueryIntent
from assistant.answering.retrieval import Hit, HybridRetriever
from ingest.places import NATIONWIDE, gazetteer
from ingest.quantities import quantities
from ingest.units import names_a_body


@dataclass
class Findings:
    intent: QueryIntent
    answering: list[Evidence] = field(default_factory=list)  # one per document that answers
    other_scope: list[Evidence] = field(default_factory=list)  # answers less closely (e.g. another scope): noted apart
    missing: list[str] = field(default_factory=list)  # named documents without such a provision
    closest: list[Evidence] = field(default_factory=list)  # of named documents that do not answer: a clearly related clause
    related: list[Evidence] = field(default_factory=list)  # closest clauses, when nothing answers
    hits: list[Hit] = field(default_factory=list)  # everything retrieved, best first

    @property
    def only_uncovered_places(self) -> bool:
        """The question is about places no document covers (and nothing else it names answers)."""
        return bool(self.intent.missing_places) and not self.answering and not self.intent.doc_ids


class EvidenceSelector:
    def __init__(self, retriever: HybridRetriever, finder: EvidenceFinder, names: list[str],
                 policy: AnswerPolicy = DEFAULT_POLICY) -> None:
        self.retriever = retriever
        self.finder = finder
        self.names = names  # every way the corpus's documents are named: not topic words
        self.policy = policy

    def candidates(self, intent: QueryIntent, scope: Collection[str] | None = None) -> dict[str, list[Hit]]:
        """Retrieved chunks by document: each named document searched on its own, else one search."""
        intent, scope = self._named_as_scope(intent, scope)
        named = [d for d in intent.doc_ids if scope is None or d in scope]
        if named:
            return {d: self.retriever.search(intent.text, self.policy.hits_per_named_document, doc_ids=[d]) for d in named}
        return self._by_document(self.retriever.search(intent.text, self.policy.corpus_hits, doc_ids=scope))

    def retrieve(self, intent: QueryIntent, scope: Collection[str] | None = None, k: int = 10) -> list[Hit]:
        """The retrieval ranking research works from: the documents' lists interleaved, best first."""
        per_document = list(self.candidates(intent, scope).values())
        ranked = [hits[i] for i in range(max(map(len, per_document), default=0)) for hits in per_document if i < len(hits)]
        return ranked[:k]

    def find(self, intent: QueryIntent, scope: Collection[str] | None = None) -> Findings:
        """What the documents in `scope` (all when None) say about the question."""
        intent, scope = self._named_as_scope(intent, scope)
        named = [d for d in intent.doc_ids if scope is None or d in scope]
        terms = self.finder.terms(intent, self.names + intent.citing_words)
        if intent.missing_places and not named:  # no other place's figure answers for this one
            enclosing = self._enclosing(intent, scope)
            return Findings(intent=intent, related=self._related(intent, terms, set(), enclosing) if enclosing else [])
        if intent.facets and named and (by_facet := self._by_facet(intent, scope)).answering:
            return by_facet
        per_document = self.candidates(intent, scope)
        ranked = {doc_id: self.finder.ranked(hits, intent, terms) for doc_id, hits in per_document.items()}
        answering = [e for evidence in ranked.values() for e in self._answering(evidence, intent)]
        findings = Findings(intent=intent, hits=[h for hits in per_document.values() for h in hits])
        if named:
            findings.answering = [e for e in answering if e.doc_id in named]
            unanswered = [d for d in named if d not in {e.doc_id for e in answering}]
            findings.closest = [best for d in unanswered if (best := self._closest(ranked.get(d, [])))]
            findings.missing = [d for d in unanswered if d not in {e.doc_id for e in findings.closest}]
        elif answering:
            best = max(e.coverage for e in answering)
            wide = intent.list_all or intent.comparison
            by_coverage = sorted(answering, key=lambda e: -e.coverage)
            findings.answering = [e for e in by_coverage if wide or e.coverage >= best - self.policy.close_to_best]
            findings.other_scope = [e for e in by_coverage if e not in findings.answering]
        if not findings.answering and not findings.closest:
            findings.related = self._related(intent, terms, exclude=set(named), scope=scope)
        return findings

    def _by_facet(self, intent: QueryIntent, scope: Collection[str] | None) -> Findings:
        """A list question about several subjects ("在供水、污水方面有哪些量化指标"): each subject answered on its
        own, as if asked alone, and the answers put together (a sentence answering two subjects once)."""
        rest = intent.text
        for facet in intent.facets:
            rest = rest.replace(facet, " ")
        found = [self.find(replace(intent, text=f"{facet} {rest}", facets=[]), scope) for facet in intent.facets]
        answering = list({(e.doc_id, e.clause.path, e.sentence): e for f in found for e in f.answering}.values())
        answered = {e.doc_id for e in answering}
        return Findings(intent=intent, answering=answering, hits=[h for f in found for h in f.hits],
                        missing=[d for d in intent.doc_ids if d not in answered and (scope is None or d in scope)])

    def _closest(self, ranked: list[Evidence]) -> Evidence | None:
        """A named document's clause that both retrievers put first and that shares enough of the question's
        words, though it does not answer it: shown as the closest provision, said to be no direct answer."""
        best = ranked[0] if ranked else None
        return best if best is not None and best.agreed and best.coverage >= self.policy.closest_covered else None

    def _related(self, intent: QueryIntent, terms: dict[str, float], exclude: set[str],
                 scope: Collection[str] | None) -> list[Evidence]:
        """The closest clauses outside the asked documents, shown as clearly labelled context."""
        allowed = None if scope is None else [d for d in scope if d not in exclude]
        hits = [h for h in self.retriever.search(intent.text, self.policy.corpus_hits, doc_ids=allowed)
                if h.chunk.doc_id not in exclude]
        per_document = self._by_document(hits)
        found = [ranked[0] for hits in per_document.values() if (ranked := self.finder.ranked(hits, intent, terms))]
        return sorted(found, key=lambda e: -e.coverage)[:self.policy.related_shown]

    def _enclosing(self, intent: QueryIntent, scope: Collection[str] | None) -> list[str]:
        """The documents that apply to the uncovered places all the same: those of the places that
        enclose them (the 自治区 of 呼伦贝尔) and nationwide ones. Their clauses are shown as context only."""
        places = [place for name in intent.missing_places if (place := gazetteer().locate(name))]
        metas = {doc_id: document.meta for doc_id, document in self.retriever.index.documents.items()}
        return [doc_id for doc_id, meta in metas.items() if (scope is None or doc_id in scope)
                and (meta.region == NATIONWIDE or ((own := gazetteer().by_code.get(meta.region_code)) is not None
                                                   and all(p.within(own) for p in places)))]

    def _named_as_scope(self, intent: QueryIntent, scope: Collection[str] | None) -> tuple[QueryIntent, Collection[str] | None]:
        """A place's several documents (广州 with seven, 全区 for an 自治区 and a district), or very many named:
        they bound one search, like a filter, instead of each being searched and reported missing."""
        named = [d for d in intent.doc_ids if scope is None or d in scope]
        if len(named) > self.policy.searched_one_by_one:
            return replace(intent, doc_ids=[]), named
        if not named and intent.scope_doc_ids:
            bounded = [d for d in intent.scope_doc_ids if scope is None or d in scope]
            return intent, bounded or scope
        return intent, scope

    def _answering(self, ranked: list[Evidence], intent: QueryIntent) -> list[Evidence]:
        """A document's answering evidence: its best clause, and a second clause stating the same figure
        (通辽 gives many targets both in its text and in its appendix table; the text comes first)."""
        found = [e for e in ranked[:2] if answers(e, intent, self.policy)]
        if len(found) == 2 and (found[1].coverage < found[0].coverage - self.policy.second_clause_gap
                                or not quantities(found[0].fragment) & quantities(found[1].fragment)):
            found = found[:1]
        return sorted(found, key=lambda e: e.clause.kind == "table_row")

    def _by_document(self, hits: list[Hit]) -> dict[str, list[Hit]]:
        grouped: dict[str, list[Hit]] = {}
        for hit in hits:
            grouped.setdefault(hit.chunk.doc_id, []).append(hit)
        return {doc_id: doc_hits[:self.policy.hits_kept_per_document] for doc_id, doc_hits in grouped.items()}


def answers(evidence: Evidence, intent: QueryIntent, policy: AnswerPolicy) -> bool:
    """Does this evidence answer? Either it holds most of the question's words, or it holds some
    and both retrievers independently put its clause first (how a paraphrase in everyday words
    still finds its clause, while a question about a provision the document lacks does not)."""
    lexical = evidence.coverage >= policy.covered
    if not lexical and not (evidence.agreed and evidence.coverage >= policy.agreed_covered):
        return False
    if intent.department:  # a unit list, or a sentence naming the body ("办公室设在国家粮食局")
        return bool(evidence.clause.units) or names_a_body(evidence.sentence)
    if intent.numeric:  # the figure must be about the question and its year, not just stand in the same sentence
        figure_of_the_question = evidence.fragment_coverage >= policy.fragment_covered or not lexical
        return (evidence.has_number and evidence.names_the_measure and figure_of_the_question
                and not states_other_years(evidence.sentence, intent.years))
    return True
