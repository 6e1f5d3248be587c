"""LLM answer mode: any OpenAI-compatible chat endpoint (vLLM, Ollama, DeepSeek, Qwen) writes the
answer from numbered clauses, and the reply is checked before anyone sees it: every [n] must name a
given source and every number must stand in a cited source. The reply streams out sentence by
sentence, each one only after it passed the check, and only once the reply cites a source. A reply
that fails the check, or a server that is down, slow or talking nonsense, never reaches the user as
an answer; the caller falls back to the extractive answer and says why.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

import prompts
from assistant.answer import Answer, Citation
from assistant.answering.markup import strip_markup
from assistant.answering.retrieval import best_sentence
from assistant.answering.selection import Findings
from assistant.answering.verification import check_answer, check_sentence, citations
from assistant.settings import Settings
from assistant.text.tokens import count_tokens, truncate_to_tokens
from ingest.models import Clause, Document
from ingest.quantities import CITATION
from ingest.sentences import FULL_STOPS, SENTENCE  # the sentences retrieval and evidence read

_HISTORY_MESSAGES = 4
_MAX_SOURCES = 8
_NOT_FOUND = "没有找到相关规定"
# Markers right after a full stop belong to the sentence before it: "…18层。[1][2]".
_TRAILING_MARKERS = re.compile(rf"(?:[ \t]*{CITATION.pattern})*")
# The start of a marker that has not fully arrived yet: the sentence before it is not complete.
_MARKER_START = re.compile(r"[ \t]*(?:[\[［][\d\s,，、]*)?")


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
        for evidence in findings.answering + findings.other_scope + findings.closest + findings.related:
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
        """Checked sentences of the reply as the model writes them, then the checked Answer.

        The text yielded is always a prefix of the Answer's text. Raises LLMUnavailableError (endpoint trouble)
        or AnswerRejectedError (failed check; at the first failing sentence, which is never yielded).
        """
        sources = self.sources(findings)
        gate = _SentenceGate({s.n: s.clause.text for s in sources})
        deadline = time.monotonic() + self.settings.llm_timeout_s
        try:
            for chunk in self._chat.stream(self.messages(question, history, sources)):
                if time.monotonic() > deadline:
                    raise LLMUnavailableError(f"大模型在 {self.settings.llm_timeout_s:g} 秒内没有答完")
                if shown := gate.feed(chunk.content if isinstance(chunk.content, str) else ""):
                    yield shown
        except (LLMUnavailableError, AnswerRejectedError):
            raise
        except Exception as error:  # the OpenAI client raises many types: connection, timeout, HTTP status, parsing
            raise LLMUnavailableError(f"大模型服务不可用（{type(error).__name__}）") from error
        if not gate.reply.strip():
            raise LLMUnavailableError("大模型返回了空回答")
        rest = gate.finish()
        answer = self._checked_answer(question, gate.text, sources)  # e.g. a reply that never cites is rejected here
        if rest:
            yield rest
        yield answer

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


class _SentenceGate:
    """Lets a reply through one complete sentence at a time, each after it passed check_sentence.

    Nothing passes before the reply cites a source (a model talked into repeating its instructions cites
    nothing), and a sentence that cites nothing waits for the next one that does, whose citations may cover
    it ("…93%；…80%[1]。"). Markup is stripped sentence by sentence, so `text` only ever grows.
    """

    def __init__(self, sources: dict[int, str]) -> None:
        self.sources = sources
        self.reply = ""  # as the model wrote it
        self.read = 0  # reply[:read] has been cut into sentences
        self.text = ""  # the sentences that passed, markup stripped: the answer so far
        self.held: list[str] = []  # complete sentences waiting for a citation
        self.cited: set[int] = set()

    def feed(self, piece: str) -> str:
        """Add the model's next piece; return the text that may now be shown ("" if none)."""
        self.reply += piece
        shown = ""
        while (end := self._sentence_end()) is not None:
            shown += self._take(self.reply[self.read:end])
            self.read = end
        return shown

    def finish(self) -> str:
        """The reply ended: its unfinished last sentence counts too. Returns the rest of `text` to show.

        A reply that never cited anything is not checked sentence by sentence: check_answer decides about it.
        """
        shown = self._take(self.reply[self.read:], last=True)
        self.read = len(self.reply)
        if self.cited:
            return shown + self._release()
        rest, self.held = "".join(self.held), []
        self.text += rest
        return rest

    def _sentence_end(self) -> int | None:
        """Where the next complete sentence after `read` ends, or None while it may still grow."""
        match = SENTENCE.search(self.reply, self.read)
        if match is None:
            return None
        end = match.end()
        if self.reply[end - 1] not in FULL_STOPS:
            return end if end < len(self.reply) else None  # a line ends at its newline
        markers = _TRAILING_MARKERS.match(self.reply, end)
        end = markers.end() if markers else end
        return None if _MARKER_START.fullmatch(self.reply, end) else end

    def _take(self, piece: str, last: bool = False) -> str:
        sentence = strip_markup(piece)
        if not (self.text or any(self.held)):
            sentence = sentence.lstrip()  # the answer starts at its first word
        if last:
            sentence = sentence.rstrip()
        self.held.append(sentence)
        found = citations(sentence)
        if not found:
            return ""
        self.cited.update(found)
        return self._release()

    def _release(self) -> str:
        for sentence in self.held:
            result = check_sentence(sentence, self.sources, self.cited)
            if not result.ok:
                raise AnswerRejectedError(result.describe())
        released, self.held = "".join(self.held), []
        self.text += released
        return released
