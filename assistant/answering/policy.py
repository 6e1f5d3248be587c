"""Every number that decides what is retrieved, which sentence answers, and whether a document
"has no such provision" — in one place, each with what moving it trades.

The defaults are the values the evaluation baseline was measured with. `policy-assistant eval
--policy name=value` tries other values without touching the code (a sweep); a change of a default
is a change of behaviour and must show on the evaluation's `check` items, not only on `tune`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class AnswerPolicy:
    # — retrieval: keyword (BM25) and vector rankings fused by reciprocal rank —
    rrf_k: int = 60
    """Reciprocal rank fusion's damping constant (60, as in Cormack et al. 2009). Lower lets a retriever's
    first places dominate the fused ranking; higher makes agreement between the two rankings count more."""
    candidates_per_retriever: int = 50
    """How deep each ranking is read before fusing. Deeper finds clauses one retriever ranks low, at more cost."""
    secondary_weight: float = 0.5
    """Fused score multiplier for preamble chunks (通知、印发说明) and appendix forms: below 1 so provisions
    outrank the cover letter and the blank 申请表."""

    # — which clauses are read, per question —
    hits_per_named_document: int = 6
    """Chunks read for each document the question names. More finds a provision ranked lower, at more latency."""
    searched_one_by_one: int = 8
    """Named documents searched each on its own; more than this (a city with many plans) share one search."""
    corpus_hits: int = 30
    """Chunks read from a corpus-wide search (no document named)."""
    hits_kept_per_document: int = 4
    """Of a corpus-wide search, the chunks kept per document: a long document cannot crowd out the others."""
    related_shown: int = 2
    """Closest clauses shown as "仅供参考" when nothing answers."""

    # — does a sentence answer? (coverage = rarity-weighted share of the question's words it holds) —
    covered: float = 0.6
    """Coverage at which a sentence answers on its words alone. Lower answers more paraphrases but risks answering
    a question the document does not address (a false answer instead of "未作规定")."""
    agreed_covered: float = 0.2
    """Coverage enough when keyword and vector retrieval both rank the clause first (a paraphrase in everyday
    words). Lower trusts retriever agreement more."""
    closest_covered: float = 0.15
    """Coverage at which a named document's clause that both retrievers rank first is shown, when it does not answer,
    as its closest provision ("未直接规定…最接近的规定（仅供参考）") instead of other documents' clauses. Lower shows
    more of them; higher falls back to the closest clauses of other documents."""
    fragment_covered: float = 0.5
    """For a figure question, the coverage the figure's own part of the sentence needs, so that a figure merely
    standing in the same sentence is not taken for the answer."""
    synonym_weight: float = 0.8
    """Credit for a question word whose 词林 synonym (住宅 for 住房) is in the sentence: below 1, as a synonym
    group also holds near-misses; higher bridges more everyday wording at the risk of false answers."""
    function_word_weight: float = 0.3
    """Weight share of a question's function words (那边, 一直, 以后: pronouns, adverbs, numerals, localisers, time
    words, set phrases). Low, so that an everyday question's chatter does not sink its clause; higher makes such
    words count as topic words."""
    heading_weight: float = 0.6
    """Credit for a question word found only in the clause's headings, not in the sentence (1 = same as in it)."""
    close_to_best: float = 0.2
    """Without named documents, documents whose coverage is within this of the best also answer; the rest are
    listed apart. Wider shows more documents, some less on point."""
    second_clause_gap: float = 0.1
    """A document's second clause (e.g. its appendix table) is cited too when this close to its best and stating
    the same figure."""

    # — which sentence, and which part of it, is the answer —
    numeric_sentence_bonus: float = 0.15
    """Sentence rank bonus for holding a number when the question asks for one."""
    year_match_bonus: float = 0.1
    """Sentence rank bonus for stating the asked target year."""
    year_mismatch_penalty: float = 0.2
    """Sentence rank penalty for stating only other target years (a 2030 figure for a 2025 question)."""
    unit_list_bonus: float = 0.1
    """Sentence rank bonus for a clause with responsible units, when the question asks who is responsible."""
    fragment_window: int = 3
    """Most comma-separated parts a direct answer takes from its sentence. More gives fuller answers, less precise."""
    numeric_fragment_bonus: float = 0.3
    """Fragment bonus for holding a number when the question asks for one."""
    many_numbers_fragment_bonus: float = 0.1
    """Further fragment bonus for holding more than one number (a range, or a figure and its base)."""
    year_fragment_bonus: float = 0.2
    """Fragment bonus for naming the asked year."""

    def with_overrides(self, assignments: list[str]) -> AnswerPolicy:
        """This policy with "name=value" assignments applied (values converted to the field's type)."""
        types = {f.name: f.type for f in fields(self)}
        changes: dict[str, int | float] = {}
        for assignment in assignments:
            name, _, value = assignment.partition("=")
            name = name.strip()
            if name not in types:
                raise ValueError(f"没有这个参数“{name}”（可用：{'、'.join(types)}）")
            try:
                changes[name] = int(value) if types[name] == "int" else float(value)
            except ValueError as error:
                raise ValueError(f"参数 {name} 的值“{value}”不是数字") from error
        return replace(self, **changes)


DEFAULT_POLICY = AnswerPolicy()
