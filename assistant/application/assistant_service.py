"""The assistant: question (and conversation) in, cited Answer out."""

from __future__ import annotations

import re
import time
from collections.abc import Collection, Iterator, Sequence
from typing import Any

from pydantic import BaseModel

from assistant.answer import MODES, Answer, Mode
from assistant.answering.evidence import EvidenceFinder
from assistant.answering.extractive import compose
from assistant.answering.indicator_answers import indicator_answer
from assistant.answering.llm import AnswerRejectedError, LLMAnswerer, LLMUnavailableError
from assistant.answering.policy import DEFAULT_POLICY, AnswerPolicy
from assistant.answering.query import QueryAnalyser, QueryIntent, document_aliases
from assistant.answering.records import article_answer, clause_answer, record_answer
from assistant.answering.retrieval import Hit, HybridRetriever
from assistant.answering.selection import EvidenceSelector
from assistant.application.factory import open_index
from assistant.settings import Settings
from vectorstore.index import PolicyIndex

MAX_QUESTION_CHARS = 500


class QuestionError(ValueError):
    """A question that cannot be answered as asked; the message is for the user, `code` for programs."""

    def __init__(self, message: str, code: str = "bad_question") -> None:
        super().__init__(message)
        self.code = code


class PolicyAssistant:
    def __init__(self, index: PolicyIndex, settings: Settings, policy: AnswerPolicy = DEFAULT_POLICY) -> None:
        self.index = index
        self.settings = settings
        self.policy = policy
        self.documents = {doc_id: document.meta for doc_id, document in index.documents.items()}
        self.retriever = HybridRetriever(index, policy)
        self.analyser = QueryAnalyser(list(self.documents.values()))
        names = sorted({alias for meta in self.documents.values() for alias in document_aliases(meta)},
                       key=len, reverse=True)
        self.selector = EvidenceSelector(self.retriever, EvidenceFinder(index, policy), names, policy)
        self.indicators = index.indicators  # the 指标库, read from the clauses now rather than at the first question
        self.llm = LLMAnswerer(settings, index.documents) if settings.llm_configured else None
        self._llm_resting_until = 0.0  # after a failure, auto mode leaves the LLM alone for a while

    @classmethod
    def open(cls, settings: Settings, policy: AnswerPolicy = DEFAULT_POLICY) -> PolicyAssistant:
        return cls(open_index(settings), settings, policy)

    def ask(self, question: str, history: Sequence[dict[str, Any]] = (), mode: Mode | None = None,
            documents: Collection[str] | None = None, regions: Collection[str] = (), levels: Collection[str] = ()) -> Answer:
        """Answer `question` from the documents (all, or those the filters select), citing every statement."""
        answer: Answer | None = None
        for event in self.ask_stream(question, history, mode, documents, regions, levels):
            if isinstance(event, Answer):
                answer = event
        assert answer is not None
        return answer

    def ask_stream(self, question: str, history: Sequence[dict[str, Any]] = (), mode: Mode | None = None,
                   documents: Collection[str] | None = None, regions: Collection[str] = (),
                   levels: Collection[str] = ()) -> Iterator[str | Answer]:
        """Answer text as it is written (str pieces), then the final Answer.

        If an LLM reply is rejected after it streamed, the final Answer is the extractive one, with a
        notice: a client shows the final Answer in place of the streamed text.
        """
        started = time.perf_counter()
        question, history = _checked(question), _clean_history(history)
        mode = mode or self.settings.answer_mode
        if mode not in MODES:
            raise QuestionError(f"未知的回答方式“{mode}”（可选 {'、'.join(MODES)}）", "bad_mode")
        scope = self._scope(documents, regions, levels)
        intent = self.analyser.analyse(question, history)
        answer = (record_answer(intent, self.index.documents) or self._indicator_answer(intent, scope)
                  or self._referenced_clause(intent, history))
        if answer:  # read, not searched for
            yield answer.answer
            yield answer
            return
        findings = self.selector.find(intent, scope=scope)
        found = time.perf_counter()
        answer, notice, streamed = None, "", False
        # A place no document covers is answered as such, by rule: no model may fill it with a neighbour's figure.
        use_llm = mode != "extractive" and not findings.only_uncovered_places
        if use_llm and self.llm is not None and (mode == "llm" or time.monotonic() >= self._llm_resting_until):
            try:
                for event in self.llm.stream(question, history, findings):
                    if isinstance(event, Answer):
                        answer = event
                    else:
                        streamed = True
                        yield event
            except LLMUnavailableError as error:
                self._llm_resting_until = time.monotonic() + self.settings.llm_retry_after_s
                notice = f"{error}，已改用原文摘录回答。"
            except AnswerRejectedError as error:
                notice = f"大模型的回答未通过出处核验（{error}），已改用原文摘录回答。"
        elif mode == "llm" and self.llm is None:
            notice = "未配置大模型（POLICY_LLM_BASE_URL、POLICY_LLM_MODEL），已使用原文摘录回答。"
        if answer is None:
            answer = compose(findings, self.documents)
            answer.notice = notice
            if not streamed:  # after streamed LLM text, clients show the final Answer in its place: no second copy
                yield answer.answer
        answer.understood_as = intent.text
        answer.timings = {"retrieval_ms": _ms(started, found), "answer_ms": _ms(found, time.perf_counter()),
                          "total_ms": _ms(started, time.perf_counter())}
        yield answer

    def retrieve(self, question: str, history: Sequence[dict[str, Any]] = (), k: int = 10) -> list[Hit]:
        """The chunks the answer is researched from, best first (what retrieval metrics measure)."""
        return self.selector.retrieve(self.analyser.analyse(_checked(question), history), k=k)

    def search(self, question: str, documents: Collection[str] | None = None) -> list[Hit]:
        """Every chunk the hybrid search ranks for `question` as written, best first, only from `documents` when
        given; question and documents checked as `ask` checks them. For callers that pick from the ranking (LangChain)."""
        return self.retriever.search(_checked(question), len(self.index.chunks), doc_ids=self._scope(documents, (), ()))

    def _scope(self, documents: Collection[str] | None, regions: Collection[str], levels: Collection[str]) -> set[str] | None:
        """The doc ids the caller's filters allow (None: all); an unknown id or an empty selection is an error."""
        unknown = [d for d in documents or () if d not in self.documents]
        if unknown:
            raise QuestionError(f"未知的文档：{'、'.join(unknown)}", "unknown_document")
        if documents is None and not regions and not levels:
            return None
        scope = set(documents if documents is not None else self.documents)
        if regions or levels:
            scope &= self.retriever.documents_matching(regions, levels)
        if not scope:
            raise QuestionError("没有符合筛选条件（文档、地区、层级）的文档。", "no_documents")
        return scope

    def _indicator_answer(self, intent: QueryIntent, scope: set[str] | None) -> Answer | None:
        """A list, comparison or ranking of targets, from the 指标库."""
        indicators = [i for i in self.indicators if scope is None or i.doc_id in scope]
        return indicator_answer(intent, indicators, self.index.documents,
                                lambda: list(self.selector.finder.terms(intent, self.selector.names)),
                                lambda: set(self.selector.find(intent, scope=scope).missing))

    def _referenced_clause(self, intent: QueryIntent, history: Sequence[dict[str, Any]]) -> Answer | None:
        """"第二条具体怎么说？": article 二 of a document the previous answer cited; else its second source, found
        by the structured citations that answer carried (doc_id and clause path), never by its text; else, with
        nothing cited, article 二 of the document the conversation's words point to."""
        previous = next((m for m in reversed(history) if m.get("role") == "assistant"), {})
        cited = previous.get("citations", [])
        if intent.article and (answer := self._article_of(intent, [c["doc_id"] for c in cited])):
            return answer
        if intent.clause_reference and (answer := self._nth_source(intent, cited)):
            return answer
        if intent.article and not cited and (hits := self.retriever.search(intent.text, 1)):
            return self._article_of(intent, [hits[0].chunk.doc_id])
        return None

    def _nth_source(self, intent: QueryIntent, cited: list[dict[str, Any]]) -> Answer | None:
        source = next((c for c in cited if c["n"] == intent.clause_reference), None)
        document = self.index.documents.get(source["doc_id"]) if source else None
        clause = document.clause(source["clause"]) if document and source else None
        return clause_answer(intent.question, document.meta, clause) if document and clause else None

    def _article_of(self, intent: QueryIntent, doc_ids: Sequence[str]) -> Answer | None:
        return article_answer(intent, [self.index.documents[d] for d in dict.fromkeys(doc_ids) if d in self.index.documents])


# Control and invisible characters, and lone surrogates (valid JSON escapes, but not encodable text).
_INVISIBLE = r"\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2028-\u202e\ufeff\ud800-\udfff"
_UNPRINTABLE = re.compile(f"[{_INVISIBLE}]")
# What API schemas promise of a question: one printable character at least, once the above is removed.
QUESTION_PATTERN = rf"[^\s{_INVISIBLE}]"


def _clean_history(history: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Turns as plain data: role and text, and for an answer what it cited and how it understood the question."""
    return [{"role": str(m.get("role", "")), "content": _UNPRINTABLE.sub("", str(m.get("content", ""))),
             "citations": [_cited_clause(c) for c in m.get("citations") or [] if _cited_clause(c)],
             "understood_as": _UNPRINTABLE.sub("", str(m.get("understood_as") or ""))[:MAX_QUESTION_CHARS * 2]}
            for m in history]


def _cited_clause(citation: Any) -> dict[str, Any] | None:
    """{n, doc_id, clause} from a citation as a client sent it back (an Answer's citation, or just those keys)."""
    if isinstance(citation, BaseModel):
        citation = citation.model_dump()
    if not isinstance(citation, dict):
        return None
    n, doc_id, clause = citation.get("n"), citation.get("doc_id"), citation.get("clause")
    if not isinstance(n, int) or not isinstance(doc_id, str) or not isinstance(clause, str):
        return None
    return {"n": n, "doc_id": doc_id, "clause": clause}


def _checked(question: str) -> str:
    question = question if isinstance(question, str) else ""
    if len(question) > MAX_QUESTION_CHARS:  # counted as sent, as the API schemas state the limit
        raise QuestionError(f"问题过长（{len(question)} 字），请控制在 {MAX_QUESTION_CHARS} 字以内。", "question_too_long")
    question = _UNPRINTABLE.sub("", question).strip()
    if not question:
        raise QuestionError("问题不能为空。", "empty_question")
    return question


def _ms(start: float, end: float) -> float:
    return round((end - start) * 1000, 1)
