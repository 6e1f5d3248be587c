"""The parsed shapes every later stage shares: documents, their clauses, and retrieval chunks."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from functools import cached_property
from typing import Any, Literal

ClauseKind = Literal["clause", "preamble", "table_row", "form", "back_matter"]
# Kinds whose text ranks after the articles: a cover letter repeating a clause, a blank form to fill in.
SECONDARY_KINDS = ("preamble", "form")


@dataclass
class Clause:
    """One numbered clause (or preamble paragraph, or appendix table row) of a document.

    `text` is the clause's own text — its heading paragraph and the paragraphs up to the next
    heading of any level — exactly as it stands in the normalised document at `start:end`.
    """

    path: str  # e.g. 三（一）2, 前言1, 附件 序号6
    label: str  # this clause's own number: 三, （一）, 2
    heading: str  # e.g. 建设人与自然和谐共生的美丽城市
    text: str
    start: int
    end: int
    parent_path: str | None = None
    depth: int = 0
    kind: ClauseKind = "clause"  # a numbered clause, a paragraph before the first number, an appendix table row or form, 版记
    units: list[str] = field(default_factory=list)  # every responsible unit named
    lead_units: list[str] = field(default_factory=list)  # those marked 牵头 (or a table's 牵头部门)

    @property
    def is_preamble(self) -> bool:
        return self.kind == "preamble"


_CITATION_FIELDS = ("doc_id", "source_file", "title", "doc_number", "issuer", "date", "region", "level")


@dataclass
class DocumentMeta:
    """What a citation needs to say where a clause stands."""

    doc_id: str
    source_file: str
    title: str = ""
    short_name: str = ""
    doc_number: str = ""  # 文号, e.g. 赤政办发〔2023〕61号
    issuers: list[str] = field(default_factory=list)  # 发文机关, each body of a joint document
    date: str = ""  # ISO date, or "" when the document does not say
    region: str = ""  # 全国, 内蒙古自治区, 赤峰市, 广州市天河区
    region_code: str = ""  # its six-digit division code (ingest.places), "" for 全国 or unknown
    level: str = ""  # 国家, 部委, 省, 市 or 区县 (ingest.places)

    @property
    def issuer(self) -> str:
        """The issuers as one line, as a citation prints them."""
        return "、".join(self.issuers)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "issuer": self.issuer}

    def citation_fields(self) -> dict[str, str]:
        """Where the document stands, as plain strings any store can keep (Chroma metadata, LangChain documents)."""
        return {name: getattr(self, name) for name in _CITATION_FIELDS}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DocumentMeta:
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})


@dataclass
class Document:
    meta: DocumentMeta
    text: str  # the normalised document; every clause span points into it
    clauses: list[Clause]
    content_hash: str

    @property
    def doc_id(self) -> str:
        return self.meta.doc_id

    def clause(self, path: str) -> Clause | None:
        return next((c for c in self.clauses if c.path == path), None)

    def clause_fields(self, path: str) -> dict[str, str]:
        """Where the clause at `path` stands: the document's citation fields, the clause path and its heading."""
        clause = self.clause(path)
        return {**self.meta.citation_fields(), "clause": path, "heading": clause.heading if clause else ""}

    def heading_chain(self, clause: Clause) -> list[Clause]:
        """The clause and the sections above it, outermost first: [三, 三（一）, 三（一）2] for 三（一）2.

        Breadcrumbs, heading context and section groupings all read a clause's place from here. A parent
        is the first clause with its path, as `clause()` finds it.
        """
        chain: list[Clause] = []
        node: Clause | None = clause
        while node is not None:
            chain.append(node)
            node = self._first_by_path.get(node.parent_path) if node.parent_path else None
        return chain[::-1]

    @cached_property
    def _first_by_path(self) -> dict[str, Clause]:
        by_path: dict[str, Clause] = {}
        for clause in self.clauses:
            by_path.setdefault(clause.path, clause)
        return by_path

    def to_dict(self) -> dict[str, Any]:
        return {"meta": self.meta.to_dict(), "text": self.text, "clauses": [asdict(c) for c in self.clauses],
                "content_hash": self.content_hash}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        return cls(meta=DocumentMeta.from_dict(data["meta"]), text=data["text"],
                   clauses=[Clause(**c) for c in data["clauses"]], content_hash=data["content_hash"])


@dataclass
class Chunk:
    """The unit of retrieval: a clause, or one sentence-aligned part of a long clause."""

    chunk_id: str
    doc_id: str
    path: str
    part: int
    text: str  # verbatim clause text (or part of it)
    indexed_text: str  # breadcrumb + text: what is embedded and keyword-indexed
    secondary: bool  # a preamble paragraph or an appendix form: ranked after the articles


@dataclass
class SkippedFile:
    path: str
    reason: str  # in Chinese, for the person who added the file
