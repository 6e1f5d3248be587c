"""Files in, parsed documents out: discovery, loading, normalising, clause parsing, metadata."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.clauses import parse_clauses
from ingest.loaders import DEFAULT_MAX_CHARS, SUPPORTED_SUFFIXES, LoadError, load_text
from ingest.metadata import MANIFEST_NAME, extract_meta, load_manifest
from ingest.models import Document, SkippedFile
from ingest.normalize import normalise

logger = logging.getLogger(__name__)

_MAX_ID_CHARS = 80  # ids appear in URLs, citations and file-system paths


@dataclass
class ParseResult:
    documents: list[Document] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)


def discover(paths: Iterable[Path]) -> Iterator[Path]:
    """Every file under the given files and folders, sorted, without hidden files or manifests."""
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if not file.name.startswith(".") and file.name != MANIFEST_NAME:
                yield file


def parse_file(path: Path, max_bytes: int, doc_id: str | None = None,
               manifest_entry: dict[str, Any] | None = None, *, max_chars: int = DEFAULT_MAX_CHARS) -> Document:
    """Parse one file; raises LoadError (reason in Chinese) when it cannot be a document."""
    raw = load_text(path, max_bytes, max_chars=max_chars)
    normalised = normalise(raw)
    if not normalised.text.strip():
        raise LoadError("文件没有可提取的文字")
    clauses = parse_clauses(normalised)
    doc_id = doc_id or make_doc_id(path.name)
    meta = extract_meta(doc_id, path.name, normalised.text, clauses, manifest_entry)
    content_hash = hashlib.sha256(normalised.text.encode("utf-8")).hexdigest()
    return Document(meta=meta, text=normalised.text, clauses=clauses, content_hash=content_hash)


def parse_paths(paths: Iterable[Path], max_bytes: int, on_file: Any = None, *,
                max_chars: int = DEFAULT_MAX_CHARS) -> ParseResult:
    """Parse every supported file; the others are reported in `skipped`, never raised.

    Files of one folder that are versions of one document (same id: `a.txt`, `A.docx`) give one
    document, from the newest file that parses. `on_file(path)` is called before each file
    (for a progress bar).
    """
    outcomes: list[tuple[Path, Document | SkippedFile]] = []
    manifests: dict[Path, dict[str, dict[str, Any]]] = {}
    for path in discover(paths):
        if on_file:
            on_file(path)
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            outcomes.append((path, SkippedFile(str(path), f"不支持的文件类型“{path.suffix or '无扩展名'}”")))
            continue
        if path.parent not in manifests:
            manifests[path.parent] = load_manifest(path.parent)
        outcomes.append((path, _parse_or_skip(path, max_bytes, max_chars, manifests[path.parent].get(path.name))))
    return _one_document_per_id(outcomes)


def _parse_or_skip(path: Path, max_bytes: int, max_chars: int, manifest_entry: dict[str, Any] | None) -> Document | SkippedFile:
    try:
        return parse_file(path, max_bytes, make_doc_id(path.name), manifest_entry, max_chars=max_chars)
    except LoadError as error:
        return SkippedFile(str(path), str(error))
    except Exception as error:  # a bug or a parser crash on one file must not stop the whole folder
        logger.exception("解析文件 %s 失败", path)
        return SkippedFile(str(path), f"解析失败（{type(error).__name__}）")


def _one_document_per_id(outcomes: list[tuple[Path, Document | SkippedFile]]) -> ParseResult:
    """Keep the newest parsed file of each (folder, id); ids that meet across folders get "-2"."""
    newest: dict[tuple[Path, str], Path] = {}
    for path, outcome in outcomes:
        if isinstance(outcome, Document):
            key = (path.parent, outcome.doc_id)
            if key not in newest or _age_key(path) > _age_key(newest[key]):
                newest[key] = path
    result = ParseResult()
    used_ids: set[str] = set()
    for path, outcome in outcomes:
        if isinstance(outcome, SkippedFile):
            result.skipped.append(outcome)
            continue
        kept = newest[(path.parent, outcome.doc_id)]
        if kept != path:
            result.skipped.append(SkippedFile(str(path), f"与“{kept.name}”是同一文档的另一版本，已使用较新的“{kept.name}”"))
            continue
        outcome.meta.doc_id = _unique(outcome.doc_id, used_ids)
        used_ids.add(outcome.doc_id)
        result.documents.append(outcome)
    return result


def _age_key(path: Path) -> tuple[int, str]:
    """Newer is larger; the name settles a tie so the choice never depends on listing order."""
    try:
        return path.stat().st_mtime_ns, path.name
    except OSError:  # removed while the folder was being parsed
        return -1, path.name


def make_doc_id(file_name: str) -> str:
    """A stable id from the file name: letters, digits, CJK, '-' and '_' kept, the rest '-'.

    A long name is cut to 80 characters and ends in a hash of the whole id, so two long names
    that differ only at the end still get different ids.
    """
    stem = Path(file_name).stem
    doc_id = re.sub(r"[^0-9A-Za-z_\-\u4e00-\u9fff]+", "-", stem).strip("-").lower() or "document"
    if len(doc_id) <= _MAX_ID_CHARS:
        return doc_id
    digest = hashlib.sha256(doc_id.encode("utf-8")).hexdigest()[:8]
    return f"{doc_id[:_MAX_ID_CHARS - len(digest) - 1].rstrip('-')}-{digest}"


def _unique(doc_id: str, used: set[str]) -> str:
    candidate, number = doc_id, 2
    while candidate in used:
        candidate, number = f"{doc_id}-{number}", number + 1
    return candidate
