"""LLM answer mode: any OpenAI-compatible chat endpoint (vLLM, Ollama, DeepSeek, Qwen) writes the
answer from numbered clauses, and the reply is checked before anyone relies on it: every [n] must
name a given source and every number must stand in a cited source. A reply that fails the check,
or a server that is down, slow or talking nonsense, never reaches the user as an answer; the
caller falls back to the extractive answer and says why.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

import prompts
from assistant.answer import Answer, Citation
from assistant.checks import check_answer, citations
from assistant.findings import Findings
from assistant.retrieval import best_sentence
from assistant.settings import Settings
from assistant.tokens import count_tokens, truncate_to_tokens
from ingest.models import Clause, Document

_HISTORY_MESSAGES = 4
_MAX_SOURCES = 8
_NOT_FOUND = "没有找到相关规定"


class LLMUnavailableError(Exception):
    """The endpoint could not give an answer (down, too slow, or not an OpenAI-style reply)."""


class AnswerRejectedError(Exception):
    """The model answered, but its citations or numbers do not hold up; the message says why."""


@dataclass
class Source:
    n: int
    doc_id: str
    clause: Clause
    quote: str  # the sentence research found, if any: the citation's default quote


class LLMAnswerer:
    def __init__(self, settings: Settings, documents: dict[str, Document]) -> None:
        self.settings = settings
        self.documents = documents
        from langchain_openai import ChatOpenAI  # here, not at the top: it adds ~1 s to every start-up

        self._chat = ChatOpenAI(model=settings.llm_model, base_url=settings.llm_base_url, api_key=settings.llm_api_key,
                                timeout=settings.llm_timeout_s, max_retries=0, temperature=0)

    def sources(self, findings: Findings) -> list[Source]:
        """The clauses the model may cite, best first, within the context budget."""
        seen: dict[tuple[str, str], Source] = {}
        for evidence in findings.answering + findings.also + findings.related:
            key = (evidence.doc_id, evidence.clause.path)
            seen.setdefault(key, Source(len(seen) + 1, evidence.doc_id, evidence.clause, evidence.sentence.strip()))
        for hit in findings.hits:
            clause = self.documents[hit.chunk.doc_id].clause(hit.chunk.path)
            key = (hit.chunk.doc_id, hit.chunk.path)
            if clause is not None and key not in seen:
                seen[key] = Source(len(seen) + 1, hit.chunk.doc_id, clause, "")
        budget, chosen = self.settings.llm_context_tokens, []
        for source in list(seen.values())[:_MAX_SOURCES]:
            cost = count_tokens(self._source_text(source))
            if cost > budget:
                break
            budget -= cost
            chosen.append(source)
        return chosen

    def messages(self, question: str, history: Sequence[dict[str, str]], sources: list[Source]) -> list[BaseMessage]:
        turns: list[BaseMessage] = [SystemMessage(prompts.load("answer_system"))]
        for message in list(history)[-_HISTORY_MESSAGES:]:
            content = message.get("content", "")
            turns.append(AIMessage(content) if message.get("role") == "assistant" else HumanMessage(content))
        block = "\n\n".join(self._source_text(s) for s in sources) or "（无）"
        turns.append(HumanMessage(prompts.load("answer_user").format(sources=block, question=question)))
        return turns

    def stream(self, question: str, history: Sequence[dict[str, str]], findings: Findings) -> Iterator[str | Answer]:
        """Text as the model writes it, then the checked Answer.

        Raises LLMUnavailableError (endpoint trouble) or AnswerRejectedError (failed check).
        """
        sources = self.sources(findings)
        deadline = time.monotonic() + self.settings.llm_timeout_s
        parts: list[str] = []
        try:
            for chunk in self._chat.stream(self.messages(question, history, sources)):
                if time.monotonic() > deadline:
                    raise LLMUnavailableError(f"大模型在 {self.settings.llm_timeout_s:g} 秒内没有答完")
                text = chunk.content if isinstance(chunk.content, str) else ""
                if text:
                    parts.append(text)
                    yield text
        except LLMUnavailableError:
            raise
        except Exception as error:  # the OpenAI client raises many types: connection, timeout, HTTP status, parsing
            raise LLMUnavailableError(f"大模型服务不可用（{type(error).__name__}）") from error
        text = "".join(parts).strip()
        if not text:
            raise LLMUnavailableError("大模型返回了空回答")
        yield self._checked_answer(question, text, sources)

    def _checked_answer(self, question: str, text: str, sources: list[Source]) -> Answer:
        by_number = {s.n: s for s in sources}
        check = check_answer(text, {n: s.clause.text for n, s in by_number.items()})
        if not check.ok:
            raise AnswerRejectedError(check.describe())
        cited = [by_number[n] for n in citations(text)]
        if not cited and _NOT_FOUND not in text:  # e.g. a model talked into repeating its instructions
            raise AnswerRejectedError("回答没有引用任何来源")
        answer_citations = [Citation.of(s.n, self.documents[s.doc_id].meta, s.clause,
                                        s.quote or best_sentence(s.clause.text, text)) for s in cited]
        answerable = bool(cited) and _NOT_FOUND not in text
        return Answer(question=question, answer=text, answerable=answerable, citations=answer_citations, mode="llm")

    def _source_text(self, source: Source) -> str:
        meta = self.documents[source.doc_id].meta
        number = f"（{meta.doc_number}）" if meta.doc_number else ""
        body = truncate_to_tokens(source.clause.text, self.settings.llm_context_tokens // 2)
        return f"[{source.n}] 《{meta.title}》{number} {source.clause.path}「{source.clause.heading}」\n{body}"
